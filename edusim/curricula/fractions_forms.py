"""The question forms of the built-in fractions curriculum (``fractions.json``).

One :class:`~edusim.curricula.forms.QuestionForm` record per form of question: its pattern, its
solver (exact rational arithmetic), its typical mistakes written on the question's own numbers,
and its key idea. :data:`FORMS` lists them in matching order (more specific patterns first).
The operations on two fractions live in :mod:`edusim.curricula.fractions_operations`.

Example:
    >>> from edusim.curriculum import Item
    >>> from edusim.curricula.forms import solve
    >>> s = solve(Item("q", ("compare_like",), 0.0, "Which is larger: 4/8 or 2/8?"), FORMS)
    >>> s.answer, s.steps[-1]
    ('4/8', 'Answer: 4/8.')
    >>> [m.note for m in s.mistakes()][0]
    'Compares the denominators instead of the numerators.'
"""

from __future__ import annotations

import math
from fractions import Fraction

from edusim.curricula.forms import QuestionForm
from edusim.curricula.forms import TypicalMistake as M
from edusim.curricula.fractions_operations import OPERATIONS, F, N, fmt, raw, reduce_step

__all__ = ["FORMS"]


def _product_mistake(a: int, b: int, weight: float) -> M:
    """Taking the product for the least common multiple (only wrong when they share factors)."""
    if math.gcd(a, b) > 1:
        return M("simplification", weight, f"Stops at the product {a * b}, a common multiple "
                 "but not the least.")
    return M("calculation", weight, f"Slips listing the multiples of {a} and {b}.")


def _simplify_mistakes(x: tuple[int, ...]) -> list[M]:
    n, d = x
    g = math.gcd(n, d)
    p = min((q for q in range(2, g + 1) if g % q == 0), default=1)
    found = [M("misapplied rule", 0.25, "Subtracts the same number from top and bottom."),
             M("calculation", 0.3, "Divides only the numerator.")]
    if 1 < p < g:
        found.insert(0, M("simplification", 0.45, f"Divides by {p}, not by the greatest common "
                          f"factor {g}: stops at {raw(n // p, d // p)}."))
    return found


def _compare(x: tuple[int, ...]) -> tuple[list[str], str]:
    a, b, c, d = x
    lcd = math.lcm(b, d)
    larger = raw(a, b) if Fraction(a, b) > Fraction(c, d) else raw(c, d)
    if b == d:
        first = f"The denominators are equal ({lcd}), so compare the numerators."
    else:
        first = (f"Write both over the common denominator {lcd}: {raw(a * lcd // b, lcd)} and "
                 f"{raw(c * lcd // d, lcd)}.")
    return [first, f"The larger numerator wins: {larger} is larger."], larger


def _compare_mistakes(x: tuple[int, ...]) -> list[M]:
    a, b, c, d = x
    if b == d:
        return [M("misreading", 0.6, "Compares the denominators instead of the numerators."),
                M("calculation", 0.4, "Misjudges which numerator is larger.")]
    other = raw(a, b) if b > d else raw(c, d)
    return [M("misapplied rule", 0.55, f"Picks {other} because its denominator is larger."),
            M("calculation", 0.45, "Rescales only the denominator when finding a common one.")]


def _decimal(x: tuple[int, ...]) -> tuple[list[str], str]:
    n, d = x
    value = f"{n / d:.6f}".rstrip("0").rstrip(".")
    steps = [f"A fraction is a division: {n}/{d} = {n} / {d}.", f"Divide: {n} / {d} = {value}."]
    return steps, value


