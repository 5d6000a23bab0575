"""Weakest-skill-first: the whole budget goes to the arm the student is worst at.

A greedy state-aware rule (the "target the weak skills" hypothesis of DataEnvGym's skill-list
agents): each round, the ``top`` arms with the lowest held-out accuracy (on the open env: the
most sampled errors) share the budget. On the skill tree, a weakest skill that still has
undiscovered sub-skills is explored first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from edusim.agents._datagen import DataGenTeacher
from edusim.config import check_at_least

__all__ = ["WeakestFirstConfig", "WeakestFirstTeacher"]


@dataclass(frozen=True)
class WeakestFirstConfig:
    """Attributes:
    top: How many of the weakest arms share the budget.
    """

    top: int = 1

    def __post_init__(self) -> None:
        check_at_least(self, ("top",), 1)


class WeakestFirstTeacher(DataGenTeacher):
    """All examples to the weakest arm(s).

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/DataGenSkillList-v0", eval_per_subskill=1,
        ...                student={"d_model": 8, "n_heads": 2, "n_layers": 1, "steps": 1})
        >>> obs = np.array([0.9, 0.1, 0.5, 0.5, 0.5, 0.5] + [0.0] * 7, np.float32)
        >>> WeakestFirstTeacher(env, seed=0).act(obs).tolist()
        [0.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    """

    config_class = WeakestFirstConfig

    def plan(self, obs: Any) -> tuple[np.ndarray, bool]:
        chosen = self.weakest(obs, self.config.top)
        weights = np.zeros(len(self.arms))
        weights[chosen] = 1.0
        explore = bool(self.datagen.explorable(obs)[chosen].all())
        return weights, explore
