"""Running an :class:`~edusim.experiments.spec.ExperimentSpec`: locally or on Ray, resumable.

The whole spec is checked before any trial runs (:func:`~edusim.experiments.validate.check_spec`).
Each finished (env, teacher, seed) trial is written at once, atomically, to
``OUT/jobs/<job key>.parquet``; ``resume=True`` skips trials whose file exists, so a killed run
continues where it stopped, with the same results (every trial draws only from its seed). A
trial that raises is retried up to ``retries`` times; if it still fails, its error and traceback
go to ``OUT/jobs/<job key>.failed.json`` (and ``OUT/failures.json``), the other trials go on,
and the summary counts it (column ``failed``). ``--resume`` runs failed trials again. The
combined table and one report per environment are written at the end.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import pandas as pd

from edusim.atomic import atomic_path, make_folder, write_text_atomic
from edusim.experiments.backends import InProcess, LocalPool, Outcome, RayRunner, Runner
from edusim.experiments.reaper import start_reaper
from edusim.experiments.report import write_report
from edusim.experiments.spec import ExperimentSpec, Job, safe_name
from edusim.experiments.summary import summarize
from edusim.experiments.validate import check_spec

__all__ = ["Backend", "Failure", "GridError", "GridRun", "run_grid", "run_spec"]


class GridError(RuntimeError):
    """A grid run that cannot start or continue; the message says why."""


class Backend(str, Enum):
    """Where the jobs run."""

    LOCAL = "local"
    RAY = "ray"


@dataclass(frozen=True)
class Failure:
    """A trial that failed on every attempt."""

    key: str
    env: str
    teacher: str
    seed: int
    attempts: int
    error: str
    traceback: str | None


@dataclass(frozen=True)
class GridRun:
    """What a grid run produced: the rows, the summary per (env, teacher), the failures,
    and the text of the spec's grid-wide ``[report]`` (``None`` without one)."""

    results: pd.DataFrame
    summary: pd.DataFrame
    failures: list[Failure]
    trials: int
    report: str | None = None


def _ray_runner(spec: ExperimentSpec, address: str | None) -> Runner:
    try:
        import ray
    except ImportError:
        raise GridError(
            "the ray backend needs Ray: pip install 'edusim-gym[ray]'"
        ) from None
    if not ray.is_initialized():
        # No address: a Ray of our own ("local"), never a stray cluster found on the machine;
        # the reaper kills what Ray would leave running if this process were killed.
        try:
            ray.init(address=address or "local", ignore_reinit_error=True, log_to_driver=False,
                     include_dashboard=False)
        except ConnectionError as exc:
            raise GridError(f"cannot join the Ray cluster at {address!r}: {exc}") from None
        if address is None:
            start_reaper()
    return RayRunner(ray, spec.resources)


def _runner(spec: ExperimentSpec, backend: Backend, address: str | None, workers: int) -> Runner:
    if backend is Backend.RAY:
        return _ray_runner(spec, address)
    return InProcess() if workers == 1 else LocalPool(workers)


def _write_rows(job_dir: Path, job: Job, rows: list[dict]) -> None:
    with atomic_path(job_dir / f"{job.key}.parquet") as tmp:
        pd.DataFrame(rows).to_parquet(tmp, index=False)
    (job_dir / f"{job.key}.failed.json").unlink(missing_ok=True)


def _write_failure(job_dir: Path, job: Job, attempts: int, outcome: Outcome) -> Failure:
    failure = Failure(job.key, job.env.title, job.teacher.title, job.seed, attempts,
                      outcome.error or "unknown error", outcome.traceback)
    write_text_atomic(job_dir / f"{job.key}.failed.json", json.dumps(asdict(failure), indent=2))
    return failure


def _execute(runner: Runner, todo: list[Job], job_dir: Path, retries: int,
             tick: Callable[[], None]) -> list[Failure]:
    """Run ``todo`` to the end on ``runner``, retrying failed trials; the failures."""
    attempts: dict[str, int] = {}
    failures = []
    for job in todo:
        runner.submit(job)
    try:
        for _ in range(len(todo)):
            while True:
                job, outcome = runner.next_done()
                attempts[job.key] = attempts.get(job.key, 0) + 1
                if outcome.rows is not None or attempts[job.key] > retries:
                    break
                runner.submit(job)
            if outcome.rows is not None:
                _write_rows(job_dir, job, outcome.rows)
            else:
                failures.append(_write_failure(job_dir, job, attempts[job.key], outcome))
            tick()
    finally:
        runner.close()
    return failures


def _summary(results: pd.DataFrame, spec: ExperimentSpec, failures: list[Failure]):
    failed: dict[tuple[str, str], int] = {}
    for f in failures:
        failed[(f.env, f.teacher)] = failed.get((f.env, f.teacher), 0) + 1
    summary = summarize(results, by=("env", "teacher")) if len(results) else pd.DataFrame()
    groups = pd.DataFrame(
        [{"env": e.title, "teacher": t.title, "trials": len(spec.seeds),
          "failed": failed.get((e.title, t.title), 0)} for e in spec.envs for t in spec.teachers]
    )
    if summary.empty:
        return groups
    return groups.merge(summary, on=["env", "teacher"], how="left")


