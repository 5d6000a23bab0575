"""Dialogue metrics, computed from transcripts (MathDial's definitions, Macina et al. 2023).

* **Success@k**: the student states the correct final answer (as the last number of one of
  its turns) within its first ``k`` turns.
* **Telling@k**: the tutor writes the final answer in one of its first ``k`` turns before the
  student has stated it (confirming a student's answer is not telling).
* **Move distribution**: the share of each teacher move over all tutor turns.
* **Answer-leak rate**: the share of tutor turns that write the final answer before the
  student has stated it.

The same functions score simulated dialogues and MathDial's human reference dialogues.

Example:
    >>> from edusim.tutoring.moves import Turn, Move
    >>> turns = (Turn("teacher", "What is 12+3?", Move.FOCUS), Turn("student", "It is 15."))
    >>> outcome = outcome_of(turns, answer=15)
    >>> outcome.solved_at, outcome.told_at
    (1, None)
    >>> success_at_k([[outcome]], k_max=3).tolist()
    [1.0, 1.0, 1.0]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from edusim.tutoring.moves import Move, Turn
from edusim.tutoring.numbers import states_final, states_value

__all__ = [
    "DialogueOutcome",
    "outcome_of",
    "success_at_k",
    "telling_at_k",
    "move_distribution",
    "leak_rate",
    "bootstrap_ci",
    "K_MAX",
]

K_MAX = 7


@dataclass(frozen=True)
class DialogueOutcome:
    """What one dialogue achieved.

    Attributes:
        solved_at: 1-based index of the student turn that first stated the answer, or ``None``.
        told_at: 1-based index of the tutor turn that first gave the answer away, or ``None``.
        moves: The tutor's moves in order (``None`` for unlabelled turns).
        leaks: Tutor turns that wrote the answer before the student stated it.
        mastery_gain: Mean learner-model mastery gain over the steps (simulated students).
    """

    solved_at: int | None
    told_at: int | None
    moves: tuple[Move | None, ...]
    leaks: int
    mastery_gain: float | None = None


def outcome_of(
    transcript: Sequence[Turn], answer: float, mastery_gain: float | None = None
) -> DialogueOutcome:
    """Score one transcript against the final ``answer``."""
    solved_at = told_at = None
    tutor_n = student_n = leaks = 0
    for turn in transcript:
        if turn.role == "teacher":
            tutor_n += 1
            if solved_at is None and states_value(turn.text, answer):
                leaks += 1
                told_at = told_at or tutor_n
        else:
            student_n += 1
            if solved_at is None and states_final(turn.text, answer):
                solved_at = student_n
    moves = tuple(t.move for t in transcript if t.role == "teacher")
    return DialogueOutcome(solved_at, told_at, moves, leaks, mastery_gain)


def _at_k(values: np.ndarray, k_max: int) -> np.ndarray:
    """``values`` (any shape, NaN = never) -> fraction ``<= k`` for k = 1..k_max, per problem."""
    ks = np.arange(1, k_max + 1)
    hit = values[..., None] <= ks  # NaN compares False
    return hit.mean(axis=tuple(range(1, values.ndim))) if values.ndim > 1 else hit


def _matrix(outcomes: Sequence[Sequence[DialogueOutcome]], field: str) -> np.ndarray:
    rows = [
        [np.nan if getattr(o, field) is None else getattr(o, field) for o in r] for r in outcomes
    ]
    return np.array(rows, dtype=np.float64)


def success_at_k(outcomes: Sequence[Sequence[DialogueOutcome]], k_max: int = K_MAX) -> np.ndarray:
    """Success@k for k = 1..k_max over outcomes grouped by problem (rows) and seed (columns)."""
    return _at_k(_matrix(outcomes, "solved_at"), k_max).mean(axis=0)


def telling_at_k(outcomes: Sequence[Sequence[DialogueOutcome]], k_max: int = K_MAX) -> np.ndarray:
    """Telling@k for k = 1..k_max, grouped like :func:`success_at_k`."""
    return _at_k(_matrix(outcomes, "told_at"), k_max).mean(axis=0)


def bootstrap_ci(
    outcomes: Sequence[Sequence[DialogueOutcome]],
    field: str,
    k_max: int = K_MAX,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> np.ndarray:
    """Percentile bootstrap interval of the @k curve, resampling problems (all seeds together).

    Args:
        field: ``"solved_at"`` (Success@k) or ``"told_at"`` (Telling@k).

    Returns:
        ``(k_max, 2)`` lower and upper bounds.
    """
    per_problem = _at_k(_matrix(outcomes, field), k_max)  # (n_problems, k_max)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, per_problem.shape[0], size=(n_boot, per_problem.shape[0]))
    curves = per_problem[picks].mean(axis=1)  # (n_boot, k_max)
    alpha = (1.0 - level) / 2
    return np.quantile(curves, [alpha, 1.0 - alpha], axis=0).T


def move_distribution(outcomes: Iterable[DialogueOutcome]) -> dict[str, float]:
    """Share of each move over all labelled tutor turns (all four moves listed)."""
    counts = Counter(m for o in outcomes for m in o.moves if m is not None)
    total = sum(counts.values()) or 1
    return {m.value: counts.get(m, 0) / total for m in Move}


def leak_rate(outcomes: Iterable[DialogueOutcome]) -> float:
    """Share of tutor turns that gave the answer away."""
    outcomes = list(outcomes)
    turns = sum(len(o.moves) for o in outcomes)
    return sum(o.leaks for o in outcomes) / turns if turns else 0.0
