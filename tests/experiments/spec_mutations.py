"""A valid spec to break, the ways to break it, and the property every outcome must hold.

The property (:func:`judge`): reading and checking a spec either gives a spec whose files can
all be written (titles that name files and head tables, job file names under 255 bytes and
distinct, seeds that fit the results' 64-bit column, text that encodes as UTF-8), or raises one
:class:`SpecError`: a printable line of bounded length that starts with the file's name.
"""

from __future__ import annotations

import copy
import json
import math
import sys
from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st

from edusim.experiments.spec import MAX_TRIALS, ExperimentSpec, Job, SpecError, safe_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: The example grid (2 envs x 4 teachers, cheap to check) with the optional tables added.
BASE_TOML = (Path(__file__).parents[2] / "examples" / "tutor_grid.toml").read_text() + (
    '\n# Robustheit über Simulatoren\n[resources]\nnum_cpus = 1\nnum_gpus = 0\n\n'
    '[report]\nkind = "robust-matrix"\nmetric = "learning_gain"\n')
BASE = tomllib.loads(BASE_TOML)
#: A job's longest file name: ``.{key}.failed.json`` with the atomic writer's temporary suffix.
LONGEST_JOB_FILE = ".{}.failed.json.abcdefgh.tmp"

TEXTS = ["", ".", "..", "a/b", "a_b", "\n", "a\nb", '"', "'''", "\\", "\x00", "\x1b[31m",
         "\ud800", "x" * 300, "学" * 40, "é" * 48, "edusim/Tutor-v0", "..:X-v0", "os:path",
         "random", "ppo", "llm", "alp-gmm", "tutor-bkt", "mastery-threshold", "logistic", "kss",
         "learning_gain"]
INTS = [0, -1, 1, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63), MAX_TRIALS, MAX_TRIALS + 1]
FLOATS = [math.nan, math.inf, -math.inf, 1e308, -0.0, 0.5]
#: One of each kind of hostile value, for the sweep over every field.
SPECIAL = [*TEXTS, *INTS, *FLOATS, True, None, [], {}, [1, "x", [2]], {"a": {"b": 1}},
           json.loads("[" * 40 + "]" * 40)]

scalars = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=12),
                    st.integers(-(2**70), 2**70), st.floats(), st.booleans(), st.none())
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(TEXTS) | st.text(max_size=6), inner, max_size=3),
    max_leaves=6)


def _paths(value, prefix=()):
    """Every path to a field or list entry of ``value``."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        yield (*prefix, key)
        if isinstance(item, dict | list):
            yield from _paths(item, (*prefix, key))


#: (): the top level, where ``add`` adds a field.
PATHS = [(), *_paths(BASE)]
edits = st.tuples(st.sampled_from(["remove", "replace", "duplicate", "rename", "add"]),
                  st.sampled_from(PATHS), st.sampled_from(TEXTS) | st.text(max_size=6), values)


def edit(doc: dict, change) -> tuple | None:
    """Apply ``change`` to ``doc`` in place; the path of what changed (``None``: not applicable,
    e.g. the path is gone after an earlier change)."""
    op, path, new_key, value = change
    parent, key = doc, None
    try:
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1] if path else None
        target = parent[key] if path else doc
    except (KeyError, IndexError, TypeError):
        return None
    if op == "add" and isinstance(target, dict | list):
        if isinstance(target, list):
            target.append(value)
            return (*path, len(target) - 1)
        target[new_key] = value
        return (*path, new_key)
    if not path:
        return None
    if op == "remove":
        del parent[key]
    elif op == "replace":
        parent[key] = value
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(target))
    elif op == "rename" and isinstance(parent, dict):
        parent[new_key] = parent.pop(key)
        return (*path[:-1], new_key)
    else:
        return None
    return path


def changed(change, base: dict = BASE) -> tuple[dict, tuple[str, ...]]:
    """``base`` with one ``change``, and the names of the entry a message must then name (one
    of them; none when the change did not apply)."""
    doc = copy.deepcopy(base)
    where = edit(doc, change)
    if where is None:
        return doc, ()
    top = where[0]
    if top in ("envs", "teachers") and len(where) > 1:
        return doc, (f"{top}[{where[1]}]",)
    renamed = change[0] == "rename" and len(where) == 1
    return doc, (top, change[1][0]) if renamed else (top,)


def toml(value) -> str:
    """``value`` as a TOML value (inline tables and arrays; ``None`` has no TOML form)."""
    if isinstance(value, str):
        return '"' + "".join(c if c.isprintable() and c not in '"\\' else
                             f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}"
                             for c in value) + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml(k)} = {toml(v)}" for k, v in value.items()
                               if v is not None) + "}"
    return repr(value)


def write(doc: dict, path: Path) -> Path:
    """``doc`` as a ``.json`` (``json.dumps``) or ``.toml`` file at ``path``."""
    if path.suffix == ".json":
        path.write_text(json.dumps(doc))
    else:
        path.write_text("".join(f"{toml(k)} = {toml(v)}\n" for k, v in doc.items()
                                if v is not None), encoding="utf-8")
    return path


def judge(read: Callable[[], ExperimentSpec], source: str,
          check: Callable | None = None) -> ExperimentSpec | SpecError:
    """Run ``read`` (then ``check(spec, source)``); assert the property; the spec or error."""
    try:
        spec = read()
        if check:
            check(spec, source)
    except SpecError as exc:
        message = str(exc)
        assert message.startswith(f"{source}: "), message
        assert message.isprintable() and len(message) < len(source) + 1000, message
        return exc
    spec.name.encode()
    assert len(spec.envs) * len(spec.teachers) * len(spec.seeds) <= MAX_TRIALS
    assert 0 <= min(spec.seeds) and max(spec.seeds) < 2**63
    assert all(math.isfinite(n) for n in (spec.resources.num_cpus, spec.resources.num_gpus))
    keys = set()
    for env in spec.envs:
        for teacher in spec.teachers:
            key = Job(env, teacher, max(spec.seeds), spec.episodes).key
            assert len(LONGEST_JOB_FILE.format(key).encode()) <= 255 and key not in keys, key
            keys.add(key)
    for condition in (*spec.envs, *spec.teachers):
        assert condition.title.isprintable() and safe_name(condition.title) not in ("", ".", "..")
    return spec
