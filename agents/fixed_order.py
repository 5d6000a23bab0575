"""Fixed-order teacher: the textbook sequence, skill by skill in prerequisite order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents.base import Teacher
from edusim.envs.tutor_obs import TutorView

__all__ = ["FixedOrderConfig", "FixedOrderTeacher"]


@dataclass(frozen=True)
class FixedOrderConfig:
    """Attributes:
    steps_per_skill: Items given for each skill before moving on to the next.
    """

    steps_per_skill: int = 4

    def __post_init__(self) -> None:
        if self.steps_per_skill < 1:
            raise ValueError(f"steps_per_skill must be >= 1, got {self.steps_per_skill}")


class FixedOrderTeacher(Teacher):
    """Walks the skills in topological order, ``steps_per_skill`` items each, then repeats.

    It ignores the learner's answers: the curriculum a textbook imposes.

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/Tutor-v0")
        >>> teacher = FixedOrderTeacher(env, seed=0, steps_per_skill=2)
        >>> obs, _ = env.reset(seed=0)
        >>> first = env.unwrapped.curriculum.items[int(teacher.act(obs))]
        >>> first.skills
        ('parts',)
    """

    config_class = FixedOrderConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.view = TutorView.of(env)
        self.order = self.view.curriculum.graph.topological_indices()
        self.items = self.view.items_by_skill()
        self.t = 0

    def reset(self, seed: int | None = None) -> None:
        super().reset(seed)
        self.t = 0

    def act(self, obs: Any) -> np.int64:
        position = (self.t // self.config.steps_per_skill) % len(self.order)
        skill = self.order[position]
        items = self.items[skill]
        self.t += 1
        return np.int64(items[(self.t - 1) % len(items)])