FORMS: tuple[QuestionForm, ...] = (
    QuestionForm(
        "denominator", rf"fraction {F}, what is the denominator",
        lambda x: ([f"In {x[0]}/{x[1]} the number above the bar ({x[0]}) is the numerator: "
                    "the parts taken.",
                    f"The number below the bar ({x[1]}) is the denominator: the equal parts in "
                    "the whole."], str(x[1])),
        lambda x: [M("misreading", 0.6, f"Gives the numerator {x[0]} instead of the denominator."),
                   M("transposition", 0.4, f"Reads it upside down as {raw(x[1], x[0])}.")],
        "The denominator counts the equal parts of the whole; the numerator counts the parts "
        "taken.",
    ),
    QuestionForm(
        "unit fraction", rf"cut into {N} equal",
        lambda x: ([f"The whole is cut into {x[0]} equal parts.",
                    f"One part is one out of {x[0]}: the unit fraction 1/{x[0]}."], f"1/{x[0]}"),
        lambda x: [M("misreading", 0.6, f"Answers {x[0]}, the number of parts, not one part's "
                     "fraction."),
                   M("transposition", 0.4, f"Writes {raw(x[0], 1)}.")],
        "One of n equal parts of a whole is the unit fraction 1/n.",
    ),
    QuestionForm(
        "number line", rf"split into {N} equal steps\. How many steps from 0 is {F}",
        lambda x: ([f"Each of the {x[0]} steps has length 1/{x[0]}.",
                    f"{x[1]}/{x[2]} means {x[1]} steps of 1/{x[0]} from 0."], str(x[1])),
        lambda x: [M("calculation", 0.5, f"Off by one: counts the tick at 0 and answers "
                     f"{x[1] + 1}."),
                   M("misreading", 0.5, f"Answers the number of steps in the line ({x[0]}).")],
        "a/n sits a steps of size 1/n to the right of 0.",
    ),
    QuestionForm(
        "least common multiple", rf"least common multiple of {N} and {N}",
        lambda x: ([f"The greatest common factor of {x[0]} and {x[1]} is {math.gcd(*x)}.",
                    f"Least common multiple = {x[0]} x {x[1]} / {math.gcd(*x)} = {math.lcm(*x)}."],
                   str(math.lcm(*x))),
        lambda x: [M("misapplied rule", 0.5, f"Gives the greatest common factor {math.gcd(*x)}."),
                   _product_mistake(x[0], x[1], 0.3),
                   M("calculation", 0.2, "Skips a multiple when listing them.")],
        "The least common multiple is a x b divided by their greatest common factor.",
    ),
    QuestionForm(
        "common denominator", rf"least common denominator of {F} and {F}",
        lambda x: ([f"Only the denominators matter: {x[1]} and {x[3]}.",
                    f"Their least common multiple is {math.lcm(x[1], x[3])}."],
                   str(math.lcm(x[1], x[3]))),
        lambda x: [_product_mistake(x[1], x[3], 0.45),
                   M("misapplied rule", 0.35, f"Adds the denominators ({x[1] + x[3]})."),
                   M("misreading", 0.2, "Works with the numerators instead of the denominators.")],
        "The least common denominator is the least common multiple of the denominators.",
    ),
    QuestionForm(
        "equivalent fraction", rf"{F} = \?/{N}",
        lambda x: ([f"The new denominator is {x[2]} = {x[1]} x {fmt(Fraction(x[2], x[1]))}.",
                    f"Multiply the numerator by the same number: {x[0]} x "
                    f"{fmt(Fraction(x[2], x[1]))} = {fmt(x[0] * Fraction(x[2], x[1]))}."],
                   fmt(x[0] * Fraction(x[2], x[1]))),
        lambda x: [M("misapplied rule", 0.5, f"Adds {x[2] - x[1]} to the numerator instead of "
                     f"multiplying it by {fmt(Fraction(x[2], x[1]))}."),
                   M("misreading", 0.3, "Writes the scale factor as the answer."),
                   M("calculation", 0.2, "Slips on the multiplication.")],
        "Multiplying top and bottom by the same number keeps the value.",
    ),
    QuestionForm(
        "simplify", rf"Simplify {F}",
        lambda x: ([f"List the factors: the greatest common factor of {x[0]} and {x[1]} is "
                    f"{math.gcd(*x)}.", reduce_step(*x)], fmt(Fraction(*x))),
        _simplify_mistakes,
        "Divide top and bottom by their greatest common factor.",
    ),
    QuestionForm(
        "compare", rf"larger: {F} or {F}", _compare, _compare_mistakes,
        "Over a common denominator, the larger numerator is the larger fraction.",
    ),
    *OPERATIONS,
    QuestionForm(
        "reciprocal", rf"reciprocal of {F}",
        lambda x: (["Swap the numerator and the denominator.",
                    f"The reciprocal of {raw(*x)} is {raw(x[1], x[0])} = "
                    f"{fmt(Fraction(x[1], x[0]))}."], fmt(Fraction(x[1], x[0]))),
        lambda x: [M("misapplied rule", 0.6, f"Gives the opposite, -{raw(*x)}, instead of "
                     "swapping."),
                   M("misreading", 0.4, f"Gives the fraction itself, {raw(*x)}.")],
        "Swap numerator and denominator; a number times its reciprocal is 1.",
    ),
    QuestionForm(
        "to decimal", rf"Write {F} as a decimal", _decimal,
        lambda x: [M("transposition", 0.5, f"Divides the denominator by the numerator "
                     f"({x[1]} / {x[0]})."),
                   M("misapplied rule", 0.5, f"Writes the digits after the point: 0.{x[0]}.")],
        "a/b is a divided by b.",
    ),
)
