"""Grid-runner benchmark: what ``edusim run`` costs per trial on top of the trials themselves.

A grid of ``--trials`` trials (one Tutor-v0 episode each, plus a sleep that brings a trial to
about ``--trial-s`` seconds) runs four ways in one process, side by side:

- a plain loop calling the trial function (the baseline: no runner at all),
- ``run_grid`` on the local backend with 1 worker (in this process) and with 2 worker
  processes,
- ``run_grid`` on a local Ray instance with 2 CPUs (one CPU per trial).

For each: wall time, trials/s, start-up (time to the first result minus one trial: process
spawning or Ray scheduling) and the steady overhead per trial (the time between the first and
the last result, per worker slot and per trial, minus the trial itself). Scaling is the
speed-up over the 1-worker run. Sleep-based trials measure the runner, not the CPU, so the
figures hold on a loaded machine; ``--cpu`` makes the trials pure CPU work instead (scaling
then needs two idle cores). Ray's own start-up is reported apart.

Usage::

    python benchmarks/runner.py [--trials 200] [--trial-s 1.0] [--cpu] [--no-ray]

Targets: overhead below 50 ms per trial locally and 100 ms on Ray; near-linear scaling to 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Worker processes and Ray workers import the trial env as benchmarks.trial_env.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
sys.path.insert(0, str(ROOT))

from benchmarks.trial_env import ENV_ID, calibrate  # noqa: E402
from edusim.experiments.evaluate import run_job  # noqa: E402
from edusim.experiments.grid import run_grid  # noqa: E402
from edusim.experiments.spec import ExperimentSpec  # noqa: E402


def _spec(trials: int, sleep_s: float, spin_s: float) -> ExperimentSpec:
    return ExperimentSpec.from_dict({
        "name": "runner-bench", "seeds": trials, "teachers": ["random"],
        "envs": [{"id": ENV_ID, "kwargs": {"sleep_s": sleep_s, "spin_s": spin_s}}],
    })


def _timed_grid(spec: ExperimentSpec, **options) -> tuple[float, list[float]]:
    stamps: list[float] = []
    start = time.perf_counter()

    def tick(done: int, total: int) -> None:
        if done:
            stamps.append(time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as out:
        run_grid(spec, out, on_job_done=tick, **options)
    return time.perf_counter() - start, stamps


def _row(name: str, slots: int, wall: float, stamps: list[float], trial_s: float,
         base_wall: float | None) -> dict:
    n = len(stamps)
    steady = (stamps[-1] - stamps[slots - 1]) * slots / max(1, n - slots)
    return {
        "backend": name, "workers": slots, "trials": n, "wall s": wall, "trials/s": n / wall,
        "start-up s": stamps[0] - trial_s, "overhead ms/trial": (steady - trial_s) * 1000,
        "speed-up vs 1 worker": (base_wall / wall) if base_wall else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--trial-s", type=float, default=1.0, help="Seconds per trial.")
    parser.add_argument("--cpu", action="store_true", help="Busy trials instead of sleeps.")
    parser.add_argument("--no-ray", action="store_true", help="Skip the Ray row.")
    args = parser.parse_args()

    episode_s = calibrate()
    sleep_s = 0.0 if args.cpu else max(0.0, args.trial_s - episode_s)
    spin_s = max(0.0, args.trial_s - episode_s) if args.cpu else 0.0
    spec = _spec(args.trials, sleep_s, spin_s)

    start = time.perf_counter()
    for job in spec.jobs():  # the baseline: the trials in a plain loop, no runner
        run_job(job)
    loop = time.perf_counter() - start
    trial_s = loop / args.trials
    rows = [{"backend": "plain loop", "workers": 1, "trials": args.trials, "wall s": loop,
             "trials/s": args.trials / loop, "start-up s": 0.0, "overhead ms/trial": 0.0,
             "speed-up vs 1 worker": float("nan")}]
    wall1, stamps = _timed_grid(spec, workers=1)
    rows.append(_row("local", 1, wall1, stamps, trial_s, None))
    wall2, stamps = _timed_grid(spec, workers=2)
    rows.append(_row("local", 2, wall2, stamps, trial_s, wall1))
    ray_start = float("nan")
    if not args.no_ray:
        import ray

        begin = time.perf_counter()
        ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
        ray_start = time.perf_counter() - begin
        try:
            wall, stamps = _timed_grid(spec, backend="ray")
            rows.append(_row("ray (2 CPUs)", 2, wall, stamps, trial_s, wall1))
        finally:
            ray.shutdown()

    kind = "busy CPU" if args.cpu else "sleep"
    print(f"{args.trials} trials of {trial_s:.3f} s ({kind}; one Tutor-v0 episode takes "
          f"{episode_s * 1000:.1f} ms); load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} CPUs; Ray start-up {ray_start:.1f} s (not in the rows)\n")
    header = list(rows[0])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = [v if isinstance(v, str) else (f"{v:.3f}" if isinstance(v, float) else str(v))
                 for v in row.values()]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
