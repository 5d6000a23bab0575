"""SOAR at two-core scale: can a teacher unlock hard additions a student never solves?

For each teacher and seed, one run of ``edusim/SelfCurriculum-v0`` for ``--steps`` outer steps
(g x r = 16 student trainings per step in one batched call), then pass@k (k = 1, 4, 8, 16,
32) on the held-out hard problems of the promoted student (PS) and of a fresh student trained
on the promoted data (PQ); plus the teacher-free baselines Hard-Only, its compute-matched
version and the full-data upper bound. Then the wrong-answer ablation (grounded teacher with
30% and 60% wrong reference answers) against badly structured problems (30%, 60% shuffled
prompts). Prints mean [95% Student-t interval] over seeds and seconds per outer step, and
writes ``results.csv``, ``trace.csv`` and the plots ``hard_success.png`` and
``diversity.png`` into ``--out``.

Usage:
    .venv/bin/python benchmarks/self_curriculum.py --seeds 5 --steps 10
    .venv/bin/python benchmarks/self_curriculum.py --quick            # a smoke run, seconds
    .venv/bin/python benchmarks/self_curriculum.py --device cuda --seeds 5 --steps 20  # GPU
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from edusim.cli.progress import progress_bar
from edusim.envs import ENVS
from edusim.experiments.self_curriculum import run_baselines, run_teacher
from edusim.experiments.summary import mean_ci
from edusim.selfcurriculum.evaluate import KS

#: name -> (teacher, extra env settings)
CONDITIONS = {
    "Grounded-T (RLOO)": ("rloo-proposer", {}),
    "Intrinsic-T": ("rloo-proposer", {"reward": "intrinsic"}),
    "Random proposals": ("random", {}),
    "Ladder (hand-written)": ("ladder", {}),
    "LLM proposer (offline rule)": ("llm-proposer", {}),
    "Hard-Only in the loop": ("hard-only", {}),
    "Grounded-T 30% wrong answers": ("rloo-proposer", {"wrong_rate": 0.3}),
    "Grounded-T 60% wrong answers": ("rloo-proposer", {"wrong_rate": 0.6}),
    "Grounded-T 30% ill-formed": ("rloo-proposer", {"malformed_rate": 0.3}),
    "Grounded-T 60% ill-formed": ("rloo-proposer", {"malformed_rate": 0.6}),
}


def _one(job: tuple) -> tuple[list[dict], list[dict]]:
    import torch

    torch.set_num_threads(1)
    label, seed, steps, env_kwargs, n_samples = job
    ks = [k for k in KS if k <= n_samples]
    if label is None:
        rows = [{"condition": name, "seed": seed, "set": "-", **{f"pass@{k}": v for k, v in
                 table.items()}} for name, table in
                run_baselines(seed, steps, env_kwargs, n_samples, ks).items()]
        return rows, []
    teacher, extra = CONDITIONS[label]
    result = run_teacher(teacher, seed, steps, {**env_kwargs, **extra}, label, n_samples, ks)
    rows = [{"condition": label, "seed": seed, "set": which,
             "final_hard_success": result.trace[-1]["hard_success"],
             "promotions": result.trace[-1]["promotions"],
             "diversity": float(np.mean([t["diversity"] for t in result.trace[-3:]])),
             "s_per_step": float(np.mean([t["seconds"] for t in result.trace])),
             "initial_hard_success": result.initial_hard_success,
             **{f"pass@{k}": v for k, v in table.items()}}
            for which, table in result.pass_at_k.items()]
    trace = [{"condition": label, "seed": seed, **t} for t in result.trace]
    return rows, trace


def _cell(values: pd.Series) -> str:
    values = values.dropna()
    if values.empty:
        return ""
    mean, low, high = (v + 0.0 for v in mean_ci(values.to_numpy(dtype=float)))  # no -0.000
    return f"{mean:.3f} [{low:.3f}, {high:.3f}]" if len(values) > 1 else f"{mean:.3f}"


def _markdown(frame: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |",
             "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def _plot(trace: pd.DataFrame, column: str, ylabel: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for label, part in trace.groupby("condition", sort=False):
        mean = part.groupby("step")[column].mean()
        ax.plot(mean.index, mean.to_numpy(), marker="o", label=label)
    ax.set_xlabel("outer step")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--samples", type=int, default=32, help="samples per hard problem")
    parser.add_argument("--jobs", type=int, default=2, help="processes (one thread each)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    parser.add_argument("--out", type=Path, default=Path("runs/self_curriculum"))
    parser.add_argument("--first-seed", type=int, default=0,
                        help="seeds are FIRST_SEED .. FIRST_SEED + SEEDS - 1")
    parser.add_argument("--add-to", type=Path, default=None,
                        help="a folder of an earlier run (other seeds, same settings): its "
                        "results.csv and trace.csv join this run's in the table and plots")
    args = parser.parse_args()

    env_kwargs = {"device": args.device}
    if args.quick:
        env_kwargs.update(ENVS["edusim/SelfCurriculum-v0"].metadata["quick_kwargs"])
    labels = [c for c in args.conditions.split(",") if c]
    unknown = [c for c in labels if c not in CONDITIONS]
    if unknown:
        parser.error(f"unknown condition {unknown[0]!r}; choose from: {', '.join(CONDITIONS)}")
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    jobs = [(label, seed, args.steps, env_kwargs, args.samples)
            for label in [*labels, None] for seed in seeds]
    console = Console(stderr=True)
    with ProcessPoolExecutor(args.jobs) as pool, progress_bar(console) as bar:
        task = bar.add_task(f"{len(jobs)} runs (teacher x seed, baselines)", total=len(jobs))
        done = []
        for result in pool.map(_one, jobs):  # in order: the bar moves as runs finish
            done.append(result)
            bar.advance(task)
    results = pd.DataFrame([r for rows, _ in done for r in rows])
    trace = pd.DataFrame([t for _, rows in done for t in rows])
    if args.add_to is not None:
        results = pd.concat([pd.read_csv(args.add_to / "results.csv"), results])
        trace = pd.concat([pd.read_csv(args.add_to / "trace.csv"), trace])
    n_seeds = results["seed"].nunique()
    args.out.mkdir(parents=True, exist_ok=True)
    results.to_csv(args.out / "results.csv", index=False)
    trace.to_csv(args.out / "trace.csv", index=False)

    metrics = [f"pass@{k}" for k in KS if k <= args.samples]
    metrics += ["final_hard_success", "promotions", "diversity", "s_per_step"]
    table = results.groupby(["condition", "set"], sort=False).agg(
        {m: _cell for m in metrics if m in results})
    print(f"hard-test pass@k, mean [95% CI] over {n_seeds} seeds, {args.steps} outer steps"
          f"{' (quick sizes)' if args.quick else ''}; PS = promoted student, PQ = fresh "
          "student on the promoted data")
    print(_markdown(table.fillna("").reset_index()))
    _plot(trace, "hard_success", "hard-test success (sampled)", args.out / "hard_success.png")
    _plot(trace, "diversity", "Vendi score of the last 3 steps' proposals",
          args.out / "diversity.png")
    print(f"wrote {args.out}/results.csv, trace.csv, hard_success.png, diversity.png")


if __name__ == "__main__":
    main()
