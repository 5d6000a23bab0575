"""Baseline tutors that always make one kind of move: encouragement, focus, or telling.

They bracket the real tutors: encouragement alone should teach little, focus alone never gives
the answer away, telling alone gives everything away.

Example:
    >>> from edusim.tutoring.dialogue import DialogueView
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> view = DialogueView(load_cases(builtin_problems_path())[0], ())
    >>> turn = GenericTutor(seed=0).next_turn(view).value
    >>> turn.move.value, any(ch.isdigit() for ch in turn.text)
    ('generic', False)
"""

from __future__ import annotations

import numpy as np

from edusim.llm import Answer
from edusim.tutoring.dialogue import DialogueView
from edusim.tutoring.moves import Move, TutorTurn
from edusim.tutoring.realise import realise_on_open_step
from edusim.tutoring.tutors import Tutor

__all__ = ["GenericTutor", "FocusOnlyTutor", "TellOnlyTutor", "ENCOURAGEMENT"]

#: What the generic tutor says: no number, no hint, no step.
ENCOURAGEMENT = (
    "You're doing fine, keep going.",
    "Take your time, there is no rush.",
    "Good effort so far!",
    "I like that you keep trying.",
    "Keep at it, you can do this.",
    "Thanks for sharing your thinking.",
    "Nice, go on.",
)


class GenericTutor(Tutor):
    """Encouragement only, never the same sentence twice in a row.

    Args:
        seed: Seed of the sentence choice.
    """

    def __init__(self, seed: int | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self.last = -1

    def next_turn(self, view: DialogueView) -> Answer[TutorTurn]:
        pick = int(self.rng.integers(len(ENCOURAGEMENT) - 1))
        pick = pick + 1 if pick >= self.last >= 0 else pick
        self.last = pick
        return Answer(TutorTurn(Move.GENERIC, ENCOURAGEMENT[pick]), self.describe())

    def describe(self) -> str:
        return "encouragement only"


class _OneMoveTutor(Tutor):
    """Always ``MOVE``, realised on the open step like the rule-based tutor's turns."""

    MOVE: Move

    def __init__(self, seed: int | None = None) -> None:
        self.rng = np.random.default_rng(seed)

    def next_turn(self, view: DialogueView) -> Answer[TutorTurn]:
        extra = int(self.rng.integers(2))
        return Answer(realise_on_open_step(self.MOVE, view, extra), self.describe())

    def describe(self) -> str:
        return f"{self.MOVE.value} moves only"


class FocusOnlyTutor(_OneMoveTutor):
    """Only focus moves: points at the step that matters, never tells."""

    MOVE = Move.FOCUS


class TellOnlyTutor(_OneMoveTutor):
    """Only telling moves: gives each step away."""

    MOVE = Move.TELLING
