"""The teacher interface every agent implements, and the registry that builds them by name.

A teacher is a policy over an environment's action space: ``reset(seed)`` starts a run,
``act(obs)`` picks the next task, ``observe(action, reward, next_obs)`` feeds back what
happened. Task-sampling teachers (bandits, ALP-GMM) learn from ``(action, reward)`` and may
ignore the observation; RL teachers learn from everything.

Every teacher owns its ``np.random.Generator``: the same seed and the same outcomes give the
same sequence of actions.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

import gymnasium as gym
import numpy as np

__all__ = ["Teacher", "TeacherFactory", "compatible", "register", "make", "names", "teacher_class"]


class Teacher(ABC):
    """Base class of all teachers.

    Args:
        env: The environment the teacher will act in (read for its spaces and, where a
            teacher needs it, its curriculum); the teacher never steps it.
        seed: Seed of the teacher's own generator; ``None`` draws fresh entropy.
    """

    #: Registry name, set by :func:`register`.
    name: str = ""

    def __init__(self, env: gym.Env, seed: int | None = None) -> None:
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


TeacherFactory = Callable[..., Teacher]
_REGISTRY: dict[str, TeacherFactory] = {}


def register(name: str) -> Callable[[type[Teacher]], type[Teacher]]:
    """Class decorator: make the teacher buildable as ``edusim.agents.make(name, env)``."""
    if name != name.lower() or " " in name or "_" in name:
        raise ValueError(f"teacher names are lower-case and hyphenated, got {name!r}")

    def decorator(cls: type[Teacher]) -> type[Teacher]:
        if name in _REGISTRY:
            raise ValueError(f"teacher {name!r} is already registered")
        cls.name = name
        _REGISTRY[name] = cls
        return cls

    return decorator


def names() -> list[str]:
    """Registered teacher names, sorted."""
    return sorted(_REGISTRY)


def teacher_class(name: str) -> TeacherFactory:
    """The class (factory) registered as ``name``; raises like :func:`make` when unknown."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown teacher {name!r}; valid teachers: {names()}") from None


def make(name: str, env: gym.Env, seed: int | None = None, **config: Any) -> Teacher:
    """Build teacher ``name`` for ``env``; ``config`` goes to its config dataclass.

    Raises:
        ValueError: For an unknown name (the message lists the valid ones) or bad config.
    """
    factory = teacher_class(name)
    try:
        return factory(env, seed=seed, **config)
    except TypeError as exc:
        raise ValueError(f"bad configuration for teacher {name!r}: {exc}") from None


def compatible(env: gym.Env) -> list[str]:
    """Teachers that can act in ``env`` with their default configuration, sorted.

    A teacher that needs settings to exist at all (``ppo`` needs a trained policy file) is
    not listed. Building a teacher is cheap: no environment step is taken.

    Example:
        >>> import gymnasium as gym, edusim
        >>> from edusim import agents
        >>> usable = compatible(gym.make("edusim/Tutor-v0"))
        >>> "mastery-threshold" in usable, "alp-gmm" in usable
        (True, False)
    """
    usable = []
    for name in names():
        try:
            make(name, env, seed=0)
        except ValueError:
            continue
        usable.append(name)
    return usable
