"""Mastery-threshold teacher: the strong hand-written baseline (mastery learning).

Bloom's mastery learning, as used in cognitive tutors (Corbett & Anderson 1995): practise a
skill until the learner's recent success rate passes a threshold, and only start a skill once
its prerequisites look mastered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents.base import Teacher
from edusim.envs.tutor_obs import TutorView

__all__ = ["MasteryThresholdConfig", "MasteryThresholdTeacher"]


@dataclass(frozen=True)
class MasteryThresholdConfig:
    """Attributes:
    threshold: Recent success rate at which a skill looks mastered.
    min_attempts: Attempts needed before a skill can look mastered.
    """

    threshold: float = 0.8
    min_attempts: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1:
            raise ValueError(f"threshold must lie in (0, 1], got {self.threshold}")
        if self.min_attempts < 1:
            raise ValueError(f"min_attempts must be >= 1, got {self.min_attempts}")


class MasteryThresholdTeacher(Teacher):
    """Practises the first skill (in prerequisite order) that is ready but not yet mastered.

    A skill *looks mastered* when it has at least ``min_attempts`` attempts and a recent success
    rate of at least ``threshold``; it is *ready* when all its prerequisites look mastered.
    Items of the chosen skill are drawn at random from the teacher's generator. Once everything
    looks mastered it reviews the skill with the lowest recent success rate.

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/Tutor-v0")
        >>> teacher = MasteryThresholdTeacher(env, seed=0)
        >>> obs, _ = env.reset(seed=0)
        >>> env.unwrapped.curriculum.items[int(teacher.act(obs))].skills
        ('parts',)
    """

    config_class = MasteryThresholdConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.view = TutorView.of(env)
        graph = self.view.curriculum.graph
        self.order = np.array(graph.topological_indices())
        self.prerequisites = graph.prerequisite_matrix()  # [pre, skill]
        self.items = self.view.items_by_skill()

    def mastered(self, obs: np.ndarray) -> np.ndarray:
        """Which skills look mastered in ``obs``."""
        rate, attempts = self.view.success_rates(obs), self.view.attempts(obs)
        return (attempts >= self.config.min_attempts) & (rate >= self.config.threshold - 1e-6)

    def choose_skill(self, obs: np.ndarray) -> int:
        mastered = self.mastered(obs)
        ready = ~(self.prerequisites & ~mastered[:, None]).any(axis=0)
        candidates = [k for k in self.order if ready[k] and not mastered[k]]
        if candidates:
            return int(candidates[0])
        return int(np.argmin(self.view.success_rates(obs)))

    def act(self, obs: Any) -> np.int64:
        items = self.items[self.choose_skill(np.asarray(obs))]
        return np.int64(items[self.rng.integers(len(items))])
