"""ZPDES: a bandit over the zone of proximal development of a skill graph.

Clement, Roy, Oudeyer & Lopes (2015), "Multi-Armed Bandits for Intelligent Tutoring Systems",
Journal of Educational Data Mining.

Steps: (1) the zone of proximal development (ZPD) holds the skills that do not look mastered
yet but whose prerequisites all do (a skill looks mastered after ``min_attempts`` attempts
with a recent success rate of at least ``threshold``); (2) a skill of the ZPD is drawn with
probability ``(1 - gamma) * w / sum(w) + gamma / |ZPD|``; (3) after practice, its reward is
the learning progress ``mean(newer half) - mean(older half)`` of its last ``window`` success
rates, and its weight becomes ``beta * w + eta * reward`` (kept above ``min_weight``). When the
whole graph looks mastered, the least successful skill is reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents._bandit import SkillBanditTeacher

__all__ = ["ZPDESConfig", "ZPDESTeacher"]


@dataclass(frozen=True)
class ZPDESConfig:
    """Attributes:
    threshold: Recent success rate at which a skill looks mastered.
    min_attempts: Attempts needed before a skill can look mastered.
    gamma: Exploration share within the ZPD.
    beta: Weight memory (``w <- beta * w + eta * reward``).
    eta: Weight step size.
    window: Success-rate observations the learning progress is computed over.
    min_weight: Floor of a skill's weight, so no skill of the ZPD is starved.
    """

    threshold: float = 0.8
    min_attempts: int = 3
    gamma: float = 0.1
    beta: float = 0.7
    eta: float = 1.0
    window: int = 4
    min_weight: float = 0.05

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1 or self.min_attempts < 1:
            raise ValueError("need 0 < threshold <= 1 and min_attempts >= 1")
        if not 0 <= self.gamma <= 1 or not 0 <= self.beta <= 1 or self.eta <= 0:
            raise ValueError("need gamma, beta in [0, 1] and eta > 0")
        if self.window < 2 or self.min_weight <= 0:
            raise ValueError("need window >= 2 and min_weight > 0")


class ZPDESTeacher(SkillBanditTeacher):
    """Learning-progress bandit restricted to the skills just within reach (Clement et al.).

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/Tutor-v0")
        >>> teacher = ZPDESTeacher(env, seed=0)
        >>> obs, _ = env.reset(seed=0)
        >>> graph = env.unwrapped.curriculum.graph
        >>> [graph.skills[k] for k in np.flatnonzero(teacher.zpd(obs))]  # the root skills
        ['parts', 'factors']
    """

    config_class = ZPDESConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.prerequisites = self.view.curriculum.graph.prerequisite_matrix()  # [pre, skill]
        self.weights = np.ones(self.n_skills)

    def mastered(self, obs: np.ndarray) -> np.ndarray:
        """Which skills look mastered in ``obs``."""
        cfg = self.config
        rate, attempts = self.view.success_rates(obs), self.view.attempts(obs)
        return (attempts >= cfg.min_attempts) & (rate >= cfg.threshold - 1e-6)

    def zpd(self, obs: np.ndarray) -> np.ndarray:
        """Boolean mask of the zone of proximal development."""
        mastered = self.mastered(obs)
        ready = ~(self.prerequisites & ~mastered[:, None]).any(axis=0)
        return ready & ~mastered

    def skill_probabilities(self, obs: np.ndarray) -> np.ndarray:
        zone = self.zpd(obs)
        if not zone.any():  # everything looks mastered: review the weakest skill
            p = np.zeros(self.n_skills)
            p[int(np.argmin(self.view.success_rates(obs)))] = 1.0
            return p
        w = np.where(zone, self.weights, 0.0)
        return (1 - self.config.gamma) * w / w.sum() + self.config.gamma * zone / zone.sum()

    def learn(self, skill: int, rates: np.ndarray, reward: float) -> None:
        cfg = self.config
        if len(rates) < 2:
            return
        half = len(rates) // 2
        progress = rates[-half:].mean() - rates[:-half].mean()
        self.weights[skill] = max(cfg.beta * self.weights[skill] + cfg.eta * progress,
                                  cfg.min_weight)
