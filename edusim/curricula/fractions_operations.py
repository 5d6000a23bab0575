"""Operations on fractions for the fractions curriculum's question forms (part of its domain).

The arithmetic helpers every fractions form uses (:func:`fmt`, :func:`reduce_step`) and the
records of the operation forms: adding, subtracting, multiplying and dividing two fractions,
mixed numbers, a fraction of a quantity and the two-step word problem.
:mod:`edusim.curricula.fractions_forms` puts them in its :data:`FORMS` table.

Example:
    >>> fmt(Fraction(6, 4)), fmt(Fraction(4, 2))
    ('3/2', '2')
    >>> reduce_step(6, 8)
    'Divide top and bottom by their greatest common factor 2: 6/8 = 3/4.'
"""

from __future__ import annotations

import math
from fractions import Fraction

from edusim.curricula.forms import QuestionForm
from edusim.curricula.forms import TypicalMistake as M

__all__ = ["F", "N", "OPERATIONS", "fmt", "raw", "reduce_step"]

#: Pattern pieces: a fraction ``a/b`` (two groups) and a whole number (one group).
F, N = r"(\d+)/(\d+)", r"(\d+)"


def fmt(value: Fraction | int) -> str:
    """A value as ``a/b`` in lowest terms, or ``a`` when whole."""
    n, d = Fraction(value).as_integer_ratio()
    return str(n) if d == 1 else raw(n, d)


def raw(n: int, d: int) -> str:
    """``n/d`` as written, not reduced."""
    return f"{n}/{d}"


def reduce_step(n: int, d: int) -> str:
    """The step that brings ``n/d`` to lowest terms."""
    g = math.gcd(n, d)
    if g == 1:
        return f"{raw(n, d)} is already in lowest terms."
    reduced = fmt(Fraction(n, d))
    return f"Divide top and bottom by their greatest common factor {g}: {raw(n, d)} = {reduced}."


def _combine(an: int, ad: int, bn: int, bd: int, sign: str) -> list[str]:
    """Steps of ``an/ad (+|-) bn/bd`` over the least common denominator."""
    lcd = math.lcm(ad, bd)
    na, nb = an * lcd // ad, bn * lcd // bd
    total = na + nb if sign == "+" else na - nb
    if ad != bd:
        steps = [f"Find a common denominator: the least common multiple of {ad} and {bd} is {lcd}.",
                 f"Rewrite both fractions: {raw(an, ad)} = {raw(na, lcd)} and "
                 f"{raw(bn, bd)} = {raw(nb, lcd)}."]
    else:
        steps = [f"The denominators are the same ({lcd}), so keep {lcd}."]
    verb = "Add" if sign == "+" else "Subtract"
    steps.append(f"{verb} the numerators: {na} {sign} {nb} = {total}, giving {raw(total, lcd)}.")
    return [*steps, reduce_step(total, lcd)]