def run_grid(
    spec: ExperimentSpec,
    out: str | os.PathLike,
    backend: Backend | str = Backend.LOCAL,
    address: str | None = None,
    resume: bool = False,
    workers: int | None = None,
    on_job_done: Callable[[int, int], None] | None = None,
    retries: int = 0,
    source: str = "spec",
) -> GridRun:
    """Run every trial of ``spec`` and write results and reports into ``out``.

    Args:
        spec: The grid.
        out: Output folder (``jobs/`` per-trial results and failures, ``results.csv`` /
            ``.parquet``, ``summary.csv``, ``failures.json``, a report folder per env, and
            the files of the spec's ``[report]``, e.g. ``matrix.md``).
        backend: ``local`` (worker processes on this machine) or ``ray``.
        address: Ray cluster to join (``"auto"``: the one running on this machine,
            ``"HOST:PORT"``: its head); ``None`` starts a Ray of this run's own.
        resume: Skip trials already finished in ``out``; without it, an ``out`` holding
            results is an error rather than silently mixed.
        workers: Local worker processes (``None``: one per CPU; ``1``: in this process).
        on_job_done: ``on_job_done(done, total)`` after each trial (finished ones included).
        retries: Attempts after the first for a trial that raises.
        source: Name of the spec in error messages.

    Raises:
        SpecError: When anything in the spec cannot run (before any trial starts).
        GridError: When ``out`` holds results without ``resume``, or Ray is missing.

    Example:
        >>> import tempfile
        >>> spec = ExperimentSpec.from_dict({"envs": ["edusim/Tutor-v0"],
        ...                                  "teachers": ["random"], "seeds": 2})
        >>> run = run_grid(spec, tempfile.mkdtemp(), workers=1)
        >>> len(run.results), int(run.summary.loc[0, "failed"])
        (2, 0)
    """
    backend = Backend(backend)
    if retries < 0:
        raise GridError(f"retries must be >= 0, got {retries}")
    check_spec(spec, source)
    out = Path(out)
    job_dir = out / "jobs"
    jobs = spec.jobs()
    finished = {p.stem for p in job_dir.glob("*.parquet")} if job_dir.exists() else set()
    if finished and not resume:
        raise GridError(f"{out} already holds results of {len(finished)} jobs; "
                        "pass --resume to continue, or choose another folder")
    todo = [job for job in jobs if job.key not in finished]
    make_folder(job_dir)
    done = len(jobs) - len(todo)
    if on_job_done:
        on_job_done(done, len(jobs))

    def tick() -> None:
        nonlocal done
        done += 1
        if on_job_done:
            on_job_done(done, len(jobs))

    failures: list[Failure] = []
    if todo:
        workers = min(workers or os.cpu_count() or 1, len(todo))
        failures = _execute(_runner(spec, backend, address, workers), todo, job_dir, retries,
                            tick)
    return _finish(spec, out, jobs, failures)


def _finish(spec: ExperimentSpec, out: Path, jobs: list[Job], failures: list[Failure]):
    job_dir = out / "jobs"
    parts = [pd.read_parquet(p) for p in (job_dir / f"{j.key}.parquet" for j in jobs)
             if p.exists()]
    results = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["env", "teacher", "seed", "episode"])
    with atomic_path(out / "results.parquet") as tmp:
        results.to_parquet(tmp, index=False)
    flat = results.drop(columns=["mastery_curve"], errors="ignore")
    write_text_atomic(out / "results.csv", flat.to_csv(index=False))
    summary = _summary(results, spec, failures)
    write_text_atomic(out / "summary.csv", summary.to_csv(index=False))
    write_text_atomic(out / "failures.json",
                      json.dumps([asdict(f) for f in failures], indent=2) + "\n")
    for env in spec.envs:
        part = results[results["env"] == env.title]
        if len(part):
            write_report(part, out / safe_name(env.title), title=f"{spec.name}: {env.title}")
    report = spec.report.write(results, out, spec.name) if spec.report and len(results) else None
    return GridRun(results, summary, failures, len(jobs), report)


def run_spec(spec: ExperimentSpec, out: str | os.PathLike, *args: Any,
             **kwargs: Any) -> pd.DataFrame:
    """:func:`run_grid` (same arguments), returning only the results table (a row per episode).

    Example:
        >>> import tempfile
        >>> spec = ExperimentSpec.from_dict({"envs": ["edusim/Tutor-v0"],
        ...                                  "teachers": ["random"], "seeds": 1})
        >>> len(run_spec(spec, tempfile.mkdtemp(), workers=1))
        1
    """
    return run_grid(spec, out, *args, **kwargs).results
