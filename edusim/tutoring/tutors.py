"""Tutor policies over MathDial's moves: rule-based, random-move, and language-model.

* :class:`BackendTutor` asks its chat backend for each turn through a :class:`TutorTurnTask`.
  With the :class:`~edusim.llm.OfflineBackend` the task's rule-based policy
  (:class:`OfflinePolicy`) answers; with an OpenAI-compatible backend the model answers from a
  prompt holding the solution, and must return its move label with its text.
* :class:`RandomMoveTutor` picks each move uniformly at random and realises it exactly as the
  rule-based tutor would (same diagnosis, same target step, same wording): the two differ only
  in how moves are chosen.

Example:
    >>> from edusim.llm import OfflineBackend
    >>> from edusim.tutoring.dialogue import DialogueView
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> view = DialogueView(load_cases(builtin_problems_path())[0], ())
    >>> answer = RuleBasedTutor(seed=0).next_turn(view)
    >>> answer.value.move, answer.backend
    (<Move.PROBING: 'probing'>, 'offline (rule-based)')
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from edusim.llm import Answer, ChatBackend, Message, OfflineBackend, StructuredTask
from edusim.tutoring.dialogue import DialogueView
from edusim.tutoring.moves import Move, TutorTurn
from edusim.tutoring.prompts import parse_tutor_reply, tutor_messages
from edusim.tutoring.realise import realise, realise_on_open_step
from edusim.tutoring.words import says_dont_know

__all__ = [
    "Tutor",
    "OfflinePolicy",
    "TutorTurnTask",
    "BackendTutor",
    "RandomMoveTutor",
    "RuleBasedTutor",
]


class Tutor(ABC):
    """Chooses the next tutor turn from the dialogue so far."""

    @abstractmethod
    def next_turn(self, view: DialogueView) -> Answer[TutorTurn]:
        """The next turn and who produced it."""

    @abstractmethod
    def describe(self) -> str:
        """A short human-readable name."""


@dataclass(frozen=True)
class OfflinePolicy:
    """The rule-based tutor: probe, then focus, and tell only as a last resort.

    On the open step (the first the student has not reached) the tutor probes the student's
    value, then points at the quantity the step works out, then asks for the step's sum, then
    tells the step. On the final step
    telling would give the answer away, so it first tells only the method and reveals the value
    only after ``final_reveal_after`` turns on that step.

    Attributes:
        tell_after: Turns on an intermediate step before telling it.
        final_method_after: Turns on the final step before telling its method.
        final_reveal_after: Turns on the final step before telling its value.
    """

    tell_after: int = 3
    final_method_after: int = 3
    final_reveal_after: int = 6

    def plan(self, view: DialogueView, rng: np.random.Generator) -> TutorTurn:
        """The next turn for ``view``; ``rng`` only picks among equivalent phrasings.

        It reacts to the student's last words: after "I don't know" it skips probing and asks
        for the step's sum instead (a smaller step).
        """
        step = view.open_step()
        if step is None:
            return realise(Move.GENERIC, view, None)
        n = len(view.turns_on(step))
        final = step == view.case.problem.n_steps - 1
        stuck = bool(view.student_turns) and says_dont_know(view.student_turns[-1].text)
        pick = int(rng.integers(2))
        if not final and n >= self.tell_after:
            return realise(Move.TELLING, view, step, variant=pick)
        if final and n >= self.final_reveal_after:
            return realise(Move.TELLING, view, step, variant=pick)
        if final and n == self.final_method_after:
            return realise(Move.TELLING, view, step, variant=pick, reveal_result=False)
        if stuck or n % 3 == 2:
            return realise(Move.FOCUS, view, step, variant=2)  # ask for the step's sum
        if n % 3 == 0:
            return realise(Move.PROBING, view, step, variant=pick)
        return realise(Move.FOCUS, view, step, variant=pick)


class TutorTurnTask(StructuredTask[TutorTurn]):
    """One tutor turn: prompt and parse for a language model, :class:`OfflinePolicy` offline."""

    output_type = TutorTurn
    temperature = 0.3
    max_tokens = 300

    def __init__(self, view: DialogueView, policy: OfflinePolicy) -> None:
        self.view = view
        self.policy = policy

    def messages(self) -> list[Message]:
        return tutor_messages(self.view)

    def parse(self, text: str) -> TutorTurn:
        return parse_tutor_reply(text, self.view.case.problem.n_steps)

    def offline(self, rng: np.random.Generator) -> TutorTurn:
        return self.policy.plan(self.view, rng)


class BackendTutor(Tutor):
    """A tutor whose turns come from a chat backend (rule-based when it is offline).

    Args:
        backend: Who answers each :class:`TutorTurnTask`.
        policy: The rule-based policy used by the offline backend.
    """

    def __init__(self, backend: ChatBackend, policy: OfflinePolicy | None = None) -> None:
        self.backend = backend
        self.policy = policy or OfflinePolicy()

    def next_turn(self, view: DialogueView) -> Answer[TutorTurn]:
        return self.backend.answer(TutorTurnTask(view, self.policy))

    def describe(self) -> str:
        return f"tutor via {self.backend.describe()}"


class RandomMoveTutor(Tutor):
    """Uniformly random moves, realised like the rule-based tutor's.

    Args:
        seed: Seed of the move draws (``None``: fresh entropy).
    """

    MOVES = (Move.FOCUS, Move.PROBING, Move.TELLING, Move.GENERIC)

    def __init__(self, seed: int | None = None) -> None:
        self.rng = np.random.default_rng(seed)

    def next_turn(self, view: DialogueView) -> Answer[TutorTurn]:
        move = self.MOVES[int(self.rng.integers(len(self.MOVES)))]
        return Answer(realise_on_open_step(move, view), self.describe())

    def describe(self) -> str:
        return "random-move tutor"


class RuleBasedTutor(BackendTutor):
    """The rule-based tutor: :class:`OfflinePolicy` answering through the offline backend.

    Args:
        seed: Seed of the phrasing choices (``None``: fresh entropy).
    """

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(OfflineBackend(seed=seed))
