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
from edusim.experiments.evaluate import TeacherSpec, evaluate
from edusim.experiments.rollout import TimedTeacher, run_episode
from edusim.experiments.summary import mean_ci
from edusim.experiments.summary import summarize as summarize_episodes

__all__ = ["TaskSpaceRun", "run_task_space", "run_grid", "summarize", "compare_on_tutor"]


@dataclass(frozen=True)
class TaskSpaceRun:
    """Result of one teacher teaching one task-space learner.

    Attributes:
        teacher: Registry name of the teacher.
        seed: Seed of both the environment and the teacher.
        episodes: Tasks given.
        score: Percentage of mastered cells at the end.
        learnable_score: Percentage of the learnable cells mastered at the end.
        teacher_seconds: CPU time spent in the teacher's ``act`` and ``observe`` (CPU time,
            not wall time, so that a busy shared machine does not inflate it).
        total_seconds: Wall-clock time of the whole run (teacher and environment).
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
    """Teach one learner with ``teacher`` for ``episodes`` tasks and measure the result.

    The run is :func:`~edusim.experiments.rollout.run_episode` (one episode of ``episodes``
    steps) with the teacher timed (:class:`~edusim.experiments.rollout.TimedTeacher`) and
    the score read every ``curve_every`` steps.
    """
    env = gym.make(env_id, max_episode_steps=episodes, **dict(env_kwargs or {}))
    timed = TimedTeacher(agents.make(teacher, env, seed=seed, **dict(teacher_kwargs or {})))
    _, info = env.reset(seed=seed)  # run_episode resets with the same seed: the same learner
    curve, last = [info["score"]], [info]

    def record(step: int, step_info: dict[str, Any]) -> None:
        last[0] = step_info
        if step % curve_every == 0:
            curve.append(step_info["score"])

    start = time.perf_counter()
    run_episode(env, timed, seed, on_step=record)
    total = time.perf_counter() - start
    info, base = last[0], env.unwrapped
    return TaskSpaceRun(
        teacher, seed, episodes, info["score"], info["learnable_score"], timed.seconds, total,
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
            "teacher_cpu_s_per_1000": 1000 * sum(r.teacher_seconds for r in group) / tasks,
            "wall_s_per_1000": 1000 * sum(r.total_seconds for r in group) / tasks,
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


def compare_on_tutor(
    teachers: Iterable[str],
    seeds: Iterable[int],
    episodes: int = 1,
    ppo_path: str | None = None,
    env_id: str = "edusim/Tutor-v0",
    workers: int = 1,
) -> pd.DataFrame:
    """Learning gain (mean and 95% interval over seeds) of each teacher on a tutoring env.

    Teachers keep learning across the ``episodes`` consecutive learners of a seed (see
    :func:`edusim.experiments.evaluate`); a trained PPO policy is added as ``ppo`` when
    ``ppo_path`` is given.

    Example:
        >>> int(compare_on_tutor(["random"], [0, 1]).loc[0, "seeds"])
        2
    """
    specs: list[str | TeacherSpec] = list(teachers)
    if ppo_path:
        specs.append(TeacherSpec("ppo", {"path": ppo_path}))
    frame = evaluate(env_id, specs, list(seeds), episodes=episodes, workers=workers)
    table = summarize_episodes(frame, metrics=("learning_gain", "final_post_test"))
    return table.sort_values("learning_gain", ascending=False).reset_index(drop=True)
