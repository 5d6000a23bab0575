"""The question analyst: likely mistakes on each worked example.

The analyst knows no domain: a curriculum's question forms
(:mod:`edusim.curricula.forms`) carry the typical mistakes of each form, written on the
example's own numbers ("Adds across: 1/5 + 8/14 -> 9/19"). The share of the group expected to
make each mistake is the group's expected error rate on the item (from its mastery of the
item's skills) split over the mistakes by their typical weights.

Example:
    >>> from edusim.curriculum import Item, load_builtin
    >>> c = load_builtin("fractions")
    >>> item = Item("q", ("add_unlike",), 0.0, "Compute 1/5 + 8/14 and simplify.", "27/35")
    >>> mistakes = likely_mistakes(solve_item(c, item), error_rate=0.5)
    >>> mistakes[0].type.value, mistakes[0].note.split(":")[0]
    ('misapplied rule', 'Adds across')
    >>> round(sum(m.share for m in mistakes), 2)
    0.5
"""

from __future__ import annotations

import numpy as np

from edusim.curricula.forms import Solution, forms_for, solve
from edusim.curriculum import Curriculum, Item
from edusim.planning.plan import Mistake
from edusim.planning.profile import GroupProfile

__all__ = ["likely_mistakes", "error_rate", "solve_item", "GUESS", "SLIP"]

#: Chance of a right answer without the skills, and of a wrong one with them.
GUESS, SLIP = 0.2, 0.1


def solve_item(curriculum: Curriculum, item: Item) -> Solution:
    """``item`` solved with its curriculum's question forms (generic steps for other forms)."""
    graph = curriculum.graph
    names = {s: graph.name(s) for s in graph.skills}
    return solve(item, forms_for(curriculum.name), names)


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


def likely_mistakes(solution: Solution, error_rate: float) -> tuple[Mistake, ...]:
    """Likely mistakes on a solved example, most common first, sharing ``error_rate``.

    Args:
        solution: The example's solution (its form knows the typical mistakes).
        error_rate: Share of the group expected to answer wrongly, in ``[0, 1]``.
    """
    typical = solution.mistakes()
    total = sum(m.weight for m in typical)
    mistakes = [Mistake(m.type, round(error_rate * m.weight / total, 3), m.note) for m in typical]
    return tuple(sorted(mistakes, key=lambda m: -m.share))
