"""The base of the DataGen teachers: arms, weaknesses and actions read from the env.

The three DataGen environments (``edusim/DataGenOpen-v0``, ``DataGenSkillList-v0``,
``DataGenSkillTree-v0``) expose one teacher interface on ``env.unwrapped.datagen``: ``arms``
(skills, sub-skills or tree nodes), ``weakness(obs)`` (per arm, ``nan`` where the teacher
cannot act yet), ``explorable(obs)`` and ``action_for(weights, explore)``. A DataGen teacher
decides weights over arms; the env turns them into its own action, so every teacher runs in
every DataGen env.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents.base import Teacher

__all__ = ["DataGenTeacher"]


class DataGenTeacher(Teacher):
    """Base of teachers that allocate generated examples over a DataGen env's arms.

    Raises:
        ValueError: When ``env`` is not a DataGen environment.
    """

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.datagen = getattr(env.unwrapped, "datagen", None)
        if self.datagen is None:
            raise ValueError(f"{type(self).__name__} needs a DataGen environment "
                             f"(edusim/DataGen*-v0), got {type(env.unwrapped).__name__}")
        self.arms = list(self.datagen.arms)

    def act(self, obs: Any) -> np.ndarray:
        weights, explore = self.plan(obs)
        return self.datagen.action_for(weights, explore)

    @abstractmethod
    def plan(self, obs: Any) -> tuple[np.ndarray, bool]:
        """Weights over the arms for this round, and whether to explore."""

    def weakest(self, obs: Any, top: int = 1) -> np.ndarray:
        """Indices of the ``top`` weakest arms the teacher can act on (ties broken at random)."""
        need = self.datagen.weakness(obs)
        noise = self.rng.random(len(need)) * 1e-9
        order = np.argsort(-(np.nan_to_num(need, nan=-1.0) + noise), kind="stable")
        return order[:top]
