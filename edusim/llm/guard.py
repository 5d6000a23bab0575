"""Keeping a backend's secrets out of what parsing its replies decodes.

A backend masks its API key in the text it returns, but a parser decodes that text: JSON
escapes, Python's adjacent string literals or numbers can spell out a piece of the key that no
run of the raw text holds. :func:`parse_reply` is the one place where a backend's reply becomes
a typed value (:meth:`~edusim.llm.ChatBackend.answer` and
:func:`~edusim.llm.complete_structured` both go through it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from edusim.llm.errors import StructuredOutputError

if TYPE_CHECKING:
    from edusim.llm.base import ChatBackend

__all__ = ["parse_reply"]

T = TypeVar("T")


def parse_reply(backend: ChatBackend, text: str, parse: Callable[[str], T], target: str) -> T:
    """``parse(text)``, with nothing secret to ``backend`` in the value or the error.

    ``text`` comes masked from the backend, but parsing decodes it: JSON escapes
    (``"\\u0073\\u006b-..."``), Python's adjacent string literals (``'sk-ab' 'c123'``) or
    numbers can spell out a piece of the API key that no run of the text holds. The error's
    message and text are masked again, and a value that holds such a piece is refused.

    Raises:
        StructuredOutputError: When ``parse`` raises it, or the value holds a secret.

    Example:
        >>> from edusim.llm import OfflineBackend, parse_structured
        >>> @dataclasses.dataclass(frozen=True)
        ... class Note:
        ...     text: str
        >>> parse_reply(OfflineBackend(), '{"text": "hi"}', lambda t: parse_structured(t, Note),
        ...             "Note")
        Note(text='hi')
    """
    error: StructuredOutputError | None = None
    try:
        value = parse(text)
    except StructuredOutputError as exc:
        error = StructuredOutputError(backend.mask(exc.reason), backend.mask(exc.text), exc.target)
    if error is not None:
        raise error  # raised here, outside the handler: the unmasked error is not chained
    if any(backend.mask(piece) != piece for piece in _strings(value)):
        raise StructuredOutputError("a field spells out a piece of the API key", text, target)
    return value


def _strings(value: Any) -> Iterator[str]:
    """Every string in a parsed value; other leaves (numbers, enum members) as ``str``."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(getattr(type(value), "model_fields", None), dict):  # a pydantic model
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name))
    else:
        yield str(value)
