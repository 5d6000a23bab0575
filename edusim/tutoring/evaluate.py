"""Run a tutor against simulated students on a problem set over several seeds.

Example:
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> cases = load_cases(builtin_problems_path())
    >>> result = evaluate_tutor(cases, "offline", seeds=[0, 1])
    >>> len(result.metrics()["success_at_k"])
    7
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from edusim.llm import ChatBackend
from edusim.tutoring.metrics import (
    K_MAX,
    DialogueOutcome,
    bootstrap_ci,
    leak_rate,
    move_distribution,
    outcome_of,
    success_at_k,
    telling_at_k,
)
from edusim.tutoring.problems import TutoringCase
from edusim.tutoring.registry import make_tutor
from edusim.tutoring.session import TutoringSession
from edusim.tutoring.student import SimulatedStudent, StudentParams

__all__ = ["TutorEvaluation", "evaluate_tutor", "curve_metrics", "reference_metrics"]

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class TutorEvaluation:
    """Outcomes of one tutor: ``outcomes[p][s]`` is problem ``p`` under seed ``seeds[s]``."""

    tutor: str
    backend: str
    seeds: tuple[int, ...]
    outcomes: tuple[tuple[DialogueOutcome, ...], ...]
    max_student_turns: int
    params: StudentParams = field(default_factory=StudentParams)

    def metrics(self, k_max: int = K_MAX) -> dict:
        """JSON-ready metrics: curves with 95% intervals, moves, leak rate, mastery gain."""
        data = curve_metrics(self.outcomes, k_max)
        gains = [o.mastery_gain for row in self.outcomes for o in row if o.mastery_gain is not None]
        data.update(
            tutor=self.tutor,
            backend=self.backend,
            seeds=list(self.seeds),
            n_problems=len(self.outcomes),
            n_dialogues=sum(len(r) for r in self.outcomes),
            max_student_turns=self.max_student_turns,
            mean_mastery_gain=float(np.mean(gains)) if gains else None,
        )
        return data


def curve_metrics(outcomes: Sequence[Sequence[DialogueOutcome]], k_max: int = K_MAX) -> dict:
    """Success@k, Telling@k (with bootstrap intervals), move shares and leak rate."""
    flat = [o for row in outcomes for o in row]
    return {
        "k": list(range(1, k_max + 1)),
        "success_at_k": success_at_k(outcomes, k_max).tolist(),
        "success_at_k_ci": bootstrap_ci(outcomes, "solved_at", k_max).tolist(),
        "telling_at_k": telling_at_k(outcomes, k_max).tolist(),
        "telling_at_k_ci": bootstrap_ci(outcomes, "told_at", k_max).tolist(),
        "moves": move_distribution(flat),
        "answer_leak_rate": leak_rate(flat),
    }


def reference_metrics(cases: Sequence[TutoringCase], k_max: int = K_MAX) -> dict | None:
    """The same metrics on the human reference dialogues, when the cases carry them."""
    rows = [[outcome_of(c.reference, c.problem.answer)] for c in cases if c.reference]
    return curve_metrics(rows, k_max) if rows else None


def evaluate_tutor(
    cases: Sequence[TutoringCase],
    tutor: str,
    seeds: Sequence[int],
    *,
    backend: ChatBackend | None = None,
    params: StudentParams | None = None,
    max_student_turns: int = 10,
    progress: Progress | None = None,
) -> TutorEvaluation:
    """Play ``tutor`` against a simulated student on every case, once per seed.

    Seed ``s`` seeds both the tutor and, per case ``i``, the student (``[s, i]``), so two
    tutors evaluated with the same seeds meet the same students.

    Args:
        cases: The problems and students' starting solutions.
        tutor: A name of :func:`~edusim.tutoring.registry.tutor_names`.
        seeds: One run over all cases per seed.
        backend: The chat backend for the ``llm`` tutor.
        params: Simulated-student parameters.
        max_student_turns: Dialogue length cap (at least 7 for the @7 metrics).
        progress: Called with ``(done, total)`` after each dialogue.

    Raises:
        ValueError: On no cases, no seeds, or an unknown tutor.
        LLMError: When a language-model tutor fails.
    """
    if not cases or not seeds:
        raise ValueError("evaluate_tutor needs at least one case and one seed")
    params = params or StudentParams()
    total, done = len(cases) * len(seeds), 0
    grid: list[list[DialogueOutcome]] = [[] for _ in cases]
    description = ""
    for seed in seeds:
        policy = make_tutor(tutor, seed=seed, backend=backend)
        description = policy.describe()
        for i, case in enumerate(cases):
            student = SimulatedStudent(case, params, seed=np.random.SeedSequence([seed, i]))
            session = TutoringSession(case, policy, student, max_student_turns=max_student_turns)
            grid[i].append(session.run())
            done += 1
            if progress is not None:
                progress(done, total)
    return TutorEvaluation(
        tutor, description, tuple(seeds), tuple(tuple(r) for r in grid), max_student_turns, params
    )
