"""Input quoted in a message is cut to a bound: no error, log line or screen repeats a whole
hostile value (a 20 MB header, a 1 MB model reply).

Example:
    >>> clip("abcdef", 3)
    'abc... [3 more characters]'
    >>> shown(list(range(100)))
    '[0, 1, 2, 3, 4, 5, 6, 7, ...]'
    >>> shown(10**5000)
    '<a 16610-bit integer>'
"""

from __future__ import annotations

import reprlib
from typing import Any

__all__ = ["MAX_QUOTE_CHARS", "clip", "shown"]

#: The most characters of input text a message quotes by default.
MAX_QUOTE_CHARS = 200


def clip(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit:,} more characters]"


class _Shown(reprlib.Repr):
    def repr_int(self, x: int, level: int) -> str:  # repr() refuses ints over 4,300 digits
        return repr(x) if x.bit_length() <= 256 else f"<a {x.bit_length()}-bit integer>"


_SHOWN = _Shown()
_SHOWN.maxstring = _SHOWN.maxother = 80
_SHOWN.maxlist = _SHOWN.maxdict = 8


def shown(value: Any) -> str:
    """``repr(value)`` cut short for a message (long text, lists and tables are elided)."""
    return _SHOWN.repr(value)
