"""Reading the ``edusim/Tutor-v0`` observation the way a teacher would."""

from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym
import numpy as np

from edusim.curriculum import Curriculum

__all__ = ["TutorView"]


@dataclass(frozen=True)
class TutorView:
    """What a hand-written teacher needs to know about a tutoring environment.

    Attributes:
        curriculum: The environment's curriculum (skills, prerequisites, items).
        attempts_cap: Attempts at which the observation's attempts feature saturates.
    """

    curriculum: Curriculum
    attempts_cap: int

    @classmethod
    def of(cls, env: gym.Env) -> TutorView:
        base = env.unwrapped
        curriculum = getattr(base, "curriculum", None)
        config = getattr(base, "config", None)
        if not isinstance(curriculum, Curriculum) or config is None:
            raise TypeError(
                f"this teacher needs a tutoring environment with a curriculum, got {base!r}"
            )
        return cls(curriculum, config.attempts_cap)

    def success_rates(self, obs: np.ndarray) -> np.ndarray:
        """Recent success rate per skill."""
        return np.asarray(obs[: self.curriculum.n_skills], dtype=np.float64)

    def attempts(self, obs: np.ndarray) -> np.ndarray:
        """Attempts per skill (exact below ``attempts_cap``)."""
        k = self.curriculum.n_skills
        return np.rint(np.asarray(obs[k : 2 * k], dtype=np.float64) * self.attempts_cap)

    def items_by_skill(self) -> list[np.ndarray]:
        """Practice items that exercise exactly one skill, per skill (all items if none)."""
        q = self.curriculum.q_matrix
        single = q.sum(axis=1) == 1
        items = []
        for k in range(q.shape[1]):
            only_k = q[:, k] & single
            items.append(np.flatnonzero(only_k if only_k.any() else q[:, k]))
        return items
