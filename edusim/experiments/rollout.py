"""One loop that runs any teacher in any environment and measures what happened.

:func:`run_episode` is that loop; hooks watch it without copying it: ``on_step`` sees every
step's ``info``, and a :class:`TimedTeacher` around the teacher counts the CPU time spent in
the teacher's ``act`` and ``observe`` (what a teacher costs, apart from the environment).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents.base import Teacher

__all__ = ["EpisodeResult", "TimedTeacher", "rollout", "run_episode"]


@dataclass
class EpisodeResult:
    """Metrics of one episode.

    Attributes:
        episode_return: Sum of rewards.
        learning_gain: Final minus initial ``info["post_test"]`` when the env reports it,
            else the return.
        initial_post_test / final_post_test: The env's post-test score (NaN if not reported).
        steps: Steps taken.
        items_to_mastery: First step at which ``info["mastery"]`` reached the mastery level
            (NaN if never, or if the env does not report mastery).
        final_mastery: ``info["mastery"]`` at the end (NaN if not reported).
        mastery_curve: ``info["mastery"]`` after reset and after every step.
    """

    episode_return: float
    learning_gain: float
    initial_post_test: float
    final_post_test: float
    steps: int
    items_to_mastery: float
    final_mastery: float
    mastery_curve: list[float] = field(default_factory=list)


class TimedTeacher(Teacher):
    """``teacher``, with the CPU time of its ``act`` and ``observe`` calls added up.

    CPU time, not wall time, so that a busy shared machine does not inflate it.

    Example:
        >>> import gymnasium as gym, edusim
        >>> from edusim import agents
        >>> env = gym.make("edusim/Tutor-v0")
        >>> timed = TimedTeacher(agents.make("random", env, seed=0))
        >>> run_episode(env, timed, seed=0).steps, timed.seconds >= 0.0
        (100, True)
    """

    def __init__(self, teacher: Teacher) -> None:  # no Teacher.__init__: nothing of its own
        self.teacher = teacher
        self.seconds = 0.0

    def reset(self, seed: int | None = None) -> None:
        self.teacher.reset(seed)

    def act(self, obs: Any) -> Any:
        start = time.process_time()
        try:
            return self.teacher.act(obs)
        finally:
            self.seconds += time.process_time() - start

    def observe(self, action: Any, reward: float, next_obs: Any) -> None:
        start = time.process_time()
        try:
            self.teacher.observe(action, reward, next_obs)
        finally:
            self.seconds += time.process_time() - start


def run_episode(
    env: gym.Env,
    teacher: Teacher,
    seed: int | None = None,
    mastery_level: float = 0.95,
    on_step: Callable[[int, dict[str, Any]], None] | None = None,
) -> EpisodeResult:
    """Run one episode of ``teacher`` in ``env`` (the env is reset with ``seed``).

    Example:
        >>> import gymnasium as gym, edusim
        >>> from edusim import agents
        >>> env = gym.make("edusim/Tutor-v0")
        >>> result = run_episode(env, agents.make("random", env, seed=0), seed=0)
        >>> result.steps
        100
    """
    obs, info = env.reset(seed=seed)
    start = float(info.get("post_test", np.nan))
    curve = [float(info["mastery"])] if "mastery" in info else []
    total, steps, reached = 0.0, 0, np.nan
    if curve and curve[0] >= mastery_level:
        reached = 0.0
    while True:
        action = teacher.act(obs)
        next_obs, reward, terminated, truncated, info = env.step(action)
        teacher.observe(action, float(reward), next_obs)
        total += float(reward)
        steps += 1
        if "mastery" in info:
            curve.append(float(info["mastery"]))
            if np.isnan(reached) and curve[-1] >= mastery_level:
                reached = float(steps)
        if on_step is not None:
            on_step(steps, info)
        obs = next_obs
        if terminated or truncated:
            break
    end = float(info.get("post_test", np.nan))
    gain = end - start if np.isfinite(start) and np.isfinite(end) else total
    final_mastery = curve[-1] if curve else np.nan
    return EpisodeResult(total, gain, start, end, steps, reached, final_mastery, curve)


def rollout(
    env: gym.Env, teacher: Teacher, seed: int, episodes: int = 1, mastery_level: float = 0.95
) -> list[EpisodeResult]:
    """``episodes`` consecutive episodes; the teacher is reset with ``seed`` once and keeps
    what it learns between episodes; the env is seeded on the first episode only."""
    teacher.reset(seed)
    return [
        run_episode(env, teacher, seed if i == 0 else None, mastery_level)
        for i in range(episodes)
    ]
