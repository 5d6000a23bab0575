"""The question analyst: likely mistakes on each worked example.

For each recognised question form (:class:`~edusim.planning.solutions.Kind`) the analyst knows
the typical mistakes from the taxonomy (:class:`~edusim.planning.plan.MistakeType`) and writes
them out on the example's own numbers ("adds across: 1/5 + 8/14 -> 9/19"). The share of the
group expected to make each mistake is the group's expected error rate on the item (from its
mastery of the item's skills) split over the mistakes by their typical weights.

Example:
    >>> from edusim.curriculum import Item
    >>> item = Item("q", ("add_unlike",), 0.0, "Compute 1/5 + 8/14 and simplify.", "27/35")
    >>> mistakes = likely_mistakes(item, error_rate=0.5)
    >>> mistakes[0].type.value, mistakes[0].note.split(":")[0]
    ('misapplied rule', 'Adds across')
    >>> round(sum(m.share for m in mistakes), 2)
    0.5
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import numpy as np

from edusim.curriculum import Item
from edusim.planning.plan import Mistake, MistakeType
from edusim.planning.profile import GroupProfile
from edusim.planning.solutions import Kind, Solution, fmt, solve

__all__ = ["likely_mistakes", "error_rate", "GUESS", "SLIP"]

#: Chance of a right answer without the skills, and of a wrong one with them.
GUESS, SLIP = 0.2, 0.1

T = MistakeType
Rule = list[tuple[MistakeType, float, str]]


def _f(n: int, d: int) -> str:
    return f"{n}/{d}"


def _add_sub(s: Solution) -> Rule:
    a, b, c, d = s.numbers
    sign, verb = ("+", "Adds") if s.kind is Kind.ADD else ("-", "Subtracts")
    lcd = math.lcm(b, d)
    exact = Fraction(a, b) + Fraction(c, d) if sign == "+" else Fraction(a, b) - Fraction(c, d)
    across = _f(a + c if sign == "+" else a - c, b + d if sign == "+" else b - d)
    rule: Rule = [
        (
            T.MISAPPLIED_RULE,
            0.45,
            f"{verb} across: {_f(a, b)} {sign} {_f(c, d)} -> {across}; "
            "show with a picture why denominators are not combined.",
        ),
        (
            T.CALCULATION,
            0.3,
            f"Rescales only the denominators when rewriting over {lcd}; "
            "top and bottom are multiplied by the same number.",
        ),
    ]
    if exact.denominator != lcd:
        raw = _f(exact.numerator * lcd // exact.denominator, lcd)
        rule.append((T.SIMPLIFICATION, 0.25, f"Stops at {raw} instead of {fmt(exact)}."))
    if sign == "-":
        rule.append(
            (T.TRANSPOSITION, 0.15, f"Subtracts in the wrong order: {_f(c, d)} - {_f(a, b)}.")
        )
    return rule


def _mul_div(s: Solution) -> Rule:
    a, b, c, d = s.numbers
    if s.kind is Kind.MULTIPLY:
        return [
            (T.MISAPPLIED_RULE, 0.4, "Looks for a common denominator first, as in addition."),
            (T.CALCULATION, 0.3, f"Slips on {a} x {c} or {b} x {d}."),
            (
                T.SIMPLIFICATION,
                0.3,
                f"Stops at {_f(a * c, b * d)} instead of {fmt(Fraction(a * c, b * d))}.",
            ),
        ]
    wrong = Fraction(b * c, a * d)
    return [
        (
            T.TRANSPOSITION,
            0.4,
            f"Flips the first fraction instead of the second: "
            f"{_f(b, a)} x {_f(c, d)} = {fmt(wrong)}.",
        ),
        (T.MISAPPLIED_RULE, 0.35, "Divides straight across; teach 'keep, change, flip'."),
        (
            T.SIMPLIFICATION,
            0.25,
            f"Stops at {_f(a * d, b * c)} instead of {fmt(Fraction(a * d, b * c))}.",
        ),
    ]


def _mixed(s: Solution) -> Rule:
    if s.kind is Kind.ADD_MIXED:
        w1, n1, d1, w2, n2, d2 = s.numbers
        total = Fraction(w1 * d1 + n1, d1) + Fraction(w2 * d2 + n2, d2)
        return [
            (T.CALCULATION, 0.4, f"Slips converting {w1} {_f(n1, d1)} or {w2} {_f(n2, d2)}."),
            (
                T.MISAPPLIED_RULE,
                0.35,
                "Adds whole parts and fraction parts separately and "
                "forgets to carry when the fractions pass 1.",
            ),
            (T.SIMPLIFICATION, 0.25, f"Leaves the sum unsimplified instead of {fmt(total)}."),
        ]
    w, n, d = s.numbers
    return [
        (T.MISAPPLIED_RULE, 0.5, f"Adds the whole number to the numerator: {_f(w + n, d)}."),
        (T.CALCULATION, 0.3, f"Slips on {w} x {d} before adding {n}."),
        (T.TRANSPOSITION, 0.2, f"Writes the result upside down: {_f(d, w * d + n)}."),
    ]


def _whole(s: Solution) -> Rule:
    if s.kind is Kind.MUL_WHOLE:
        w, n, d = s.numbers
        rule: Rule = [
            (T.MISAPPLIED_RULE, 0.5, f"Multiplies the denominator too: {_f(w * n, w * d)}."),
            (T.CALCULATION, 0.2, f"Slips on {w} x {n}."),
        ]
        if Fraction(w * n, d).denominator != d:
            rule.append((T.SIMPLIFICATION, 0.3, f"Leaves {_f(w * n, d)} unsimplified."))
        return rule
    n, d, q = s.numbers
    return [
        (
            T.IGNORED_CONDITION,
            0.35,
            f"Finds one part ({fmt(Fraction(q, d))}) and stops, forgetting to take {n} of them.",
        ),
        (
            T.MISAPPLIED_RULE,
            0.35,
            f"Divides by the numerator and multiplies by the "
            f"denominator: {fmt(Fraction(q * d, n))}.",
        ),
        (T.CALCULATION, 0.3, f"Slips dividing {q} by {d}."),
    ]


def _word(s: Solution) -> Rule:
    total, a, b, c, d = s.numbers
    walk = Fraction(total * a, b)
    return [
        (
            T.IGNORED_CONDITION,
            0.45,
            f"Takes {_f(c, d)} of the whole class "
            f"({fmt(Fraction(total * c, d))}) instead of the rest; underline 'of the rest'.",
        ),
        (T.CALCULATION, 0.3, f"Slips computing {_f(a, b)} of {total} = {fmt(walk)}."),
        (T.MISREADING, 0.25, f"Answers how many walk ({fmt(walk)}) instead of the bus riders."),
    ]


def _simplify(s: Solution) -> Rule:
    n, d = s.numbers
    g = math.gcd(n, d)
    p = min((q for q in range(2, g + 1) if g % q == 0), default=1)
    rule: Rule = [
        (T.MISAPPLIED_RULE, 0.25, "Subtracts the same number from top and bottom."),
        (T.CALCULATION, 0.3, "Divides only the numerator."),
    ]
    if 1 < p < g:
        note = (
            f"Divides by {p}, not by the greatest common factor {g}: stops at {_f(n // p, d // p)}."
        )
        rule.insert(0, (T.SIMPLIFICATION, 0.45, note))
    return rule


def _compare(s: Solution) -> Rule:
    a, b, c, d = s.numbers
    if b == d:
        return [
            (T.MISREADING, 0.6, "Compares the denominators instead of the numerators."),
            (T.CALCULATION, 0.4, "Misjudges which numerator is larger."),
        ]
    other = _f(a, b) if b > d else _f(c, d)
    return [
        (T.MISAPPLIED_RULE, 0.55, f"Picks {other} because its denominator is larger."),
        (T.CALCULATION, 0.45, "Rescales only the denominator when finding a common one."),
    ]


def _product_mistake(a: int, b: int, weight: float) -> tuple[MistakeType, float, str]:
    """Taking the product for the least common multiple (only wrong when they share factors)."""
    if math.gcd(a, b) > 1:
        note = f"Stops at the product {a * b}, a common multiple but not the least."
        return T.SIMPLIFICATION, weight, note
    return T.CALCULATION, weight, f"Slips listing the multiples of {a} and {b}."


def _one_step(s: Solution) -> Rule:
    """Rules for the short one-step question forms."""
    x = s.numbers
    rules: dict[Kind, Callable[[], Rule]] = {
        Kind.DENOMINATOR: lambda: [
            (T.MISREADING, 0.6, f"Gives the numerator {x[0]} instead of the denominator."),
            (T.TRANSPOSITION, 0.4, f"Reads the fraction upside down as {_f(x[1], x[0])}."),
        ],
        Kind.UNIT: lambda: [
            (T.MISREADING, 0.6, f"Answers {x[0]}, the number of parts, not one part's fraction."),
            (T.TRANSPOSITION, 0.4, f"Writes {_f(x[0], 1)}."),
        ],
        Kind.NUMBER_LINE: lambda: [
            (T.CALCULATION, 0.5, f"Off by one: counts the tick at 0 and answers {x[1] + 1}."),
            (T.MISREADING, 0.5, f"Answers the number of steps in the whole line ({x[0]})."),
        ],
        Kind.LCM: lambda: [
            (T.MISAPPLIED_RULE, 0.5, f"Gives the greatest common factor {math.gcd(x[0], x[1])}."),
            _product_mistake(x[0], x[1], 0.3),
            (T.CALCULATION, 0.2, "Skips a multiple when listing them."),
        ],
        Kind.COMMON_DENOMINATOR: lambda: [
            _product_mistake(x[1], x[3], 0.45),
            (T.MISAPPLIED_RULE, 0.35, f"Adds the denominators ({x[1] + x[3]})."),
            (T.MISREADING, 0.2, "Works with the numerators instead of the denominators."),
        ],
        Kind.EQUIVALENT: lambda: [
            (
                T.MISAPPLIED_RULE,
                0.5,
                f"Adds {x[2] - x[1]} to the numerator instead of "
                f"multiplying it by {fmt(Fraction(x[2], x[1]))}.",
            ),
            (T.MISREADING, 0.3, "Writes the scale factor as the answer."),
            (T.CALCULATION, 0.2, "Slips on the multiplication."),
        ],
        Kind.RECIPROCAL: lambda: [
            (
                T.MISAPPLIED_RULE,
                0.6,
                f"Gives the opposite, -{_f(x[0], x[1])}, instead of swapping.",
            ),
            (T.MISREADING, 0.4, f"Gives the fraction itself, {_f(x[0], x[1])}."),
        ],
        Kind.TO_DECIMAL: lambda: [
            (T.TRANSPOSITION, 0.5, f"Divides the denominator by the numerator ({x[1]} / {x[0]})."),
            (T.MISAPPLIED_RULE, 0.5, f"Writes the digits after the point: 0.{x[0]}."),
        ],
    }
    return rules[s.kind]()


def _generic(_: Solution) -> Rule:
    return [
        (T.MISREADING, 0.3, "Misreads what the question asks for."),
        (T.MISAPPLIED_RULE, 0.4, "Applies the rule of a neighbouring skill."),
        (T.CALCULATION, 0.3, "Arithmetic slip in an intermediate step."),
    ]


_RULES: dict[Kind, Callable[[Solution], Rule]] = {
    Kind.ADD: _add_sub,
    Kind.SUBTRACT: _add_sub,
    Kind.MULTIPLY: _mul_div,
    Kind.DIVIDE: _mul_div,
    Kind.ADD_MIXED: _mixed,
    Kind.TO_IMPROPER: _mixed,
    Kind.MUL_WHOLE: _whole,
    Kind.FRACTION_OF: _whole,
    Kind.WORD_REST: _word,
    Kind.SIMPLIFY: _simplify,
    Kind.COMPARE: _compare,
    Kind.GENERIC: _generic,
}


def error_rate(item: Item, profile: GroupProfile) -> float:
    """The group's expected share of wrong answers on ``item`` (BKT-style, guess and slip).

    Example:
        >>> from edusim.curriculum import Item
        >>> p = GroupProfile(("a",), (1.0,), (0.0,))
        >>> round(error_rate(Item("q", ("a",)), p), 2)
        0.1
    """
    known = float(np.prod([profile.mastery_of(s) for s in item.skills]))
    return 1.0 - (GUESS + (1.0 - SLIP - GUESS) * known)


def likely_mistakes(
    item: Item, error_rate: float, solution: Solution | None = None
) -> tuple[Mistake, ...]:
    """Likely mistakes on ``item``, most common first, sharing ``error_rate`` between them.

    Args:
        item: The example's item.
        error_rate: Share of the group expected to answer wrongly, in ``[0, 1]``.
        solution: Its solution (solved here when ``None``).
    """
    solution = solution or solve(item)
    rule = _RULES.get(solution.kind, _one_step)(solution)
    total = sum(weight for _, weight, _ in rule)
    mistakes = [
        Mistake(kind, round(error_rate * weight / total, 3), note) for kind, weight, note in rule
    ]
    return tuple(sorted(mistakes, key=lambda m: -m.share))
