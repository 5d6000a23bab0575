"""One-command GPU check: vector ``Tutor-v0`` learner-steps/s, numpy vs torch-CPU vs CUDA.

    .venv/bin/python benchmarks/gpu_check.py                 # N up to 1,048,576
    .venv/bin/python benchmarks/gpu_check.py --sizes 16384 --steps 5

It first checks that a CUDA env follows the numpy env (same seed and actions: observations
equal, rewards within 1e-9, 64 learners, 30 steps), then times each device: ``--steps``
batched steps per size, wall time after ``torch.cuda.synchronize()``. Without CUDA it prints
the CPU rows and says so.
"""

from __future__ import annotations

import argparse
import time

import gymnasium as gym
import numpy as np
import torch
from rich.console import Console
from rich.table import Table

import edusim  # noqa: F401
from edusim.curriculum import Curriculum, SkillGraph


def make(n: int, device: str | None):
    graph = SkillGraph.random_dag(20, edge_prob=0.15, seed=0)
    curriculum = Curriculum.from_graph(graph, items_per_skill=3, test_items_per_skill=1, seed=0)
    extra = {} if device is None else {"device": device}
    return gym.make_vec("edusim/Tutor-v0", num_envs=n, vectorization_mode="vector_entry_point",
                        curriculum=curriculum, **extra)


def rate(n: int, device: str | None, steps: int) -> float:
    env = make(n, device)
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, env.single_action_space.n, size=(4, n))
    acts = [a if device is None else torch.as_tensor(a, device=device) for a in actions]
    env.step(acts[0])
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    sync()
    start = time.perf_counter()
    for i in range(steps):
        env.step(acts[i % 4])
    sync()
    return steps * n / (time.perf_counter() - start)


def agree(device: str) -> str:
    want_env, got_env = make(64, None), make(64, device)
    want, got = want_env.reset(seed=1)[0], got_env.reset(seed=1)[0].cpu().numpy()
    ok = np.array_equal(want, got)
    rng = np.random.default_rng(0)
    for _ in range(30):
        a = rng.integers(0, want_env.single_action_space.n, size=64)
        w, g = want_env.step(a), got_env.step(torch.as_tensor(a, device=device))
        ok &= np.array_equal(w[0], g[0].cpu().numpy())
        ok &= bool(np.abs(w[1] - g[1].cpu().numpy()).max() < 1e-9)
    return "same trajectories as numpy" if ok else "DIFFERS from numpy"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16384, 131072, 1048576])
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    console = Console(width=120)
    cuda = torch.cuda.is_available()
    console.print(f"CUDA: {torch.cuda.get_device_name() if cuda else 'not available'}")
    if cuda:
        console.print(f"cuda check: {agree('cuda')}")
    table = Table(title="vector Tutor-v0 (BKT, 20 skills): learner-steps per wall second")
    for column in ("N", "numpy", "torch-CPU", *(["CUDA", "CUDA / numpy"] if cuda else [])):
        table.add_column(column, justify="right")
    for n in args.sizes:
        base, cpu = rate(n, None, args.steps), rate(n, "cpu", args.steps)
        row = [f"{n:,}", f"{base:,.0f}", f"{cpu:,.0f}"]
        if cuda:
            gpu = rate(n, "cuda", args.steps)
            row += [f"{gpu:,.0f}", f"{gpu / base:,.1f}x"]
        table.add_row(*row)
    console.print(table)


if __name__ == "__main__":
    main()
