"""Uniformly random teacher: the baseline every curriculum paper reports."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from edusim.agents.base import Teacher

__all__ = ["RandomTeacher"]


class RandomTeacher(Teacher):
    """Picks every task uniformly at random from the action space, with its own generator.

    Works for ``Discrete`` (an item index) and ``Box`` (a point in the task box) actions.

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/Tutor-v0")
        >>> teacher = RandomTeacher(env, seed=0)
        >>> env.action_space.contains(teacher.act(None))
        True
    """

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        if not isinstance(self.action_space, spaces.Discrete | spaces.Box):
            raise TypeError(
                f"RandomTeacher supports Discrete and Box actions, not {self.action_space}"
            )

    def act(self, obs: Any) -> Any:
        space = self.action_space
        if isinstance(space, spaces.Discrete):
            return np.int64(space.start + self.rng.integers(space.n))
        return self.rng.uniform(space.low, space.high).astype(space.dtype)
