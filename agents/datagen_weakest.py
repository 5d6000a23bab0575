"""Weakest-skill-first: the whole budget goes to the arm the student is worst at.

A greedy state-aware rule (the "target the weak skills" hypothesis of DataEnvGym's skill-list
agents): each round, the ``top`` arms with the lowest held-out accuracy (on the open env: the
most sampled errors) share the budget. On the skill tree, a weakest skill that still has
undiscovered sub-skills is explored first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents._datagen import DataGenTeacher

__all__ = ["WeakestFirstConfig", "WeakestFirstTeacher"]


@dataclass(frozen=True)
class WeakestFirstConfig:
    """Attributes:
    top: How many of the weakest arms share the budget.
    """

    top: int = 1


class WeakestFirstTeacher(DataGenTeacher):
    config_class = WeakestFirstConfig

    """All examples to the weakest arm(s).

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/DataGenSkillList-v0", eval_per_subskill=1,
        ...                student={"d_model": 8, "n_heads": 2, "n_layers": 1, "steps": 1})
        >>> obs = np.array([0.9, 0.1, 0.5, 0.5, 0.5, 0.5] + [0.0] * 7, np.float32)
        >>> WeakestFirstTeacher(env, seed=0).act(obs).tolist()
        [0.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    """

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        if self.config.top < 1:
            raise ValueError("top must be >= 1")

    def plan(self, obs: Any) -> tuple[np.ndarray, bool]:
        chosen = self.weakest(obs, self.config.top)
        weights = np.zeros(len(self.arms))
        weights[chosen] = 1.0
        explore = bool(self.datagen.explorable(obs)[chosen].all())
        return weights, explore
