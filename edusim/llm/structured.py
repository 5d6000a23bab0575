"""Typed outputs parsed tolerantly from language-model text.

Models wrap JSON in prose or code fences, drift in key case, write ``"3"`` for ``3`` or answer
in ``key: value`` lines. :func:`parse_structured` accepts all of that for a dataclass or a
pydantic model and raises :class:`~edusim.llm.StructuredOutputError` naming the missing or bad
field when nothing fits; :func:`complete_structured` asks a backend and parses, with one repair
round (through :func:`~edusim.llm.guard.parse_reply`, which keeps the backend's secret out).

Whatever the text (megabytes of it, nested a hundred thousand deep, numbers too long or too
large to read), parsing takes time linear in its length and either returns the type or raises
:class:`~edusim.llm.StructuredOutputError`.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import re
import types
import typing
from collections.abc import Sequence
from enum import Enum
from typing import Any, TypeVar

from edusim.llm.base import ChatBackend, Message, assistant, user
from edusim.llm.errors import StructuredOutputError
from edusim.llm.guard import parse_reply
from edusim.text import shown

__all__ = ["parse_structured", "complete_structured", "coerce", "schema_hint"]

T = TypeVar("T")

# Each pattern is matched in linear time: no two unbounded repeats of the same characters meet
# (the old `\s*[-*>]?\s*` and `(.+?)\s*,?$` took minutes on a line of 100,000 spaces).
_FENCE_TAG = re.compile(r"[a-zA-Z0-9_-]*\s*")
_KV_LINE = re.compile(r"[-*>]?\s*[\"'`*]*([A-Za-z][\w \-]{0,40}?)[\"'`*]*\s*[:=]\s*(.+)")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")


class _FieldError(ValueError):
    """A value that does not fit its field; the message names the field path."""


def _norm(key: str) -> str:
    return re.sub(r"[\s\-]+", "_", key.strip().strip("\"'`*").lower())


def _balanced_objects(text: str) -> list[str]:
    """Top-level ``{...}`` and ``[...]`` substrings, respecting JSON strings."""
    found, depth, start, in_str, escape = [], 0, -1, False, False
    for i, ch in enumerate(text):
        if in_str:
            escape = (ch == "\\") and not escape
            if ch == '"' and not escape:
                in_str = False
            continue
        if ch == '"' and depth > 0:
            in_str = True
        elif ch in "{[":
            if depth == 0:
                start = i
            depth += 1
        elif ch in "}]" and depth > 0:
            depth -= 1
            if depth == 0:
                found.append(text[start : i + 1])
    return sorted(found, key=len, reverse=True)


def _fenced(text: str) -> list[str]:
    """The insides of the text's ```-fenced blocks, without their language tags."""
    blocks, start = [], text.find("```")
    while start != -1:
        end = text.find("```", start + 3)
        if end == -1:
            break
        inside = text[start + 3 : end]
        blocks.append(inside[_FENCE_TAG.match(inside).end() :])
        start = text.find("```", end + 3)
    return blocks


def _load_lenient(candidate: str) -> Any:
    fixed = re.sub(r",\s*([}\]])", r"\1", candidate)
    for attempt in (candidate, fixed):
        try:
            return json.loads(attempt)
        except (ValueError, RecursionError):  # not JSON, nested too deep, an int too long
            pass
    try:
        return ast.literal_eval(re.sub(r"\btrue\b|\bfalse\b|\bnull\b", _py_literal, fixed))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):  # TypeError: {[]: 0}
        return None


def _py_literal(match: re.Match[str]) -> str:
    return {"true": "True", "false": "False", "null": "None"}[match.group(0)]


