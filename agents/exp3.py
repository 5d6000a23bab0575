"""EXP3 over skills, rewarded with learning progress (Teacher-Student Curriculum Learning).

Matiisen, Oliver, Cohen & Schulman (2017/2019), "Teacher-Student Curriculum Learning", IEEE
TNNLS: the teacher is a non-stationary bandit whose reward is the absolute slope of the
student's learning curve on the chosen task ("Window" estimate); with the EXP3 bandit of Auer
et al. (2002) as in Graves et al. (2017), "Automated Curriculum Learning for Neural Networks".

Steps: (1) draw a skill with probability ``(1 - gamma) * softmax(log_weights) + gamma / K``;
(2) after practice, the learning progress of the skill is the absolute slope of a line fitted
to its last ``window`` observed success rates (TSCL's "Window" estimate; or, with
``progress="reward"``, the absolute reward of the practice, i.e. the post-test gain on
Tutor-v0), scaled into ``[0, 1]`` by the largest progress seen so far; (3) EXP3 update with
the importance-weighted reward: ``log_weight += gamma * reward / (p * K)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents._bandit import SkillBanditTeacher

__all__ = ["EXP3Config", "EXP3Teacher", "Progress", "slope"]


class Progress(str, Enum):
    """The learning-progress signal the bandit is rewarded with."""

    SLOPE = "slope"  # |slope| of the skill's recent success rates (TSCL "Window")
    REWARD = "reward"  # |environment reward| of the practice


def slope(values: np.ndarray) -> float:
    """Least-squares slope of ``values`` against ``0, 1, 2, ...`` (0 for fewer than 2).

    Example:
        >>> slope(np.array([0.0, 0.5, 1.0]))
        0.5
    """
    n = len(values)
    if n < 2:
        return 0.0
    x = np.arange(n) - (n - 1) / 2
    return float(x @ (values - values.mean()) / (x @ x))


@dataclass(frozen=True)
class EXP3Config:
    """Attributes:
    gamma: Exploration share, also the EXP3 step size.
    window: Success-rate observations per skill the slope is fitted to.
    progress: The learning-progress signal (:class:`Progress`).
    """

    gamma: float = 0.1
    window: int = 5
    progress: Progress = Progress.SLOPE

    def __post_init__(self) -> None:
        if not 0.0 < self.gamma <= 1.0:
            raise ValueError(f"gamma must lie in (0, 1], got {self.gamma}")
        if self.window < 2:
            raise ValueError(f"window must be >= 2, got {self.window}")
        object.__setattr__(self, "progress", Progress(self.progress))


class EXP3Teacher(SkillBanditTeacher):
    """EXP3 bandit over skills with absolute learning progress as reward (TSCL).

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/Tutor-v0")
        >>> teacher = EXP3Teacher(env, seed=0)
        >>> obs, _ = env.reset(seed=0)
        >>> for _ in range(20):
        ...     item = teacher.act(obs)
        ...     obs, reward, *_ = env.step(item)
        ...     teacher.observe(item, reward, obs)
        >>> bool(teacher.probabilities.min() > 0)
        True
    """

    config_class = EXP3Config

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.log_weights = np.zeros(self.n_skills)
        self.largest_progress = 1e-6
        self.probabilities = np.full(self.n_skills, 1.0 / self.n_skills)

    def skill_probabilities(self, obs: np.ndarray) -> np.ndarray:
        k, gamma = self.n_skills, self.config.gamma
        w = np.exp(self.log_weights - self.log_weights.max())
        self.probabilities = (1 - gamma) * w / w.sum() + gamma / k
        return self.probabilities

    def learn(self, skill: int, rates: np.ndarray, reward: float) -> None:
        progress = abs(slope(rates) if self.config.progress is Progress.SLOPE else reward)
        self.largest_progress = max(self.largest_progress, progress)
        reward = progress / self.largest_progress
        gamma, k = self.config.gamma, self.n_skills
        self.log_weights[skill] += gamma * reward / (self.probabilities[skill] * k)
