"""Numbers in math-dialogue text: extraction and "does this text state that value".

Example:
    >>> extract_numbers("She paid $3,650 x 0.1 = $365, then 1/2 of it.")
    [3650.0, 0.1, 365.0, 1.0, 2.0]
    >>> states_value("So the answer is 4015 dollars.", 4015)
    True
"""

from __future__ import annotations

import math
import re

__all__ = ["extract_numbers", "states_value", "states_final", "format_number", "result_of"]

_NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+(?:\.\d+)?|-?\.\d+")


def extract_numbers(text: str) -> list[float]:
    """Every number written in ``text``, in order (thousands separators allowed)."""
    values = []
    for match in _NUMBER.finditer(text):
        token = match.group(0).replace(",", "")
        try:
            values.append(float(token))
        except ValueError:  # pragma: no cover - the pattern only matches numbers
            continue
    return values


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


def states_value(text: str, value: float) -> bool:
    """Whether ``text`` writes ``value`` (up to rounding to 2 decimals)."""
    return any(
        _close(v, value) or _close(round(v, 2), round(value, 2)) for v in extract_numbers(text)
    )


def states_final(text: str, value: float) -> bool:
    """Whether the last number ``text`` writes is ``value`` (how a student states an answer).

    Example:
        >>> states_final("12 + 3 = 15, so she bought 10 spoons.", 10), states_final("10 or 12?", 10)
        (True, False)
    """
    numbers = extract_numbers(text)
    return bool(numbers) and states_value(str(numbers[-1]), value)


def result_of(step_text: str) -> float | None:
    """The value a solution step computes: the first number after its last ``=``, else its
    last number; ``None`` when it writes no number.

    Example:
        >>> result_of("In total Karan has to pay $3650 + $365 = $4015.")
        4015.0
        >>> result_of("Half of them, 6 apples, are red")
        6.0
    """
    head, sep, tail = step_text.rpartition("=")
    after = extract_numbers(tail) if sep else []
    if after:
        return after[0]
    numbers = extract_numbers(step_text)
    return numbers[-1] if numbers else None


def format_number(value: float) -> str:
    """``value`` without a trailing ``.0`` (``15.0`` -> ``"15"``, ``2.5`` -> ``"2.5"``)."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
