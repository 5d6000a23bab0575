"""Step-by-step solutions of curriculum items, for worked examples.

:func:`solve` recognises the question forms of the built-in fractions curriculum ("Compute
a/b + c/d", "Simplify a/b", "What is a/b of n?", the two-step word problem ...) and writes
the solution steps with exact rational arithmetic. A question it does not recognise gets
generic steps built from the item's skills and stored answer (kind :attr:`Kind.GENERIC`).

Example:
    >>> from edusim.curriculum import Item
    >>> s = solve(Item("q", ("add_unlike",), 0.0, "Compute 1/2 + 1/3 and simplify.", "5/6"))
    >>> s.kind, s.answer
    (<Kind.ADD: 'add'>, '5/6')
    >>> s.steps[0]
    'Find a common denominator: the least common multiple of 2 and 3 is 6.'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from edusim.curriculum import Item

__all__ = ["Kind", "Solution", "solve", "fmt"]

_F = r"(\d+)/(\d+)"
_N = r"(\d+)"


class Kind(str, Enum):
    """The question form a solution was recognised as."""

    DENOMINATOR = "denominator"
    UNIT = "unit fraction"
    NUMBER_LINE = "number line"
    LCM = "least common multiple"
    EQUIVALENT = "equivalent fraction"
    SIMPLIFY = "simplify"
    COMPARE = "compare"
    ADD = "add"
    SUBTRACT = "subtract"
    COMMON_DENOMINATOR = "common denominator"
    TO_IMPROPER = "mixed to improper"
    ADD_MIXED = "add mixed numbers"
    MUL_WHOLE = "multiply by a whole number"
    FRACTION_OF = "fraction of a quantity"
    MULTIPLY = "multiply"
    RECIPROCAL = "reciprocal"
    DIVIDE = "divide"
    TO_DECIMAL = "to decimal"
    WORD_REST = "fraction of the rest"
    GENERIC = "generic"


@dataclass(frozen=True)
class Solution:
    """A solved question.

    Attributes:
        kind: The recognised question form.
        numbers: The integers of the question, in the order they appear (``1/5 + 8/14`` gives
            ``(1, 5, 8, 14)``).
        steps: Solution steps; the last one states the answer.
        answer: The computed answer (the last step shows the item's stored answer if any).
    """

    kind: Kind
    numbers: tuple[int, ...]
    steps: tuple[str, ...]
    answer: str


def fmt(value: Fraction | int) -> str:
    """A fraction as ``a/b`` (or ``a`` when whole).

    Example:
        >>> fmt(Fraction(6, 4)), fmt(Fraction(4, 2))
        ('3/2', '2')
    """
    value = Fraction(value)
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def _raw(n: int, d: int) -> str:
    return f"{n}/{d}"


def _reduce_step(n: int, d: int) -> str:
    g = math.gcd(n, d)
    if g == 1:
        return f"{_raw(n, d)} is already in lowest terms."
    reduced = fmt(Fraction(n, d))
    return f"Divide top and bottom by their greatest common factor {g}: {_raw(n, d)} = {reduced}."


def _combine(a: tuple[int, int], b: tuple[int, int], sign: str) -> list[str]:
    """Steps of ``a/b (+|-) c/d`` over the least common denominator, from the raw numbers."""
    (an, ad), (bn, bd) = a, b
    lcd = math.lcm(ad, bd)
    na, nb = an * lcd // ad, bn * lcd // bd
    total = na + nb if sign == "+" else na - nb
    steps = []
    if ad != bd:
        steps.append(
            f"Find a common denominator: the least common multiple of {ad} and {bd} is {lcd}."
        )
        steps.append(
            f"Rewrite both fractions: {_raw(an, ad)} = {_raw(na, lcd)} and "
            f"{_raw(bn, bd)} = {_raw(nb, lcd)}."
        )
    else:
        steps.append(f"The denominators are the same ({lcd}), so keep {lcd}.")
    steps.append(
        f"{'Add' if sign == '+' else 'Subtract'} the numerators: {na} {sign} {nb} = {total}, "
        f"giving {_raw(total, lcd)}."
    )
    steps.append(_reduce_step(total, lcd))
    return steps


def _raw_pair(f: Fraction) -> tuple[int, int]:
    return f.numerator, f.denominator


def _frac(m: re.Match, i: int) -> Fraction:
    return Fraction(int(m.group(i)), int(m.group(i + 1)))


Solver = Callable[[re.Match], tuple[Kind, list[str], str]]


def _denominator(m: re.Match) -> tuple[Kind, list[str], str]:
    n, d = int(m.group(1)), int(m.group(2))
    return (
        Kind.DENOMINATOR,
        [
            f"In {n}/{d} the number above the bar ({n}) is the numerator: the parts taken.",
            f"The number below the bar ({d}) is the denominator: the equal parts in the whole.",
        ],
        str(d),
    )


def _unit(m: re.Match) -> tuple[Kind, list[str], str]:
    n = int(m.group(1))
    return (
        Kind.UNIT,
        [
            f"The whole is cut into {n} equal parts.",
            f"One part is one out of {n}: the unit fraction 1/{n}.",
        ],
        f"1/{n}",
    )


def _number_line(m: re.Match) -> tuple[Kind, list[str], str]:
    n, a = int(m.group(1)), int(m.group(2))
    return (
        Kind.NUMBER_LINE,
        [
            f"Each of the {n} steps has length 1/{n}.",
            f"{a}/{m.group(3)} means {a} steps of 1/{n} from 0.",
        ],
        str(a),
    )


def _lcm(m: re.Match) -> tuple[Kind, list[str], str]:
    a, b = int(m.group(1)), int(m.group(2))
    g, lcm = math.gcd(a, b), math.lcm(a, b)
    return (
        Kind.LCM,
        [
            f"The greatest common factor of {a} and {b} is {g}.",
            f"Least common multiple = {a} x {b} / {g} = {lcm}.",
        ],
        str(lcm),
    )


def _equivalent(m: re.Match) -> tuple[Kind, list[str], str]:
    a, b, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    k = Fraction(d, b)
    return (
        Kind.EQUIVALENT,
        [
            f"The new denominator is {d} = {b} x {fmt(k)}.",
            f"Multiply the numerator by the same number: {a} x {fmt(k)} = {fmt(a * k)}.",
        ],
        fmt(a * k),
    )


def _simplify(m: re.Match) -> tuple[Kind, list[str], str]:
    n, d = int(m.group(1)), int(m.group(2))
    return (
        Kind.SIMPLIFY,
        [
            f"List the factors: the greatest common factor of {n} and {d} is {math.gcd(n, d)}.",
            _reduce_step(n, d),
        ],
        fmt(Fraction(n, d)),
    )


def _compare(m: re.Match) -> tuple[Kind, list[str], str]:
    a, b = _frac(m, 1), _frac(m, 3)
    lcd = math.lcm(int(m.group(2)), int(m.group(4)))
    na, nb = a * lcd, b * lcd
    bigger = m.group(1, 2) if a > b else m.group(3, 4)
    steps = [f"Write both over the common denominator {lcd}: {fmt(na)}/{lcd} and {fmt(nb)}/{lcd}."]
    if m.group(2) == m.group(4):
        steps = [f"The denominators are equal ({lcd}), so compare the numerators."]
    steps.append(f"The larger numerator wins: {'/'.join(bigger)} is larger.")
    return Kind.COMPARE, steps, "/".join(bigger)


def _arith(m: re.Match) -> tuple[Kind, list[str], str]:
    a, op, b = _frac(m, 1), m.group(3), _frac(m, 4)
    if op in "+-":
        kind = Kind.ADD if op == "+" else Kind.SUBTRACT
        raw = (int(m.group(1)), int(m.group(2))), (int(m.group(4)), int(m.group(5)))
        return kind, _combine(*raw, op), fmt(a + b if op == "+" else a - b)
    if op == "x":
        n, d = int(m.group(1)) * int(m.group(4)), int(m.group(2)) * int(m.group(5))
        return (
            Kind.MULTIPLY,
            [
                f"Multiply the numerators: {m.group(1)} x {m.group(4)} = {n}.",
                f"Multiply the denominators: {m.group(2)} x {m.group(5)} = {d}.",
                _reduce_step(n, d),
            ],
            fmt(a * b),
        )
    n, d = int(m.group(1)) * int(m.group(5)), int(m.group(2)) * int(m.group(4))
    return (
        Kind.DIVIDE,
        [
            f"Dividing by {m.group(4)}/{m.group(5)} is multiplying by its reciprocal "
            f"{m.group(5)}/{m.group(4)}.",
            f"Multiply: {m.group(1)} x {m.group(5)} = {n} and {m.group(2)} x {m.group(4)} = {d}.",
            _reduce_step(n, d),
        ],
        fmt(a / b),
    )


def _lcd(m: re.Match) -> tuple[Kind, list[str], str]:
    b, d = int(m.group(2)), int(m.group(4))
    return (
        Kind.COMMON_DENOMINATOR,
        [
            f"Only the denominators matter: {b} and {d}.",
            f"Their least common multiple is {math.lcm(b, d)}.",
        ],
        str(math.lcm(b, d)),
    )


def _improper(m: re.Match) -> tuple[Kind, list[str], str]:
    w, n, d = (int(g) for g in m.groups())
    return (
        Kind.TO_IMPROPER,
        [
            f"The whole part {w} is {w} x {d} = {w * d} parts of size 1/{d}.",
            f"Add the fractional part: {w * d} + {n} = {w * d + n}, "
            f"so {w} {n}/{d} = {w * d + n}/{d}.",
        ],
        _raw(w * d + n, d),
    )


def _add_mixed(m: re.Match) -> tuple[Kind, list[str], str]:
    w1, n1, d1, w2, n2, d2 = (int(g) for g in m.groups())
    a, b = Fraction(w1 * d1 + n1, d1), Fraction(w2 * d2 + n2, d2)
    steps = [
        f"Convert to improper fractions: {w1} {n1}/{d1} = {_raw(w1 * d1 + n1, d1)} and "
        f"{w2} {n2}/{d2} = {_raw(w2 * d2 + n2, d2)}."
    ]
    return Kind.ADD_MIXED, steps + _combine(_raw_pair(a), _raw_pair(b), "+"), fmt(a + b)


def _mul_whole(m: re.Match) -> tuple[Kind, list[str], str]:
    w, n, d = (int(g) for g in m.groups())
    return (
        Kind.MUL_WHOLE,
        [
            f"Multiply only the numerator by {w}: {w} x {n} = {w * n}, giving {_raw(w * n, d)}.",
            _reduce_step(w * n, d),
        ],
        fmt(Fraction(w * n, d)),
    )


def _fraction_of(m: re.Match) -> tuple[Kind, list[str], str]:
    n, d, q = (int(g) for g in m.groups())
    return (
        Kind.FRACTION_OF,
        [
            f"Split {q} into {d} equal parts: {q} / {d} = {fmt(Fraction(q, d))}.",
            f"Take {n} of those parts: {n} x {fmt(Fraction(q, d))} = {fmt(Fraction(n * q, d))}.",
        ],
        fmt(Fraction(n * q, d)),
    )


def _reciprocal(m: re.Match) -> tuple[Kind, list[str], str]:
    n, d = int(m.group(1)), int(m.group(2))
    return (
        Kind.RECIPROCAL,
        [
            "Swap the numerator and the denominator.",
            f"The reciprocal of {n}/{d} is {_raw(d, n)} = {fmt(Fraction(d, n))}.",
        ],
        fmt(Fraction(d, n)),
    )


def _decimal(m: re.Match) -> tuple[Kind, list[str], str]:
    n, d = int(m.group(1)), int(m.group(2))
    value = f"{n / d:.6f}".rstrip("0").rstrip(".")
    return (
        Kind.TO_DECIMAL,
        [
            f"A fraction is a division: {n}/{d} = {n} / {d}.",
            f"Divide: {n} / {d} = {value}.",
        ],
        value,
    )


def _word_rest(m: re.Match) -> tuple[Kind, list[str], str]:
    total, a, b, c, d = (int(g) for g in m.groups())
    walk = Fraction(total * a, b)
    rest = total - walk
    bus = rest * Fraction(c, d)
    return (
        Kind.WORD_REST,
        [
            f"Students who walk: {a}/{b} of {total} = {fmt(walk)}.",
            f"The rest: {total} - {fmt(walk)} = {fmt(rest)} (the bus fraction applies to these).",
            f"Students on the bus: {c}/{d} of {fmt(rest)} = {fmt(bus)}.",
        ],
        fmt(bus),
    )


_PATTERNS: tuple[tuple[str, Solver], ...] = (
    (rf"fraction {_F}, what is the denominator", _denominator),
    (rf"cut into {_N} equal", _unit),
    (rf"split into {_N} equal steps\. How many steps from 0 is {_F}", _number_line),
    (rf"least common multiple of {_N} and {_N}", _lcm),
    (rf"least common denominator of {_F} and {_F}", _lcd),
    (rf"{_F} = \?/{_N}", _equivalent),
    (rf"Simplify {_F}", _simplify),
    (rf"larger: {_F} or {_F}", _compare),
    (rf"Compute {_N} {_F} \+ {_N} {_F}", _add_mixed),
    (rf"Compute {_N} x {_F}", _mul_whole),
    (rf"Compute {_F} ([-+x÷]) {_F}", _arith),
    (rf"Write {_N} {_F} as an improper", _improper),
    (rf"What is {_F} of {_N}", _fraction_of),
    (rf"reciprocal of {_F}", _reciprocal),
    (rf"Write {_F} as a decimal", _decimal),
    (rf"class of {_N} students: {_F} walk.* {_F} of the rest", _word_rest),
)


def solve(item: Item, skill_names: dict[str, str] | None = None) -> Solution:
    """Solve ``item`` step by step.

    Args:
        item: A curriculum item (its ``text`` is parsed; its ``answer`` is reported).
        skill_names: Readable skill names for the generic steps.

    Example:
        >>> from edusim.curriculum import Item
        >>> solve(Item("q", ("x",), 0.0, "Name it.", "7")).steps
        ('Recall how to x.', 'Apply it to the question: Name it.', 'Check the result: 7.')
    """
    text = item.text or ""
    for pattern, solver in _PATTERNS:
        m = re.search(pattern, text)
        if m is not None:
            kind, steps, answer = solver(m)
            shown = answer if item.answer is None else item.answer
            numbers = tuple(int(g) for g in m.groups() if g.isdigit())
            return Solution(kind, numbers, (*steps, f"Answer: {shown}."), answer)
    names = skill_names or {}
    skills = " and ".join(names.get(s, s).lower() for s in item.skills)
    answer = item.answer or "(no stored answer)"
    steps = (
        f"Recall how to {skills}.",
        f"Apply it to the question: {text or item.id}",
        f"Check the result: {answer}.",
    )
    return Solution(Kind.GENERIC, (), steps, answer)
