"""The teacher interface every agent implements.

A teacher is a policy over an environment's action space: ``reset(seed)`` starts a run,
``act(obs)`` picks the next task, ``observe(action, reward, next_obs)`` feeds back what
happened. Task-sampling teachers (bandits, ALP-GMM) learn from ``(action, reward)`` and may
ignore the observation; RL teachers learn from everything.

Every teacher owns its ``np.random.Generator``: the same seed and the same outcomes give the
same sequence of actions. Its settings live in one frozen dataclass, :attr:`Teacher.config_class`,
built from the keyword arguments by field name (the dataclass is the one place of defaults).
Teachers are built by name from the table in :mod:`edusim.agents.registry`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np

from edusim.config import NoConfig, config_from_kwargs

__all__ = ["Teacher"]


class Teacher(ABC):
    """Base class of all teachers.

    Args:
        env: The environment the teacher will act in (read for its spaces and, where a
            teacher needs it, its curriculum); the teacher never steps it.
        seed: Seed of the teacher's own generator; ``None`` draws fresh entropy.
        **config: Fields of :attr:`config_class`, by name (an unknown name raises
            :class:`edusim.config.ConfigError`, listing the valid ones).
    """

    #: The settings dataclass; its field defaults are the teacher's defaults.
    config_class: ClassVar[type] = NoConfig
    #: Registry name; :func:`edusim.agents.make` sets it on the teachers it builds.
    name: str = ""

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        self.config = config_from_kwargs(self.config_class, config, f"{type(self).__name__}")
        self.action_space = env.action_space
        self.observation_space = env.observation_space
        self.rng = np.random.default_rng(seed)

    def reset(self, seed: int | None = None) -> None:
        """Start a new run; with a seed, restart the teacher's generator from it.

        Learned state is kept unless a subclass says otherwise (override and call super).
        """
        if seed is not None:
            self.rng = np.random.default_rng(seed)

    @abstractmethod
    def act(self, obs: Any) -> Any:
        """The next action (task) for observation ``obs``."""

    def observe(self, action: Any, reward: float, next_obs: Any) -> None:  # noqa: B027
        """Feedback after ``action``; teachers that do not learn keep this default."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
