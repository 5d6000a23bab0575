"""Uniform allocation: every arm the teacher can act on gets the same share of the budget.

The simplest allocation baseline of DataEnvGym-style environments; it reads the observation
only to know which arms exist (on the skill tree: the skills and discovered sub-skills).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from edusim.agents._datagen import DataGenTeacher

__all__ = ["UniformAllocationTeacher"]


class UniformAllocationTeacher(DataGenTeacher):
    """The budget split evenly over the arms that can be fed.

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/DataGenSkillList-v0", eval_per_subskill=1,
        ...                student={"d_model": 8, "n_heads": 2, "n_layers": 1, "steps": 1})
        >>> obs, _ = env.reset(seed=0)
        >>> UniformAllocationTeacher(env, seed=0).act(obs).tolist()
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """

    def plan(self, obs: Any) -> tuple[np.ndarray, bool]:
        return (~np.isnan(self.datagen.weakness(obs))).astype(np.float64), False
