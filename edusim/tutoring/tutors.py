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
    >>> answer = make_tutor("offline", seed=0).next_turn(view)
    >>> answer.value.move, answer.backend
    (<Move.PROBING: 'probing'>, 'offline (rule-based)')
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from edusim.llm import Answer, ChatBackend, Message, OfflineBackend, StructuredTask
from edusim.tutoring.dialogue import DialogueView
from edusim.tutoring.moves import Move, TutorTurn
from edusim.tutoring.prompts import parse_tutor_reply, tutor_messages
from edusim.tutoring.realise import realise

__all__ = [
    "Tutor",
    "OfflinePolicy",
    "TutorTurnTask",
    "BackendTutor",
    "RandomMoveTutor",
    "ReplayTutor",
    "make_tutor",
    "tutor_names",
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
    value, then focuses twice with different hints, then tells the step. On the final step
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
        """The next turn for ``view``; ``rng`` only picks among equivalent phrasings."""
        step = view.open_step()
        if step is None:
            return realise(Move.GENERIC, view, None)
        n = len(view.turns_on(step))
        variant = n + int(rng.integers(2))
        final = step == view.case.problem.n_steps - 1
        if n == 0:
            return realise(Move.PROBING, view, step, variant=variant)
        if not final and n >= self.tell_after:
            return realise(Move.TELLING, view, step)
        if final and n >= self.final_reveal_after:
            return realise(Move.TELLING, view, step)
        if final and n == self.final_method_after:
            return realise(Move.TELLING, view, step, reveal_result=False)
        move = Move.FOCUS if n % 3 != 0 else Move.PROBING
        return realise(move, view, step, variant=variant)


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
        step = view.open_step()
        move = self.MOVES[int(self.rng.integers(len(self.MOVES)))]
        variant = len(view.turns_on(step)) if step is not None else 0
        return Answer(realise(move, view, step, variant=variant), self.describe())

    def describe(self) -> str:
        return "random-move tutor"


class ReplayTutor(Tutor):
    """Replays the move sequence of the case's human reference dialogue (MathDial).

    Turn ``i`` uses the human teacher's ``i``-th move, realised on the open step like the
    rule-based tutor's moves; after the reference runs out it says generic things. This puts
    human move choices in front of the simulated student.
    """

    def next_turn(self, view: DialogueView) -> Answer[TutorTurn]:
        moves = view.case.reference_moves
        if not moves:
            raise ValueError(f"problem {view.case.problem.id} has no reference dialogue to replay")
        i = len(view.tutor_turns)
        move = moves[i] if i < len(moves) else Move.GENERIC
        step = view.open_step()
        variant = len(view.turns_on(step)) if step is not None else 0
        return Answer(realise(move, view, step, variant=variant), self.describe())

    def describe(self) -> str:
        return "replay of the human reference moves"


TutorFactory = Callable[[int | None, ChatBackend | None], Tutor]

_TUTORS: dict[str, TutorFactory] = {
    "offline": lambda seed, backend: BackendTutor(OfflineBackend(seed=seed)),
    "random": lambda seed, backend: RandomMoveTutor(seed),
    "llm": lambda seed, backend: BackendTutor(_require_backend(backend)),
    "replay": lambda seed, backend: ReplayTutor(),
}


def _require_backend(backend: ChatBackend | None) -> ChatBackend:
    if backend is None:
        raise ValueError("the 'llm' tutor needs a chat backend (see edusim.llm.make_backend)")
    return backend


def tutor_names() -> list[str]:
    """Names accepted by :func:`make_tutor`."""
    return list(_TUTORS)


def make_tutor(name: str, seed: int | None = None, backend: ChatBackend | None = None) -> Tutor:
    """Build the tutor ``name`` (``offline``, ``random``, ``llm`` or ``replay``).

    Raises:
        ValueError: On an unknown name (listing the valid ones) or ``llm`` without a backend.
    """
    try:
        factory = _TUTORS[name]
    except KeyError:
        raise ValueError(f"unknown tutor {name!r}; choose from {tutor_names()}") from None
    return factory(seed, backend)
