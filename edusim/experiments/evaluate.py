"""Teachers x seeds x episodes on one environment, in local worker processes."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import as_completed
from dataclasses import asdict
from typing import Any

import gymnasium as gym
import pandas as pd

from edusim.experiments.spec import EnvSpec, Job, TeacherSpec
from edusim.experiments.workers import local_pool

__all__ = ["TeacherSpec", "check_teachers", "evaluate", "run_job"]


def check_teachers(specs: Sequence[TeacherSpec]) -> None:
    """Raise before any work starts when a teacher name is not registered."""
    from edusim.agents import teacher_class

    for spec in specs:
        teacher_class(spec.name)


def run_job(job: Job, mastery_level: float = 0.95) -> list[dict[str, Any]]:
    """Run one (env, teacher, seed) job and return its rows (importable by worker processes)."""
    import edusim  # noqa: F401  (registers the env ids in a fresh worker)
    from edusim import agents
    from edusim.experiments.rollout import rollout

    env = gym.make(job.env.id, **job.env.kwargs)
    try:
        teacher = agents.make(job.teacher.name, env, seed=job.seed, **job.teacher.config)
        results = rollout(env, teacher, job.seed, job.episodes, mastery_level)
    finally:
        env.close()
    rows = []
    for episode, result in enumerate(results):
        row = {"env": job.env.title, "teacher": job.teacher.title, "seed": job.seed}
        row["episode"] = episode
        values = asdict(result)
        row["return"] = values.pop("episode_return")
        row.update(values)
        rows.append(row)
    return rows


def evaluate(
    env_id: str,
    teachers: Sequence[str | tuple[str, dict] | TeacherSpec],
    seeds: Sequence[int] | int,
    episodes: int = 1,
    env_kwargs: dict[str, Any] | None = None,
    workers: int | None = None,
    mastery_level: float = 0.95,
    on_job_done: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Evaluate teachers on an environment: one row per (teacher, seed, episode).

    Every teacher meets the same learners: episode ``e`` of seed ``s`` uses the same
    environment seed for every teacher (common random numbers), so differences between
    teachers are not luck of the draw.

    Args:
        env_id: A registered Gymnasium id, e.g. ``"edusim/Tutor-v0"``.
        teachers: Teacher names (``edusim.agents.names()``), ``(name, config)`` pairs or
            :class:`TeacherSpec` objects.
        seeds: Seeds, or a number ``n`` meaning ``range(n)``.
        episodes: Consecutive episodes per (teacher, seed); teachers keep learning across them.
        env_kwargs: Keyword arguments for ``gymnasium.make``.
        workers: Worker processes; ``None`` uses one per CPU (at most one per job), ``1`` runs
            in this process.
        mastery_level: Mean mastery counted as "mastered" for ``items_to_mastery``.
        on_job_done: Called as ``on_job_done(done, total)`` after each (teacher, seed) job.

    Returns:
        Columns ``env, teacher, seed, episode, return, learning_gain, initial_post_test,
        final_post_test, steps, items_to_mastery, mastery_curve``.

    Example:
        >>> df = evaluate("edusim/Tutor-v0", ["random", "mastery-threshold"], seeds=2, workers=1)
        >>> sorted(df["teacher"].unique()), len(df)
        (['mastery-threshold', 'random'], 4)
    """
    specs = [TeacherSpec.of(t) for t in teachers]
    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not specs or not seed_list or episodes < 1:
        raise ValueError("evaluate needs at least one teacher, one seed and one episode")
    gym.spec(env_id)  # fails early, listing close matches, on an unknown id
    check_teachers(specs)
    env = EnvSpec(env_id, dict(env_kwargs or {}))
    jobs = [Job(env, spec, seed, episodes) for spec in specs for seed in seed_list]
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    rows: list[dict[str, Any]] = []
    if workers == 1:
        for done, job in enumerate(jobs, start=1):
            rows.extend(run_job(job, mastery_level))
            if on_job_done:
                on_job_done(done, len(jobs))
    else:
        with local_pool(workers) as pool:
            futures = [pool.submit(run_job, job, mastery_level) for job in jobs]
            for done, future in enumerate(as_completed(futures), start=1):
                rows.extend(future.result())
                if on_job_done:
                    on_job_done(done, len(jobs))
    order = {spec.title: i for i, spec in enumerate(specs)}
    frame = pd.DataFrame(rows)
    frame = frame.sort_values(
        ["teacher", "seed", "episode"], key=lambda c: c.map(order) if c.name == "teacher" else c
    )
    return frame.reset_index(drop=True)
