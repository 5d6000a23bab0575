"""Reading a spec file into a checked document, whatever its bytes.

Every way a file can fail before its fields are read is one :class:`SpecError` naming the file:
it cannot be read (missing, a folder, no permission), it is over :data:`MAX_SPEC_BYTES`, it is
not UTF-8, it does not parse (TOML, or JSON with no key twice in one table), or it nests too
deeply for the parser. :func:`check_document` then holds any document, read from a file or
given as a dict, to what the fields' checks rely on: a table at the top, text keys, at most
:data:`MAX_DEPTH` levels, and text that can be written to a file (no lone surrogates, which
JSON's ``\\ud800`` escapes can make). Messages quote values through :func:`shown`, bounded.

Example:
    >>> check_document({"envs": [{"id": "edusim/Tutor-v0", "label": "a\\ud800"}]}, "grid.json")
    Traceback (most recent call last):
    ...
    edusim.experiments.spec.SpecError: grid.json: envs[0].label: 'a\\ud800' is not valid \
Unicode text (a lone surrogate)
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from edusim.text import shown

__all__ = ["MAX_DEPTH", "MAX_ERROR_CHARS", "MAX_SPEC_BYTES", "check_document", "error_text",
           "read_document", "shown"]

#: The largest spec file read, in bytes (a spec is written by hand; a link to ``/dev/zero``
#: or a data file named by mistake stops here).
MAX_SPEC_BYTES = 16 << 20
#: The deepest nesting of tables and lists in a spec (the examples use 4).
MAX_DEPTH = 32
#: The most characters of another component's error (an env's, a teacher's) a message quotes.
MAX_ERROR_CHARS = 400


def error_text(exc: BaseException) -> str:
    """An exception raised while checking a spec as one short, printable line.

    Example:
        >>> error_text(KeyError("unknown teacher 'x'")), error_text(ValueError("a" * 500))
        ("unknown teacher 'x'", '...')
    """
    text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    text = textwrap.shorten(text, MAX_ERROR_CHARS, placeholder=" ...")
    # a control character quoted from the spec (NUL, an escape sequence) shown, not sent
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text) or type(exc).__name__


def read_document(path: Path) -> Any:
    """The parsed contents of a ``.toml`` or ``.json`` file (not yet checked).

    Raises:
        SpecError: For any file that cannot be read, decoded or parsed, naming ``path``.

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "grid.json"
        >>> _ = path.write_bytes(b'{"seeds": 1, "seeds": 2}')
        >>> read_document(path)
        Traceback (most recent call last):
        ...
        edusim.experiments.spec.SpecError: ...grid.json: cannot parse (key 'seeds' appears \
twice in one table)
    """
    from edusim.experiments.spec import SpecError

    if path.suffix not in (".toml", ".json"):
        raise SpecError(f"{path}: spec files are .toml or .json")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SPEC_BYTES + 1)
    except FileNotFoundError:
        raise SpecError(f"spec file not found: {path}") from None
    except OSError as exc:
        raise SpecError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(f"{path}: larger than {MAX_SPEC_BYTES >> 20} MiB; is it a spec?")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not UTF-8 text (byte {exc.start} is {data[exc.start]:#04x})"
                        ) from None
    try:
        if path.suffix == ".toml":
            return tomllib.loads(text)
        return json.loads(text, object_pairs_hook=_table)
    except ValueError as exc:  # TOMLDecodeError, JSONDecodeError, a key twice, a huge number
        raise SpecError(f"{path}: cannot parse ({' '.join(str(exc).split())})") from None
    except RecursionError:
        raise SpecError(f"{path}: cannot parse (nested too deeply)") from None


def _table(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are distinct (``json`` would keep the last of two silently)."""
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise ValueError(f"key {shown(key)} appears twice in one table")
        table[key] = value
    return table


def check_document(data: Any, source: str) -> None:
    """Raise :class:`SpecError` unless ``data`` is a table of bounded depth and valid text.

    Args:
        data: A parsed spec.
        source: The file name, for messages.

    Example:
        >>> check_document([{"envs": []}], "grid.json")
        Traceback (most recent call last):
        ...
        edusim.experiments.spec.SpecError: grid.json: a spec is a table of fields (envs, \
teachers, seeds, ...), got [{'envs': []}]
    """
    from edusim.experiments.spec import SpecError

    if not isinstance(data, Mapping):
        raise SpecError(f"{source}: a spec is a table of fields (envs, teachers, seeds, ...), "
                        f"got {shown(data)}")
    problem = _problem(data, "", 0)
    if problem:
        raise SpecError(f"{source}: {problem}")


def _problem(value: Any, where: str, depth: int) -> str | None:
    """What is wrong at or under ``value`` (at path ``where``), or ``None``."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{where}: {shown(value)} is not valid Unicode text (a lone surrogate)"
        return None
    if not isinstance(value, Mapping | list):
        return None
    if depth == MAX_DEPTH:
        return f"{where}: nested deeper than {MAX_DEPTH} levels"
    items = value.items() if isinstance(value, Mapping) else enumerate(value)
    for key, item in items:
        if isinstance(value, list):
            inner = f"{where}[{key}]"
        elif not isinstance(key, str) or _problem(key, "", depth):
            return f"{where or 'the spec'}: key {shown(key)} is not valid text"
        else:
            name = key if key.isidentifier() and len(key) <= 80 else shown(key)
            inner = f"{where}.{name}" if where else name
        problem = _problem(item, inner, depth + 1)
        if problem:
            return problem
    return None
