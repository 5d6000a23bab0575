"""The ``edusim/Tutor-v0`` observation layout: written by the env, read by teachers.

:class:`TutorObs` is the one place that says where each feature sits in the observation
vector; :class:`~edusim.envs.tutor_batch.TutorBatch` writes through it and hand-written
teachers read through :class:`TutorView` (``TutorView.of(env)``).

Example:
    >>> layout = TutorObs(n_skills=2, attempts_cap=10)
    >>> obs = np.array([0.5, 1.0, 0.3, 0.1, 0.02], dtype=np.float32)
    >>> layout.success_rates(obs).tolist(), layout.attempts(obs).tolist()
    ([0.5, 1.0], [3.0, 1.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import gymnasium as gym
import numpy as np

from edusim.curriculum import Curriculum

__all__ = ["TutorObs", "TutorView"]


@dataclass(frozen=True)
class TutorObs:
    """Where each feature of a tutoring observation sits (``K`` = ``n_skills``).

    Attributes:
        n_skills: Skills of the curriculum.
        attempts_cap: Attempts at which the attempts feature saturates at 1.
        observe_mastery: Whether the hidden mastery per skill is appended.
    """

    n_skills: int
    attempts_cap: int
    observe_mastery: bool = False

    @property
    def rates(self) -> slice:
        """Recent success rate per skill: ``0 .. K-1``."""
        return slice(0, self.n_skills)

    @property
    def tries(self) -> slice:
        """Attempts per skill over ``attempts_cap``: ``K .. 2K-1``."""
        return slice(self.n_skills, 2 * self.n_skills)

    @property
    def time(self) -> int:
        """Steps so far over ``time_scale``: index ``2K``."""
        return 2 * self.n_skills

    @property
    def mastery_slice(self) -> slice:
        """Hidden mastery per skill (with ``observe_mastery``): ``2K+1 ..``."""
        return slice(2 * self.n_skills + 1, 3 * self.n_skills + 1)

    @property
    def size(self) -> int:
        """Length of the observation vector."""
        return 2 * self.n_skills + 1 + (self.n_skills if self.observe_mastery else 0)

    def success_rates(self, obs: np.ndarray) -> np.ndarray:
        """Recent success rate per skill (``(..., K)`` for a batch)."""
        return np.asarray(obs[..., self.rates], dtype=np.float64)

    def attempts(self, obs: np.ndarray) -> np.ndarray:
        """Attempts per skill (exact below ``attempts_cap``)."""
        return np.rint(np.asarray(obs[..., self.tries], dtype=np.float64) * self.attempts_cap)


@dataclass(frozen=True)
class TutorView(TutorObs):
    """What a hand-written teacher needs to know about a tutoring environment: the
    observation layout and the curriculum it describes.

    Attributes:
        curriculum: The environment's curriculum (skills, prerequisites, items).
    """

    curriculum: Curriculum | None = None

    @classmethod
    def of(cls, env: gym.Env) -> TutorView:
        """The view of a tutoring env (or a wrapper of one); ``TypeError`` for other envs."""
        base = env.unwrapped
        curriculum = getattr(base, "curriculum", None)
        config = getattr(base, "config", None)
        if not isinstance(curriculum, Curriculum) or config is None:
            raise TypeError(
                "this teacher needs a tutoring environment with a curriculum, got "
                f"{type(base).__name__}"
            )
        return cls(curriculum.n_skills, config.attempts_cap, config.observe_mastery, curriculum)

    def items_by_skill(self) -> list[np.ndarray]:
        """Practice items that exercise exactly one skill, per skill (all items if none)."""
        q = self.curriculum.q_matrix
        single = q.sum(axis=1) == 1
        items = []
        for k in range(q.shape[1]):
            only_k = q[:, k] & single
            items.append(np.flatnonzero(only_k if only_k.any() else q[:, k]))
        return items
