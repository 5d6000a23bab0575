"""Teacher benchmark: the ALP-GMM toy ranking on TaskSpace-v0, then Tutor-v0.

Task space (Portelas et al. 2019 toy setting): each teacher teaches one learner per seed for
``--episodes`` tasks; the table gives the final percentage of mastered cells (mean and 95%
Student-t interval over seeds, and each seed), and seconds per 1,000 tasks: CPU time in the
teacher (robust to a busy machine) and wall time of the whole run. Settings: ``toy``
(2 dims x 10 cells), ``distractors`` (plus ``--distractors`` useless task coordinates),
``dims`` (``--dims`` dimensions of ``--cells`` cells), ``unlearnable`` (a share of
unlearnable cells).

Usage:
    .venv/bin/python benchmarks/teachers.py task-space --setting toy --episodes 20000 \
        --seeds 5 --jobs 2 --out runs/bench_teachers
    .venv/bin/python benchmarks/teachers.py tutor --episodes 30 --seeds 5
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from edusim.cli.teachers import bench_teachers_for
from edusim.experiments.competence_maps import save_competence_maps
from edusim.experiments.teacher_bench import (
    TaskSpaceRun,
    compare_on_tutor,
    run_task_space,
    summarize,
)

SETTINGS = {
    "toy": lambda a: {},
    "distractors": lambda a: {"n_distractors": a.distractors},
    "dims": lambda a: {"n_dims": a.dims, "cells_per_dim": a.cells},
    "unlearnable": lambda a: {"unlearnable": a.unlearnable},
}


def _one(job: tuple[str, int, int, dict]) -> TaskSpaceRun:
    name, seed, episodes, env_kwargs = job
    return run_task_space(name, seed, episodes, env_kwargs=env_kwargs)


def task_space(args: argparse.Namespace) -> None:
    env_kwargs = SETTINGS[args.setting](args)
    jobs = [(t, s, args.episodes, env_kwargs) for t in args.teachers for s in range(args.seeds)]
    runs = []
    with ProcessPoolExecutor(args.jobs) as pool:
        for run in pool.map(_one, jobs):
            runs.append(run)
            print(f"  {run.teacher:<10} seed {run.seed}: {run.score:5.1f}% mastered, "
                  f"{1000 * run.teacher_seconds / run.episodes:.3f} CPU s/1000 tasks in teacher",
                  file=sys.stderr, flush=True)
    table = summarize(runs)
    print(f"\nTaskSpace-v0 setting={args.setting} {env_kwargs} episodes={args.episodes} "
          f"seeds={args.seeds}")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        table.to_csv(out / f"task_space_{args.setting}.csv", index=False)
        curves = pd.DataFrame([
            {"teacher": r.teacher, "seed": r.seed, "step": i * 1000, "score": s}
            for r in runs for i, s in enumerate(r.curve)
        ])
        curves.to_csv(out / f"task_space_{args.setting}_curves.csv", index=False)
        first = {r.teacher: r for r in runs if r.seed == 0}
        save_competence_maps(
            {n: r.competence for n, r in first.items()}, out / f"maps_{args.setting}.png",
            title=f"TaskSpace-v0 {args.setting}, seed 0, {args.episodes} tasks",
            learnable={n: r.learnable for n, r in first.items()},
        )


def tutor(args: argparse.Namespace) -> None:
    table = compare_on_tutor(args.teachers, range(args.seeds), args.episodes,
                             ppo_path=args.ppo or None, workers=args.jobs)
    print(f"\nTutor-v0 episodes per seed={args.episodes} seeds={args.seeds}")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    if args.out:
        Path(args.out).mkdir(parents=True, exist_ok=True)
        table.to_csv(Path(args.out) / "tutor.csv", index=False)


def fit_cost(args: argparse.Namespace) -> None:
    """One ALP-GMM fitting round (mixtures of 2..10 Gaussians on 250 (task, ALP) points):
    ours (one BLAS/OpenMP thread) against the same scikit-learn fits with the default thread
    pools, as the reference implementation runs them, in this process."""
    import time
    import warnings

    import numpy as np
    from sklearn.mixture import GaussianMixture

    from edusim.agents._lp import fit_best_gmm

    rng = np.random.default_rng(0)
    rows = np.column_stack([rng.random((250, 2)), np.abs(rng.normal(0, 0.02, 250))])

    def reference() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits = [GaussianMixture(k, covariance_type="full", random_state=0).fit(rows)
                    for k in range(2, 11)]
            min(fits, key=lambda g: g.aic(rows))

    def ours() -> None:
        fit_best_gmm(rows, range(2, 11), np.random.default_rng(0))

    results = {}
    for name, fn in (("reference (default threads)", reference), ("ours (1 thread)", ours)):
        wall, cpu = [], []
        for _ in range(args.repeats):
            w, c = time.perf_counter(), time.process_time()
            fn()
            wall.append(time.perf_counter() - w)
            cpu.append(time.process_time() - c)
        results[name] = (float(np.median(wall)), float(np.median(cpu)))
    base = results["reference (default threads)"]
    print(f"\nALP-GMM fitting round (9 mixtures, 250 points), median of {args.repeats}; "
          "per task = round / 250 (fit_rate)")
    print(f"{'':<30}{'wall s':>9}{'CPU s':>9}{'wall ms/task':>14}{'speed-up (wall)':>17}")
    for name, (wall, cpu) in results.items():
        print(f"{name:<30}{wall:>9.3f}{cpu:>9.3f}{1000 * wall / 250:>14.2f}"
              f"{base[0] / wall:>16.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ts = sub.add_parser("task-space")
    ts.add_argument("--setting", choices=sorted(SETTINGS), default="toy")
    ts.add_argument("--teachers", type=lambda s: s.split(","),
                    default=bench_teachers_for("edusim/TaskSpace-v0"),
                    help="comma-separated (default: every registered task-box teacher but llm, "
                    "covar-gmm-fast included)")
    ts.add_argument("--episodes", type=int, default=20_000)
    ts.add_argument("--seeds", type=int, default=5)
    ts.add_argument("--jobs", type=int, default=1)
    ts.add_argument("--distractors", type=int, default=8)
    ts.add_argument("--dims", type=int, default=3)
    ts.add_argument("--cells", type=int, default=5)
    ts.add_argument("--unlearnable", type=float, default=0.2)
    ts.add_argument("--out", default="")
    ts.set_defaults(func=task_space)
    tu = sub.add_parser("tutor")
    tu.add_argument("--teachers", type=lambda s: s.split(","),
                    default=bench_teachers_for("edusim/Tutor-v0"))
    tu.add_argument("--episodes", type=int, default=20)
    tu.add_argument("--seeds", type=int, default=5)
    tu.add_argument("--ppo", default="", help="path of a trained PPO teacher to include")
    tu.add_argument("--jobs", type=int, default=1)
    tu.add_argument("--out", default="")
    tu.set_defaults(func=tutor)
    fc = sub.add_parser("fit-cost")
    fc.add_argument("--repeats", type=int, default=5)
    fc.set_defaults(func=fit_cost)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
