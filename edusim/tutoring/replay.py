"""Tutors that replay MathDial's human reference dialogue: its moves, or its very words.

* :class:`ReplayTutor` replays the human teacher's *moves*, realised on the open step like the
  rule-based tutor's (human move choices, edusim's wording).
* :class:`HumanTextTutor` replays the human teacher's *turns verbatim* (text and move label),
  then encourages once they run out. Played against the simulated student it checks the student
  against the data: the human texts should get about the human dialogues' Success@k.

Example:
    >>> from edusim.tutoring.dialogue import DialogueView
    >>> from edusim.tutoring.problems import load_cases
    >>> case = load_cases("../shared/data/mathdial/dialogues.jsonl", limit=1)[0]  # doctest: +SKIP
    >>> HumanTextTutor(seed=0).next_turn(DialogueView(case, ())).value.text  # doctest: +SKIP
    'Hi Kayla, talk me through your solution'
"""

from __future__ import annotations

from edusim.llm import Answer
from edusim.tutoring.baselines import GenericTutor
from edusim.tutoring.dialogue import DialogueView
from edusim.tutoring.moves import Move, TutorTurn
from edusim.tutoring.realise import realise_on_open_step
from edusim.tutoring.tutors import Tutor

__all__ = ["ReplayTutor", "HumanTextTutor"]


def _require_reference(view: DialogueView) -> None:
    if not view.case.reference:
        raise ValueError(
            f"problem {view.case.problem.id} has no reference dialogue to replay "
            "(only MathDial problems carry one)"
        )


class ReplayTutor(Tutor):
    """Replays the move sequence of the case's human reference dialogue (MathDial).

    Turn ``i`` uses the human teacher's ``i``-th move, realised on the open step like the
    rule-based tutor's moves; after the reference runs out it says generic things.
    """

    def next_turn(self, view: DialogueView) -> Answer[TutorTurn]:
        _require_reference(view)
        moves = view.case.reference_moves
        i = len(view.tutor_turns)
        move = moves[i] if i < len(moves) else Move.GENERIC
        return Answer(realise_on_open_step(move, view), self.describe())

    def describe(self) -> str:
        return "replay of the human reference moves"


class HumanTextTutor(Tutor):
    """Says the human teacher's turns word for word, then only encourages.

    Args:
        seed: Seed of the encouragement after the reference runs out.
    """

    def __init__(self, seed: int | None = None) -> None:
        self.after = GenericTutor(seed)

    def next_turn(self, view: DialogueView) -> Answer[TutorTurn]:
        _require_reference(view)
        turns = [t for t in view.case.reference if t.role == "teacher"]
        i = len(view.tutor_turns)
        if i >= len(turns):
            return Answer(self.after.next_turn(view).value, self.describe())
        return Answer(TutorTurn(turns[i].move, turns[i].text), self.describe())

    def describe(self) -> str:
        return "the human teacher's own words (MathDial), then encouragement"
