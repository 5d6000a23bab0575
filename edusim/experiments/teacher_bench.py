"""Teacher comparisons on ``edusim/TaskSpace-v0``: one run per (teacher, seed), then a table.

A run is one learner taught for ``episodes`` tasks (one task per step); its result is the
percentage of mastered cells at the end, the wall-clock cost of the teacher per task, and the
final competence map (for :func:`~edusim.experiments.competence_maps.save_competence_maps`).

Example:
    >>> run = run_task_space("random", seed=0, episodes=200)
    >>> run.score
    0.0
    >>> summarize([run]).loc[0, "teacher"]
    'random'
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym
import numpy as np
import pandas as pd

from edusim import agents
from edusim.experiments.summary import mean_ci

__all__ = ["TaskSpaceRun", "run_task_space", "run_grid", "summarize"]


@dataclass(frozen=True)
class TaskSpaceRun:
    """Result of one teacher teaching one task-space learner.

    Attributes:
        teacher: Registry name of the teacher.
        seed: Seed of both the environment and the teacher.
        episodes: Tasks given.
        score: Percentage of mastered cells at the end.
        learnable_score: Percentage of the learnable cells mastered at the end.
        teacher_seconds: Time spent in the teacher's ``act`` and ``observe``.
        total_seconds: Time of the whole run (teacher and environment).
        competence: Final competence map.
        learnable: Which cells could be learned.
        curve: Score every ``curve_every`` tasks (first entry after 0 tasks).
    """

    teacher: str
    seed: int
    episodes: int
    score: float
    learnable_score: float
    teacher_seconds: float
    total_seconds: float
    competence: np.ndarray = field(repr=False)
    learnable: np.ndarray = field(repr=False)
    curve: tuple[float, ...] = ()


def run_task_space(
    teacher: str,
    seed: int,
    episodes: int,
    env_id: str = "edusim/TaskSpace-v0",
    env_kwargs: Mapping[str, Any] | None = None,
    teacher_kwargs: Mapping[str, Any] | None = None,
    curve_every: int = 1000,
) -> TaskSpaceRun:
    """Teach one learner with ``teacher`` for ``episodes`` tasks and measure the result."""
    env = gym.make(env_id, max_episode_steps=episodes, **dict(env_kwargs or {}))
    learner = agents.make(teacher, env, seed=seed, **dict(teacher_kwargs or {}))
    obs, info = env.reset(seed=seed)
    curve, in_teacher = [info["score"]], 0.0
    start = time.perf_counter()
    for step in range(1, episodes + 1):
        tick = time.perf_counter()
        task = learner.act(obs)
        middle = time.perf_counter()
        obs, reward, _, _, info = env.step(task)
        tock = time.perf_counter()
        learner.observe(task, reward, obs)
        in_teacher += (middle - tick) + (time.perf_counter() - tock)
        if step % curve_every == 0:
            curve.append(info["score"])
    total = time.perf_counter() - start
    base = env.unwrapped
    return TaskSpaceRun(
        teacher, seed, episodes, info["score"], info["learnable_score"], in_teacher, total,
        base.competence_map(), base.learnable_map(), tuple(curve),
    )


def summarize(runs: Iterable[TaskSpaceRun]) -> pd.DataFrame:
    """One row per teacher: mastered % mean and 95% interval, per-seed scores, costs."""
    rows = []
    by_teacher: dict[str, list[TaskSpaceRun]] = {}
    for run in runs:
        by_teacher.setdefault(run.teacher, []).append(run)
    for name, group in by_teacher.items():
        mean, low, high = mean_ci(np.array([r.score for r in group]))
        tasks = sum(r.episodes for r in group)
        rows.append({
            "teacher": name,
            "seeds": len(group),
            "mastered_mean": mean,
            "ci_low": low,
            "ci_high": high,
            "per_seed": " / ".join(f"{r.score:.0f}" for r in sorted(group, key=lambda r: r.seed)),
            "teacher_s_per_1000": 1000 * sum(r.teacher_seconds for r in group) / tasks,
            "total_s_per_1000": 1000 * sum(r.total_seconds for r in group) / tasks,
        })
    return pd.DataFrame(rows)


def run_grid(
    teachers: Iterable[str],
    seeds: Iterable[int],
    episodes: int,
    env_kwargs: Mapping[str, Any] | None = None,
    teacher_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
    on_run: Callable[[TaskSpaceRun], None] | None = None,
) -> list[TaskSpaceRun]:
    """:func:`run_task_space` for every teacher and seed; ``on_run`` sees each result."""
    runs = []
    for name in teachers:
        for seed in seeds:
            run = run_task_space(
                name, seed, episodes, env_kwargs=env_kwargs,
                teacher_kwargs=(teacher_kwargs or {}).get(name),
            )
            runs.append(run)
            if on_run is not None:
                on_run(run)
    return runs
