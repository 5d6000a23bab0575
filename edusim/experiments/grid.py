"""Running an :class:`~edusim.experiments.spec.ExperimentSpec`: locally or on Ray, resumable.

Each finished (env, teacher, seed) job is written at once, atomically, to
``OUT/jobs/<job key>.parquet``; ``resume=True`` skips jobs whose file exists, so a killed run
continues where it stopped. The combined table and one report per environment are written at
the end.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from enum import Enum
from pathlib import Path

import pandas as pd

from edusim.atomic import atomic_path, write_text_atomic
from edusim.experiments.evaluate import check_teachers, run_job
from edusim.experiments.report import write_report
from edusim.experiments.spec import ExperimentSpec, Job
from edusim.experiments.summary import summarize

__all__ = ["Backend", "run_spec", "GridError"]


class GridError(RuntimeError):
    """A grid run that cannot start or continue; the message says why."""


class Backend(str, Enum):
    """Where the jobs run."""

    LOCAL = "local"
    RAY = "ray"


def _run_local(jobs: list[Job], workers: int) -> Iterator[tuple[Job, list[dict]]]:
    if workers == 1:
        for job in jobs:
            yield job, run_job(job)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _run_ray(jobs: list[Job], address: str | None) -> Iterator[tuple[Job, list[dict]]]:
    try:
        import ray
    except ImportError:
        raise GridError(
            "the ray backend needs Ray: pip install 'edusim-gym[ray]'"
        ) from None
    if not ray.is_initialized():
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
    remote = ray.remote(run_job)
    pending = {remote.remote(job): job for job in jobs}
    while pending:
        done, _ = ray.wait(list(pending), num_returns=1)
        for ref in done:
            yield pending.pop(ref), ray.get(ref)


def run_spec(
    spec: ExperimentSpec,
    out: str | os.PathLike,
    backend: Backend | str = Backend.LOCAL,
    address: str | None = None,
    resume: bool = False,
    workers: int | None = None,
    on_job_done: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Run every job of ``spec`` and write results and reports into ``out``.

    Args:
        spec: The grid.
        out: Output folder (``jobs/`` per-job results, ``results.csv``/``.parquet``,
            ``summary.csv``, and a report folder per environment).
        backend: ``local`` (worker processes on this machine) or ``ray``.
        address: Ray cluster address (``None`` starts or joins a local Ray).
        resume: Skip jobs already finished in ``out``; without it, an ``out`` holding
            results is an error rather than silently mixed.
        workers: Local worker processes (``None``: one per CPU).
        on_job_done: ``on_job_done(done, total)`` after each job (finished ones included).

    Example:
        >>> import tempfile
        >>> spec = ExperimentSpec.from_dict({"envs": ["edusim/Tutor-v0"],
        ...                                  "teachers": ["random"], "seeds": 1})
        >>> len(run_spec(spec, tempfile.mkdtemp(), workers=1))
        1
    """
    backend = Backend(backend)
    check_teachers(spec.teachers)
    out = Path(out)
    job_dir = out / "jobs"
    jobs = spec.jobs()
    finished = {p.stem for p in job_dir.glob("*.parquet")} if job_dir.exists() else set()
    if finished and not resume:
        raise GridError(f"{out} already holds results of {len(finished)} jobs; "
                        "pass --resume to continue, or choose another folder")
    todo = [job for job in jobs if job.key not in finished]
    job_dir.mkdir(parents=True, exist_ok=True)
    done = len(jobs) - len(todo)
    if on_job_done:
        on_job_done(done, len(jobs))
    if todo:
        if backend is Backend.RAY:
            stream = _run_ray(todo, address)
        else:
            stream = _run_local(todo, min(workers or os.cpu_count() or 1, len(todo)))
        for job, rows in stream:
            with atomic_path(job_dir / f"{job.key}.parquet") as tmp:
                pd.DataFrame(rows).to_parquet(tmp, index=False)
            done += 1
            if on_job_done:
                on_job_done(done, len(jobs))
    results = pd.concat(
        [pd.read_parquet(job_dir / f"{job.key}.parquet") for job in jobs], ignore_index=True
    )
    with atomic_path(out / "results.parquet") as tmp:
        results.to_parquet(tmp, index=False)
    flat = results.drop(columns=["mastery_curve"], errors="ignore")
    write_text_atomic(out / "results.csv", flat.to_csv(index=False))
    write_text_atomic(
        out / "summary.csv", summarize(results, by=("env", "teacher")).to_csv(index=False)
    )
    for env in spec.envs:
        part = results[results["env"] == env.title]
        folder = "".join(c if c.isalnum() or c in "-." else "_" for c in env.title)
        write_report(part, out / folder, title=f"{spec.name}: {env.title}")
    return results
