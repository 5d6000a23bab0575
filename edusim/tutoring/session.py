"""A tutoring dialogue played turn by turn: for simulations, scripts and the app.

:class:`TutoringSession` alternates tutor and student turns. The student is either a
:class:`~edusim.tutoring.student.SimulatedStudent` or a person whose utterances the caller
passes in. At any point the session reports its transcript, the move of every tutor turn and
who produced it, mastery per solution step, and Success/Telling so far.

Example:
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> from edusim.tutoring.student import SimulatedStudent
    >>> from edusim.tutoring.registry import make_tutor
    >>> case = load_cases(builtin_problems_path())[0]
    >>> tutor, student = make_tutor("offline", seed=0), SimulatedStudent(case, seed=0)
    >>> session = TutoringSession(case, tutor, student)
    >>> outcome = session.run()
    >>> session.done, len(session.transcript) >= 2
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edusim.llm import Answer
from edusim.tutoring.dialogue import DialogueView
from edusim.tutoring.metrics import DialogueOutcome, outcome_of
from edusim.tutoring.moves import Turn, TutorTurn
from edusim.tutoring.problems import TutoringCase
from edusim.tutoring.reading import read_message
from edusim.tutoring.student import SimulatedStudent
from edusim.tutoring.tutors import Tutor

__all__ = ["SessionError", "SessionStatus", "TutoringSession"]


class SessionError(RuntimeError):
    """A turn was requested out of order, or from a student that is not simulated."""


@dataclass(frozen=True)
class SessionStatus:
    """Where a dialogue stands.

    Attributes:
        student_turns: Student turns so far.
        solved_at: Student turn at which the answer was first stated, or ``None``.
        told_at: Tutor turn at which the tutor gave the answer away, or ``None``.
        open_step: The step the tutor is working on (``None`` once solved).
        mastery: Mastery per solution step in ``[0, 1]``.
        done: Solved, or out of student turns.
    """

    student_turns: int
    solved_at: int | None
    told_at: int | None
    open_step: int | None
    mastery: tuple[float, ...]
    done: bool


class TutoringSession:
    """One tutoring dialogue on ``case``.

    Args:
        case: The problem and the student's starting solution.
        tutor: Who chooses the tutor turns.
        student: A simulated student, or ``None`` when a person answers
            (:meth:`student_turn` then needs their text).
        max_student_turns: The dialogue ends after this many student turns.
    """

    def __init__(
        self,
        case: TutoringCase,
        tutor: Tutor,
        student: SimulatedStudent | None = None,
        *,
        max_student_turns: int = 10,
    ) -> None:
        if max_student_turns < 1:
            raise ValueError(f"max_student_turns must be >= 1, got {max_student_turns}")
        self.case = case
        self.tutor = tutor
        self.student = student
        self.max_student_turns = max_student_turns
        self.transcript: list[Turn] = []
        self.answers: list[Answer[TutorTurn]] = []

    @property
    def view(self) -> DialogueView:
        return DialogueView(self.case, tuple(self.transcript))

    @property
    def awaiting_student(self) -> bool:
        return bool(self.transcript) and self.transcript[-1].role == "teacher"

    @property
    def done(self) -> bool:
        view = self.view
        return view.solved or len(view.student_turns) >= self.max_student_turns

    def tutor_turn(self) -> Answer[TutorTurn]:
        """Ask the tutor for its next turn and add it to the transcript.

        Raises:
            SessionError: When the student has not answered the last tutor turn.
            LLMError: When a language-model tutor fails.
        """
        if self.awaiting_student:
            raise SessionError("the student has not answered the last tutor turn yet")
        answer = self.tutor.next_turn(self.view)
        turn = answer.value
        move = turn.move or read_message(turn.text, self.case.problem).move  # unlabelled: read
        self.transcript.append(Turn("teacher", turn.text, move, turn.step))
        self.answers.append(answer)
        return answer

    def student_turn(self, text: str | None = None) -> Turn:
        """Add the student's reply: ``text`` from a person, or the simulated student's.

        Raises:
            SessionError: Out of order, or ``text`` missing without a simulated student.
        """
        if not self.awaiting_student:
            raise SessionError("a student turn must follow a tutor turn")
        if text is None:
            if self.student is None:
                raise SessionError("no simulated student: pass the student's text")
            text = self.student.respond(self.answers[-1].value)
        elif not text.strip():
            raise SessionError("the student's text is empty")
        turn = Turn("student", text.strip())
        self.transcript.append(turn)
        return turn

    def run(self) -> DialogueOutcome:
        """Play tutor and simulated-student turns until the dialogue is done."""
        while not self.done:
            self.tutor_turn()
            self.student_turn()
        return self.outcome()

    def mastery(self) -> np.ndarray:
        """Mastery per step: the simulated student's beliefs, else the steps reached."""
        if self.student is not None:
            return self.student.mastery()
        return np.array(self.view.reached_steps(), dtype=np.float64)

    def outcome(self) -> DialogueOutcome:
        """Success, telling, moves and leaks of the dialogue so far."""
        gain = None
        if self.student is not None:
            gain = float((self.student.mastery() - self.student.initial_mastery).mean())
        return outcome_of(self.transcript, self.case.problem.answer, gain)

    def status(self) -> SessionStatus:
        """A snapshot for display."""
        outcome, view = self.outcome(), self.view
        return SessionStatus(
            student_turns=len(view.student_turns),
            solved_at=outcome.solved_at,
            told_at=outcome.told_at,
            open_step=view.open_step(),
            mastery=tuple(float(m) for m in self.mastery()),
            done=self.done,
        )