def _key_value_lines(text: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for line in text.splitlines():
        m = _KV_LINE.fullmatch(line.strip())
        if m and _norm(m.group(1)) not in pairs:
            pairs[_norm(m.group(1))] = m.group(2).removesuffix(",").strip().strip("\"'`")
    return pairs


def _candidates(text: str) -> list[Any]:
    found = []
    for chunk in [*_fenced(text), text]:
        for candidate in [chunk.strip(), *_balanced_objects(chunk)]:
            value = _load_lenient(candidate)
            if isinstance(value, dict | list):
                found.append(value)
    pairs = _key_value_lines(text)
    if pairs:
        found.append(pairs)
    return found


def _is_pydantic(tp: Any) -> bool:
    return isinstance(tp, type) and hasattr(tp, "model_validate") and hasattr(tp, "model_fields")


def _build_pydantic(data: dict[str, Any], tp: Any, path: str) -> Any:
    payload = {}
    for name, f in tp.model_fields.items():
        if _norm(name) in data:
            raw = data[_norm(name)]
            try:
                raw = coerce(raw, f.annotation, f"{path}.{name}" if path else name)
            except _FieldError:
                pass  # pydantic reports it below, in its own words
            payload[f.alias or name] = raw
    try:
        return tp.model_validate(payload)
    except ValueError as exc:
        raise _FieldError(f"{path or tp.__name__}: {exc}") from None


def _build_object(value: Any, tp: Any, path: str) -> Any:
    if not isinstance(value, dict):
        raise _FieldError(f"{path or tp.__name__}: expected an object, got {type(value).__name__}")
    data = {_norm(str(k)): v for k, v in value.items()}
    if _is_pydantic(tp):
        return _build_pydantic(data, tp, path)
    hints = typing.get_type_hints(tp)
    kwargs, missing = {}, []
    for f in dataclasses.fields(tp):
        sub = f"{path}.{f.name}" if path else f.name
        if not f.init:
            continue
        if _norm(f.name) in data:
            kwargs[f.name] = coerce(data[_norm(f.name)], hints[f.name], sub)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            missing.append(sub)
    if missing:
        raise _FieldError(f"missing field(s) {missing}")
    try:
        return tp(**kwargs)
    except (TypeError, ValueError) as exc:
        raise _FieldError(f"{path or tp.__name__}: {exc}") from None


def _coerce_scalar(value: Any, tp: type, path: str) -> Any:
    if tp is str:
        return value if isinstance(value, str) else json.dumps(value)
    if tp is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1", "y"):
            return True
        if text in ("false", "no", "0", "n"):
            return False
        raise _FieldError(f"{path}: expected a boolean, got {shown(value)}")
    if isinstance(value, bool):
        raise _FieldError(f"{path}: expected a number, got {shown(value)}")
    m = None if isinstance(value, int | float) else _NUMBER.search(str(value))
    if m is None and not isinstance(value, int | float):
        raise _FieldError(f"{path}: expected a number, got {shown(value)}")
    try:
        number = float(value if m is None else m.group(0).replace(",", ""))
    except OverflowError:  # an integer beyond float range
        number = math.inf
    if not math.isfinite(number):  # NaN, 1e999, or 400 digits
        raise _FieldError(f"{path}: expected a finite number, got {shown(value)}")
    if tp is int:
        if number != int(number):
            raise _FieldError(f"{path}: expected an integer, got {shown(value)}")
        return int(number)
    return number



def _coerce_sequence(value: Any, args: tuple, origin: Any, path: str) -> Any:
    if isinstance(value, str):
        loaded = _load_lenient(value)
        value = loaded if isinstance(loaded, list) else [v for v in re.split(r"[;,\n]", value) if v]
    if not isinstance(value, list | tuple):
        raise _FieldError(f"{path}: expected a list, got {type(value).__name__}")
    if origin is tuple and args and args[-1] is not Ellipsis:
        if len(args) != len(value):
            raise _FieldError(f"{path}: expected {len(args)} items, got {len(value)}")
        pairs = enumerate(zip(value, args, strict=True))
        return tuple(coerce(v, a, f"{path}[{i}]") for i, (v, a) in pairs)
    item_tp = args[0] if args else Any
    items = [coerce(v, item_tp, f"{path}[{i}]") for i, v in enumerate(value)]
    return tuple(items) if origin is tuple else items


def _coerce_union(value: Any, args: tuple, path: str) -> Any:
    if value is None and type(None) in args:
        return None
    errors = []
    for arg in (a for a in args if a is not type(None)):
        try:
            return coerce(value, arg, path)
        except _FieldError as exc:
            errors.append(str(exc))
    raise _FieldError("; ".join(errors))


def _coerce_choice(value: Any, tp: Any, path: str) -> Any:
    """A ``Literal`` option or an ``Enum`` member, matched by value or name, any case."""
    if isinstance(tp, type):
        options = [(m, [str(m.value).lower(), m.name.lower()]) for m in tp]
    else:
        options = [(o, [str(o).lower()]) for o in typing.get_args(tp)]
    text = str(value).strip().lower()
    for option, labels in options:
        if value == option or text in labels:
            return option
    choices = [labels[0] for _, labels in options]
    raise _FieldError(f"{path}: {shown(value)} is not one of {choices}")


def coerce(value: Any, tp: Any, path: str = "") -> Any:
    """``value`` converted to the type annotation ``tp``, tolerantly.

    Handles ``str``, ``int``, ``float``, ``bool``, enums, ``Literal``, optionals and unions,
    lists, tuples, dicts, nested dataclasses and pydantic models.

    Example:
        >>> coerce("about 12.5 minutes", float), coerce("Yes", bool), coerce("a, b", list[str])
        (12.5, True, ['a', ' b'])
    """
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        return _coerce_union(value, args, path)
    if origin is typing.Literal or (isinstance(tp, type) and issubclass(tp, Enum)):
        return _coerce_choice(value, tp, path)
    if origin in (list, tuple, Sequence) or tp in (list, tuple):
        return _coerce_sequence(value, args, origin or tp, path)
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            raise _FieldError(f"{path}: expected an object, got {type(value).__name__}")
        kt, vt = args or (Any, Any)
        return {coerce(k, kt, path): coerce(v, vt, f"{path}[{k!r}]") for k, v in value.items()}
    if dataclasses.is_dataclass(tp) or _is_pydantic(tp):
        return _build_object(value, tp, path)
    if tp in (str, int, float, bool):
        return _coerce_scalar(value, tp, path)
    raise _FieldError(f"{path}: unsupported annotation {tp!r}")


def parse_structured(text: str, schema_type: type[T]) -> T:
    """Parse ``text`` into ``schema_type`` (a dataclass or a pydantic model).

    Tries, in order: JSON in code fences, JSON objects found in the prose, the whole text, then
    ``key: value`` / ``key = value`` lines. Keys match field names case-insensitively.

    Raises:
        StructuredOutputError: When no candidate fits; the message names the field problem.

    Example:
        >>> @dataclasses.dataclass(frozen=True)
        ... class Score:
        ...     clarity: int
        ...     note: str = ""
        >>> parse_structured('Sure! ```json\\n{"Clarity": "85"}\\n```', Score)
        Score(clarity=85, note='')
        >>> parse_structured("clarity = 70\\nnote: fine", Score)
        Score(clarity=70, note='fine')
    """
    name = getattr(schema_type, "__name__", str(schema_type))
    if not (dataclasses.is_dataclass(schema_type) or _is_pydantic(schema_type)):
        raise TypeError(f"schema_type must be a dataclass or pydantic model, got {schema_type!r}")
    reasons = []
    for candidate in _candidates(text):
        try:
            return coerce(candidate, schema_type)
        except _FieldError as exc:
            reasons.append(str(exc))
        except RecursionError:
            reasons.append("the value is nested too deeply")
    reason = reasons[0] if reasons else "no JSON object or key: value lines found"
    raise StructuredOutputError(reason, text, name)


def schema_hint(schema_type: type) -> str:
    """A one-line JSON shape of a dataclass for prompts.

    Example:
        >>> @dataclasses.dataclass
        ... class Turn:
        ...     move: str
        ...     text: str
        >>> schema_hint(Turn)
        '{"move": <str>, "text": <str>}'
    """
    hints = typing.get_type_hints(schema_type)
    parts = []
    for f in dataclasses.fields(schema_type):
        tp = hints[f.name]
        label = getattr(tp, "__name__", None) or str(tp).replace("typing.", "")
        parts.append(f'"{f.name}": <{label}>')
    return "{" + ", ".join(parts) + "}"


def complete_structured(
    backend: ChatBackend,
    messages: Sequence[Message],
    schema_type: type[T],
    *,
    temperature: float = 0.0,
    max_tokens: int | None = None,
    repairs: int = 1,
) -> T:
    """Ask ``backend`` and parse the reply into ``schema_type``.

    When the reply cannot be parsed, the model sees its reply and the parse error and gets
    ``repairs`` more tries.

    Raises:
        StructuredOutputError: When the last reply still cannot be parsed, or would show a
            piece of the backend's secret (:func:`~edusim.llm.guard.parse_reply`).
        LLMError: When the backend fails.
    """
    history = list(messages)
    name = getattr(schema_type, "__name__", str(schema_type))
    for attempt in range(repairs + 1):
        text = backend.chat(history, temperature=temperature, max_tokens=max_tokens)
        try:
            return parse_reply(backend, text, lambda t: parse_structured(t, schema_type), name)
        except StructuredOutputError as exc:
            if attempt == repairs:
                raise
            history += [
                assistant(text),
                user(f"{exc.detail}. Reply with one JSON object only, no prose."),
            ]
    raise AssertionError("unreachable")
