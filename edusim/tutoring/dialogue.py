"""What a tutor sees of a dialogue, and the diagnosis it grounds its moves in.

A :class:`DialogueView` is the case plus the transcript so far. Its diagnosis reads the
student's own words: a solution step counts as reached once the student has written its value
(in the incorrect solution or any later turn); the first step not reached is where the
student's reasoning diverges, and that is the step the tutor works on.

Example:
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> case = load_cases(builtin_problems_path())[0]
    >>> view = DialogueView(case, ())
    >>> view.open_step() == case.first_wrong_step(), view.solved
    (True, False)
"""

from __future__ import annotations

from dataclasses import dataclass

from edusim.tutoring.moves import Move, Turn
from edusim.tutoring.numbers import extract_numbers, states_final, states_value
from edusim.tutoring.problems import TutoringCase

__all__ = ["DialogueView"]

SCAFFOLDS = (Move.FOCUS, Move.PROBING)


@dataclass(frozen=True)
class DialogueView:
    """A tutoring case and the turns so far (oldest first)."""

    case: TutoringCase
    transcript: tuple[Turn, ...]

    @property
    def student_turns(self) -> tuple[Turn, ...]:
        return tuple(t for t in self.transcript if t.role == "student")

    @property
    def tutor_turns(self) -> tuple[Turn, ...]:
        return tuple(t for t in self.transcript if t.role == "teacher")

    @property
    def solved(self) -> bool:
        """Whether the student has stated the final answer (as the last number of a turn)."""
        answer = self.case.problem.answer
        return any(states_final(t.text, answer) for t in self.student_turns)

    def reached_steps(self) -> tuple[bool, ...]:
        """Per step, whether the student has written its value (initial solution or turns)."""
        flags = list(self.case.correct_steps())
        texts = [t.text for t in self.student_turns]
        for i, step in enumerate(self.case.problem.steps):
            if not flags[i] and step.result is not None:
                flags[i] = any(states_value(text, step.result) for text in texts)
        return tuple(flags)

    def open_step(self) -> int | None:
        """The first step the student has not reached (``None`` once all are reached)."""
        if self.solved:
            return None
        flags = self.reached_steps()
        return next((i for i, ok in enumerate(flags) if not ok), len(flags) - 1)

    def turns_on(self, step: int) -> tuple[Move, ...]:
        """Moves of the tutor turns that targeted ``step`` so far."""
        return tuple(t.move for t in self.tutor_turns if t.step == step and t.move is not None)

    def last_student_value(self) -> float | None:
        """The last number in the student's latest turn (or their incorrect answer)."""
        for turn in reversed(self.student_turns):
            numbers = extract_numbers(turn.text)
            if numbers:
                return numbers[-1]
        return self.case.incorrect_answer