def _plus_minus(sign: str) -> QuestionForm:
    """The record of adding (``+``) or subtracting (``-``) two fractions."""
    verb, exact = ("Adds", Fraction.__add__) if sign == "+" else ("Subtracts", Fraction.__sub__)

    def mistakes(x: tuple[int, ...]) -> list[M]:
        a, b, c, d = x
        lcd, value = math.lcm(b, d), exact(Fraction(a, b), Fraction(c, d))
        across = raw(a + c, b + d) if sign == "+" else raw(a - c, b - d)
        if b == d:  # the denominators are the same: the mistake is combining them
            across = raw(a + c, 2 * b) if sign == "+" else f"{raw(a - c, 0)}, which is no number"
            found = [M("misapplied rule", 0.45, f"{verb} the denominators too: {raw(a, b)} {sign} "
                       f"{raw(c, d)} -> {across}; the parts are still of size 1/{b}."),
                     M("calculation", 0.3, f"Slips on {a} {sign} {c}.")]
        else:
            found = [M("misapplied rule", 0.45, f"{verb} across: {raw(a, b)} {sign} {raw(c, d)} "
                       f"-> {across}; show with a picture why denominators are not combined."),
                     M("calculation", 0.3, f"Rescales only the denominators when rewriting over "
                       f"{lcd}; top and bottom are multiplied by the same number.")]
        if value.denominator != lcd:
            shown = raw(value.numerator * lcd // value.denominator, lcd)
            found.append(M("simplification", 0.25, f"Stops at {shown} instead of {fmt(value)}."))
        if sign == "-":
            found.append(M("transposition", 0.15, f"Subtracts in the wrong order: {raw(c, d)} - "
                           f"{raw(a, b)}."))
        return found

    idea = ("Rewrite over a common denominator, add the numerators, keep the denominator, "
            "simplify." if sign == "+" else
            "Rewrite over a common denominator, subtract the numerators, simplify.")
    return QuestionForm(
        "add" if sign == "+" else "subtract", rf"Compute {F} \{sign} {F}",
        lambda x: (_combine(*x, sign), fmt(exact(Fraction(x[0], x[1]), Fraction(x[2], x[3])))),
        mistakes, idea,
    )


def _divide(x: tuple[int, ...]) -> tuple[list[str], str]:
    a, b, c, d = x
    return ([f"Dividing by {raw(c, d)} is multiplying by its reciprocal {raw(d, c)}.",
             f"Multiply: {a} x {d} = {a * d} and {b} x {c} = {b * c}.", reduce_step(a * d, b * c)],
            fmt(Fraction(a * d, b * c)))


def _add_mixed(x: tuple[int, ...]) -> tuple[list[str], str]:
    w1, n1, d1, w2, n2, d2 = x
    i1, i2 = w1 * d1 + n1, w2 * d2 + n2
    first = (f"Convert to improper fractions: {w1} {raw(n1, d1)} = {raw(i1, d1)} and "
             f"{w2} {raw(n2, d2)} = {raw(i2, d2)}.")
    a, b = Fraction(i1, d1), Fraction(i2, d2)
    steps = _combine(a.numerator, a.denominator, b.numerator, b.denominator, "+")
    return [first, *steps], fmt(a + b)


def _word_rest(x: tuple[int, ...]) -> tuple[list[str], str]:
    total, a, b, c, d = x
    walk = Fraction(total * a, b)
    bus = (total - walk) * Fraction(c, d)
    return ([f"Students who walk: {a}/{b} of {total} = {fmt(walk)}.",
             f"The rest: {total} - {fmt(walk)} = {fmt(total - walk)} (the bus fraction applies "
             "to these).",
             f"Students on the bus: {c}/{d} of {fmt(total - walk)} = {fmt(bus)}."], fmt(bus))


OPERATIONS: tuple[QuestionForm, ...] = (
    QuestionForm(
        "add mixed numbers", rf"Compute {N} {F} \+ {N} {F}", _add_mixed,
        lambda x: [M("calculation", 0.4, f"Slips converting {x[0]} {raw(x[1], x[2])} or "
                     f"{x[3]} {raw(x[4], x[5])}."),
                   M("misapplied rule", 0.35, "Adds whole parts and fraction parts separately "
                     "and forgets to carry when the fractions pass 1."),
                   M("simplification", 0.25, "Leaves the sum unsimplified instead of "
                     f"{_add_mixed(x)[1]}.")],
        "Convert to improper fractions, then add as with unlike denominators.",
    ),
    QuestionForm(
        "multiply by a whole number", rf"Compute {N} x {F}",
        lambda x: ([f"Multiply only the numerator by {x[0]}: {x[0]} x {x[1]} = {x[0] * x[1]}, "
                    f"giving {raw(x[0] * x[1], x[2])}.", reduce_step(x[0] * x[1], x[2])],
                   fmt(Fraction(x[0] * x[1], x[2]))),
        lambda x: [M("misapplied rule", 0.5, f"Multiplies the denominator too: "
                     f"{raw(x[0] * x[1], x[0] * x[2])}."),
                   M("calculation", 0.2, f"Slips on {x[0]} x {x[1]}."),
                   *([M("simplification", 0.3, f"Leaves {raw(x[0] * x[1], x[2])} unsimplified.")]
                     if math.gcd(x[0] * x[1], x[2]) > 1 else [])],
        "n x a/b = (n x a)/b: only the numerator is multiplied.",
    ),
    _plus_minus("+"),
    _plus_minus("-"),
    QuestionForm(
        "multiply", rf"Compute {F} x {F}",
        lambda x: ([f"Multiply the numerators: {x[0]} x {x[2]} = {x[0] * x[2]}.",
                    f"Multiply the denominators: {x[1]} x {x[3]} = {x[1] * x[3]}.",
                    reduce_step(x[0] * x[2], x[1] * x[3])],
                   fmt(Fraction(x[0] * x[2], x[1] * x[3]))),
        lambda x: [M("misapplied rule", 0.4, "Looks for a common denominator first, as in "
                     "addition."),
                   M("calculation", 0.3, f"Slips on {x[0]} x {x[2]} or {x[1]} x {x[3]}."),
                   M("simplification", 0.3, f"Stops at {raw(x[0] * x[2], x[1] * x[3])} instead "
                     f"of {fmt(Fraction(x[0] * x[2], x[1] * x[3]))}.")],
        "Multiply numerators together and denominators together, then simplify.",
    ),
    QuestionForm(
        "divide", rf"Compute {F} ÷ {F}", _divide,
        lambda x: [M("transposition", 0.4, f"Flips the first fraction instead of the second: "
                     f"{raw(x[1], x[0])} x {raw(x[2], x[3])} = "
                     f"{fmt(Fraction(x[1] * x[2], x[0] * x[3]))}."),
                   M("misapplied rule", 0.35, "Divides straight across; teach 'keep, change, "
                     "flip'."),
                   M("simplification", 0.25, f"Stops at {raw(x[0] * x[3], x[1] * x[2])} instead "
                     f"of {_divide(x)[1]}.")],
        "Dividing by a fraction is multiplying by its reciprocal.",
    ),
    QuestionForm(
        "mixed to improper", rf"Write {N} {F} as an improper",
        lambda x: ([f"The whole part {x[0]} is {x[0]} x {x[2]} = {x[0] * x[2]} parts of size "
                    f"1/{x[2]}.",
                    f"Add the fractional part: {x[0] * x[2]} + {x[1]} = {x[0] * x[2] + x[1]}, so "
                    f"{x[0]} {raw(x[1], x[2])} = {raw(x[0] * x[2] + x[1], x[2])}."],
                   raw(x[0] * x[2] + x[1], x[2])),
        lambda x: [M("misapplied rule", 0.5, f"Adds the whole number to the numerator: "
                     f"{raw(x[0] + x[1], x[2])}."),
                   M("calculation", 0.3, f"Slips on {x[0]} x {x[2]} before adding {x[1]}."),
                   M("transposition", 0.2, f"Writes the result upside down: "
                     f"{raw(x[2], x[0] * x[2] + x[1])}.")],
        "w a/b = (w x b + a)/b.",
    ),
    QuestionForm(
        "fraction of a quantity", rf"What is {F} of {N}",
        lambda x: ([f"Split {x[2]} into {x[1]} equal parts: {x[2]} / {x[1]} = "
                    f"{fmt(Fraction(x[2], x[1]))}.",
                    f"Take {x[0]} of those parts: {x[0]} x {fmt(Fraction(x[2], x[1]))} = "
                    f"{fmt(Fraction(x[0] * x[2], x[1]))}."], fmt(Fraction(x[0] * x[2], x[1]))),
        lambda x: [M("ignored condition", 0.35, f"Finds one part ({fmt(Fraction(x[2], x[1]))}) "
                     f"and stops, forgetting to take {x[0]} of them."),
                   M("misapplied rule", 0.35, "Divides by the numerator and multiplies by the "
                     f"denominator: {fmt(Fraction(x[2] * x[1], x[0]))}."),
                   M("calculation", 0.3, f"Slips dividing {x[2]} by {x[1]}.")],
        "a/b of q: split q into b equal parts and take a of them.",
    ),
    QuestionForm(
        "fraction of the rest", rf"class of {N} students: {F} walk.* {F} of the rest", _word_rest,
        lambda x: [M("ignored condition", 0.45, f"Takes {raw(x[3], x[4])} of the whole class "
                     f"({fmt(Fraction(x[0] * x[3], x[4]))}) instead of the rest; underline "
                     "'of the rest'."),
                   M("calculation", 0.3, f"Slips computing {raw(x[1], x[2])} of {x[0]} = "
                     f"{fmt(Fraction(x[0] * x[1], x[2]))}."),
                   M("misreading", 0.25, f"Answers how many walk "
                     f"({fmt(Fraction(x[0] * x[1], x[2]))}) instead of the bus riders.")],
        "Work out each part in order; 'of the rest' applies to what is left.",
    ),
)
