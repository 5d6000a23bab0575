"""The solver: parse any prompt of the arithmetic domain, compute its answer, label its skill.

The grammar (what the generator writes and what an LLM engine must write):

| skill | prompt | answer |
|---|---|---|
| ``add``, ``sub``, ``mul`` | ``12+35=``, ``40-7-3=``, ``12*3=`` (left to right) | ``47`` |
| ``compare`` | ``12?35`` | ``<``, ``>`` or ``=`` |
| ``equation`` | ``x+12=35`` or ``3*x=12`` | ``23`` (the value of x) |
| ``word`` | ``ann has 12 pens gets 7 more how many`` | ``19`` |
| ``word`` | ``ann has 12 pens gives 7 away how many left`` | ``5`` |

Sub-skills (the variant) come from the problem itself, so examples written by anyone get
true labels: ``add/carry`` when some column carries, ``sub/borrow`` when some column borrows,
``mul/by-one-digit`` when the second factor has one digit, ``compare/same-length`` when both
numbers have as many digits, ``equation/x-plus`` or ``x-times``, ``word/add`` or ``word/sub``.
An expression mixing operations is skill ``mixed`` (variant ``chain``).

Example:
    >>> solve("12+35=")
    '47'
    >>> parse("18+5=").subskill
    'add/carry'
    >>> solve("bob has 9 pens gives 4 away how many left"), solve("3*x=12"), solve("7?12")
    ('5', '4', '<')
    >>> check("40-7-3=", "30"), check("40-7-3=", "31")
    (True, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ParseError", "Problem", "carries", "check", "parse", "solve"]

_NUM = r"(\d{1,12})"
_WORD_ADD = re.compile(rf"^[a-z]+ has {_NUM} [a-z]+ gets {_NUM} more how many$")
_WORD_SUB = re.compile(rf"^[a-z]+ has {_NUM} [a-z]+ gives {_NUM} away how many left$")
_EQ_PLUS = re.compile(rf"^x\+{_NUM}={_NUM}$")
_EQ_TIMES = re.compile(rf"^{_NUM}\*x={_NUM}$")
_COMPARE = re.compile(rf"^{_NUM}\?{_NUM}$")
_EXPR = re.compile(rf"^{_NUM}((?:[-+*]{_NUM})+)=$")
_TERM = re.compile(rf"([-+*]){_NUM}")


class ParseError(ValueError):
    """A prompt outside the domain's grammar (or an equation without a whole solution)."""


@dataclass(frozen=True)
class Problem:
    """A parsed prompt.

    Attributes:
        skill: ``add``, ``sub``, ``mul``, ``compare``, ``equation``, ``word`` or ``mixed``.
        variant: The sub-skill's second half (``carry``, ``same-length``, ...).
        answer: The correct answer text.
    """

    skill: str
    variant: str
    answer: str

    @property
    def subskill(self) -> str:
        """``"skill/variant"``."""
        return f"{self.skill}/{self.variant}"


def carries(a: int, b: int) -> bool:
    """Whether ``a + b`` (non-negative) carries in some column; ``a - b`` borrows exactly
    when ``b + (a - b)`` carries.

    Example:
        >>> carries(12, 35), carries(18, 5), carries(95, 5)
        (False, True, True)
    """
    while a and b:
        if a % 10 + b % 10 >= 10:
            return True
        a, b = a // 10, b // 10
    return False


def _expression(first: int, rest: str) -> Problem:
    terms = [(op, int(v)) for op, v in _TERM.findall(rest)]
    ops = {op for op, _ in terms}
    value, carried = first, False
    for op, v in terms:
        if op == "+":
            carried |= carries(value, v)
            value += v
        elif op == "-":
            carried |= value >= v and carries(v, value - v)
            value -= v
        else:
            value *= v
    if len(ops) > 1:
        return Problem("mixed", "chain", str(value))
    if ops == {"*"}:
        one_digit = len(terms) == 1 and terms[0][1] < 10
        return Problem("mul", "by-one-digit" if one_digit else "multi-digit", str(value))
    if ops == {"+"}:
        return Problem("add", "carry" if carried else "no-carry", str(value))
    return Problem("sub", "borrow" if carried else "no-borrow", str(value))


def parse(prompt: str) -> Problem:
    """Parse ``prompt`` (spaces around symbols are ignored); raises :class:`ParseError`."""
    text = " ".join(prompt.lower().split())
    if m := _WORD_ADD.match(text):
        return Problem("word", "add", str(int(m[1]) + int(m[2])))
    if m := _WORD_SUB.match(text):
        return Problem("word", "sub", str(int(m[1]) - int(m[2])))
    text = text.replace(" ", "")
    if m := _EQ_PLUS.match(text):
        return Problem("equation", "x-plus", str(int(m[2]) - int(m[1])))
    if m := _EQ_TIMES.match(text):
        a, b = int(m[1]), int(m[2])
        if a == 0 or b % a:
            raise ParseError(f"{prompt!r} has no whole solution")
        return Problem("equation", "x-times", str(b // a))
    if m := _COMPARE.match(text):
        a, b = int(m[1]), int(m[2])
        same = len(m[1].lstrip("0") or "0") == len(m[2].lstrip("0") or "0")
        return Problem("compare", "same-length" if same else "diff-length",
                       "<" if a < b else ">" if a > b else "=")
    if m := _EXPR.match(text):
        return _expression(int(m[1]), m[2])
    raise ParseError(f"{prompt!r} is not a problem of the arithmetic domain")


def solve(prompt: str) -> str:
    """The correct answer text of ``prompt``."""
    return parse(prompt).answer


def check(prompt: str, answer: str) -> bool:
    """Whether ``answer`` is the correct answer of ``prompt`` (whitespace ignored)."""
    return "".join(answer.split()) == solve(prompt)
