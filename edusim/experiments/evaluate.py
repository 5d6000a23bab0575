"""Teachers x seeds x episodes on one environment, in local worker processes."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from typing import Any

import gymnasium as gym
import pandas as pd

__all__ = ["TeacherSpec", "evaluate", "run_job"]


@dataclass(frozen=True)
class TeacherSpec:
    """A teacher to evaluate: registry name, configuration and the label used in tables."""

    name: str
    config: dict[str, Any] = field(default_factory=dict)
    label: str | None = None

    @property
    def title(self) -> str:
        return self.label or self.name

    @classmethod
    def of(cls, teacher: str | tuple[str, dict] | TeacherSpec) -> TeacherSpec:
        if isinstance(teacher, TeacherSpec):
            return teacher
        if isinstance(teacher, str):
            return cls(teacher)
        name, config = teacher
        return cls(name, dict(config))


@dataclass(frozen=True)
class _Job:
    env_id: str
    env_kwargs: dict[str, Any]
    teacher: TeacherSpec
    seed: int
    episodes: int
    mastery_level: float


def run_job(job: _Job) -> list[dict[str, Any]]:
    """Run one (teacher, seed) job and return its rows (importable by worker processes)."""
    import edusim  # noqa: F401  (registers the env ids in a fresh worker)
    from edusim import agents
    from edusim.experiments.rollout import rollout

    env = gym.make(job.env_id, **job.env_kwargs)
    try:
        teacher = agents.make(job.teacher.name, env, seed=job.seed, **job.teacher.config)
        results = rollout(env, teacher, job.seed, job.episodes, job.mastery_level)
    finally:
        env.close()
    rows = []
    for episode, result in enumerate(results):
        row = {"env": job.env_id, "teacher": job.teacher.title, "seed": job.seed}
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
    jobs = [
        _Job(env_id, dict(env_kwargs or {}), spec, seed, episodes, mastery_level)
        for spec in specs
        for seed in seed_list
    ]
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    rows: list[dict[str, Any]] = []
    if workers == 1:
        for done, job in enumerate(jobs, start=1):
            rows.extend(run_job(job))
            if on_job_done:
                on_job_done(done, len(jobs))
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(run_job, job) for job in jobs]
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
