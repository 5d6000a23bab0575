"""How the simulated student responds to what a message does: categories and their chances.

A tutor message falls in one :class:`Category` given what the student reads in it
(:mod:`edusim.tutoring.reading`) and what the student now believes. Each category has a
chance that the student makes progress on the message's target step
(:meth:`StudentParams.chance`). The same :func:`categorise` serves the simulated student and
the fit on MathDial (:mod:`edusim.tutoring.fit`), so the chances mean the same in both.

Example:
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> from edusim.tutoring.reading import read_message
    >>> problem = load_cases(builtin_problems_path())[0].problem
    >>> reading = read_message("Julia had 15 spoons before the stew.", problem)
    >>> categorise(reading, None, (False, False))
    (<Category.TOLD: 'told'>, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from enum import Enum

from edusim.tutoring.moves import Move
from edusim.tutoring.reading import Reading

__all__ = ["Category", "StudentParams", "categorise"]


class Category(str, Enum):
    """What a tutor message does, as the student reads it."""

    ANSWER = "answer"  #: writes the final answer
    TOLD = "told"  #: writes the value of a step the student has wrong
    ASKED = "asked"  #: asks for the sum of a step the student has wrong
    FOCUS_ON = "focus-on"  #: focus on the student's first wrong step
    PROBING_ON = "probing-on"  #: probing on the student's first wrong step
    OFF = "off"  #: focus or probing on a later step the student has wrong
    DONE = "done"  #: focus or probing on a step the student has right (it moves on)
    VAGUE = "vague"  #: asks to explain or redo, on no step in particular
    METHOD = "method"  #: telling a strategy without a value
    GENERIC = "generic"  #: encouragement only: asks nothing
    NONSENSE = "nonsense"  #: nothing the student can make sense of


def categorise(reading: Reading, move: Move | None, correct: Sequence[bool],
               own_values: Sequence[float] = ()) -> tuple[Category, int]:
    """The category of a message and its target step, given which steps the student has right.

    ``move`` is the tutor's own label when there is one; without it the move read from the
    text counts. ``own_values`` are the student's wrong values per step: a message that names
    one ("How did you get 9?") is about that step.
    """
    wrong = [i for i, ok in enumerate(correct) if not ok]
    first = wrong[0] if wrong else len(correct) - 1
    if reading.step is None:
        named = [i for i in wrong if i < len(own_values) and own_values[i] in reading.numbers]
        reading = replace(reading, step=named[0]) if named else reading
    if reading.nonsense:
        return Category.NONSENSE, first
    if reading.tells_answer:
        return Category.ANSWER, first
    if reading.asked is not None and reading.step is not None and not correct[reading.step]:
        return Category.ASKED, reading.step
    told = [i for i in reading.told_steps if not correct[i]]
    if told:
        return Category.TOLD, told[0]
    move = move or reading.move
    if move is Move.GENERIC and reading.requests:  # "talk me through your solution"
        return Category.VAGUE, first
    if move in (Move.FOCUS, Move.PROBING):
        if reading.step is None:
            return Category.VAGUE, first
        if reading.step == first:
            return (Category.FOCUS_ON if move is Move.FOCUS else Category.PROBING_ON), first
        if correct[reading.step]:
            return Category.DONE, first
        return Category.OFF, reading.step
    if move is Move.TELLING:
        return Category.METHOD, first if reading.step is None else reading.step
    return Category.GENERIC, first


@dataclass(frozen=True)
class StudentParams:
    """How the simulated student responds; the defaults are fitted on MathDial.

    The defaults come from ``edusim tutor-fit --problems ../shared/data/mathdial/dialogues.jsonl``
    (321 dialogues; :func:`edusim.tutoring.fit.fit_student_params`), except ``p_arith_error``
    ``ability_sd`` and ``p_generic``, which MathDial cannot tell and are set by hand.

    Attributes:
        persistence: Chance that the student keeps its misconception after a focus turn on
            its first wrong step (the student's profile sets it).
        w_probing: Progress after probing on that step, relative to focus.
        w_off: The same for focus/probing on a later step it has wrong.
        w_done: The same for focus/probing on a step it has right (progress: on its first
            wrong step).
        w_vague: The same for asking to explain or redo, on no step in particular ("talk me
            through your solution").
        p_method: Chance of progress when told a strategy without a value.
        p_generic: Chance of progress after encouragement that asks nothing. MathDial's
            teachers (almost) never do that, so it is set by hand unless the data has
            :data:`~edusim.tutoring.fit.MIN_TURNS` such turns.
        p_told: Chance of taking a step's value when told it.
        p_asked: Chance of using a sum it was asked (and worked out right) for its step.
        p_copy_answer: Chance of taking the final answer when told it.
        p_carry: Chance that a step worked out also fixes each later wrong step.
        p_carry_told: ``p_carry`` after being told (told, not understood).
        p_arith_error: Chance of getting a sum it is asked wrong (set by hand).
        ability_sd: Spread (log scale) of a per-student multiplier on progress (set by hand).
    """

    persistence: float = 0.621
    w_probing: float = 0.799
    w_off: float = 0.565
    w_done: float = 0.657
    w_vague: float = 0.351
    p_method: float = 0.236
    p_generic: float = 0.03
    p_told: float = 0.853
    p_asked: float = 0.685
    p_copy_answer: float = 0.622
    p_carry: float = 0.48
    p_carry_told: float = 0.565
    p_arith_error: float = 0.1
    ability_sd: float = 0.3

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            upper = None if f.name == "ability_sd" or f.name.startswith("w_") else 1.0
            if value < 0 or (upper is not None and value > upper):
                bound = "[0, 1]" if upper else ">= 0"
                raise ValueError(f"StudentParams.{f.name} must be {bound}, got {value}")

    def chance(self, category: Category) -> float:
        """Chance of progress on the target step after a message of ``category``."""
        scaffold = 1.0 - self.persistence
        table = {
            Category.ANSWER: self.p_copy_answer,
            Category.TOLD: self.p_told,
            Category.ASKED: self.p_asked,
            Category.FOCUS_ON: scaffold,
            Category.PROBING_ON: scaffold * self.w_probing,
            Category.OFF: scaffold * self.w_off,
            Category.DONE: scaffold * self.w_done,
            Category.VAGUE: scaffold * self.w_vague,
            Category.METHOD: self.p_method,
            Category.GENERIC: self.p_generic,
            Category.NONSENSE: 0.0,
        }
        return min(table[category], 1.0)
