"""Where grid trials run: in this process, in local worker processes, or on Ray.

Each backend takes trials with :meth:`~Runner.submit` and hands back finished ones, in the
order they finish, with :meth:`~Runner.next_done`. A trial's own exception never escapes: the
worker catches it and returns an :class:`Outcome` with the error and its traceback, so the
driver can record it and retry. A worker process that dies (killed, out of memory, a lost Ray
node) is the backend's business: the local pool is rebuilt and its trials resubmitted; Ray
reruns them itself (``max_retries``).
"""

from __future__ import annotations

import traceback
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from edusim.experiments.spec import Job, Resources
from edusim.experiments.workers import local_pool

__all__ = ["Outcome", "Runner", "InProcess", "LocalPool", "RayRunner", "attempt", "LOST_RERUNS"]

#: How often a trial whose worker process died is rerun before it counts as failed.
LOST_RERUNS = 3


@dataclass(frozen=True)
class Outcome:
    """A finished attempt: rows, or the error (one line) and its traceback."""

    rows: list[dict[str, Any]] | None
    error: str | None = None
    traceback: str | None = None


def attempt(job: Job) -> Outcome:
    """Run ``job`` once; its exception becomes the outcome (importable by workers)."""
    from edusim.experiments.evaluate import run_job

    try:
        return Outcome(run_job(job))
    except Exception as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}", traceback.format_exc())


class Runner:
    """The interface of a backend."""

    def submit(self, job: Job) -> None:
        raise NotImplementedError

    def next_done(self) -> tuple[Job, Outcome]:
        """Block until some submitted trial finishes."""
        raise NotImplementedError

    def close(self) -> None:  # noqa: B027 (nothing to release by default)
        """Release workers."""


class InProcess(Runner):
    """Trials one after another in this process."""

    def __init__(self) -> None:
        self.queue: deque[Job] = deque()

    def submit(self, job: Job) -> None:
        self.queue.append(job)

    def next_done(self) -> tuple[Job, Outcome]:
        job = self.queue.popleft()
        return job, attempt(job)


class LocalPool(Runner):
    """Worker processes on this machine; they die with this process."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = local_pool(workers)
        self.futures: dict[Future, Job] = {}
        self.lost: dict[str, int] = {}
        self.ready: deque[tuple[Job, Outcome]] = deque()

    def submit(self, job: Job) -> None:
        self.futures[self.pool.submit(attempt, job)] = job

    def next_done(self) -> tuple[Job, Outcome]:
        while not self.ready:
            done, _ = wait(list(self.futures), return_when=FIRST_COMPLETED)
            future = next(iter(done))
            try:
                self.ready.append((self.futures[future], future.result()))
                del self.futures[future]
            except BrokenProcessPool:
                self._rebuild()
        return self.ready.popleft()

    def _rebuild(self) -> None:
        """A worker died and took the pool with it: every trial in flight is suspect. Start a
        new pool and resubmit them, except those lost too often (they fail)."""
        in_flight = list(self.futures.values())
        self.futures.clear()
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = local_pool(self.workers)
        for job in in_flight:
            self.lost[job.key] = self.lost.get(job.key, 0) + 1
            if self.lost[job.key] > LOST_RERUNS:
                message = f"its worker process died {self.lost[job.key]} times"
                self.ready.append((job, Outcome(None, message)))
            else:
                self.submit(job)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class RayRunner(Runner):
    """Trials as Ray tasks that declare their resources; Ray reruns those of lost workers."""

    def __init__(self, ray: Any, resources: Resources) -> None:
        self.ray = ray
        self.remote = ray.remote(
            num_cpus=resources.num_cpus,
            num_gpus=resources.num_gpus,
            max_retries=LOST_RERUNS,  # system failures only: a trial's own error is an Outcome
            retry_exceptions=False,
        )(attempt)
        self.refs: dict[Any, Job] = {}

    def submit(self, job: Job) -> None:
        self.refs[self.remote.remote(job)] = job

    def next_done(self) -> tuple[Job, Outcome]:
        (ref,), _ = self.ray.wait(list(self.refs), num_returns=1)
        job = self.refs.pop(ref)
        try:
            return job, self.ray.get(ref)
        except Exception as exc:  # Ray gave up: the worker died LOST_RERUNS + 1 times
            return job, Outcome(None, f"{type(exc).__name__}: {exc}".splitlines()[0])

    def close(self) -> None:
        for ref in self.refs:
            self.ray.cancel(ref, force=True)
