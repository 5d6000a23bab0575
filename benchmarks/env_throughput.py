"""Learner-steps per second of edusim's tutoring environments.

Compares, in one process and on one CPU core (BLAS/OpenMP pinned to one thread, CPU time):
  (a) one ``edusim/Tutor-v0`` env stepped in a Python loop,
  (b) ``gymnasium.vector.SyncVectorEnv`` over N single envs,
  (c) the native vector env (``make_vec(..., vectorization_mode="vector_entry_point")``),
  (d) the same on torch tensors on the CPU (``device="cpu"``), and on CUDA when present,
for BKT learners over a 20-skill random prerequisite DAG, plus the native ``edusim/KSS-v0``
vector env when it is registered. Ratios are against (a); (d)/(c) is torch-CPU over numpy.
A second table times one env of each of ``SINGLE_IDS`` with its registered defaults (what an
SB3 user's loop sees). CUDA times are wall time after a synchronize (the GPU runs
asynchronously); everything else is CPU time.

    .venv/bin/python benchmarks/env_throughput.py            # N in 1, 64, 1024, 16384
    .venv/bin/python benchmarks/env_throughput.py --sizes 1 64 --seconds 0.5
    .venv/bin/python benchmarks/env_throughput.py --sizes --seconds 1     # single envs only
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

import edusim  # noqa: E402, F401
from edusim.curriculum import Curriculum, SkillGraph  # noqa: E402

#: Single environments timed with their registered defaults (the second table).
SINGLE_IDS = ("edusim/Tutor-v0", "edusim/TutorLogistic-v0", "edusim/KSS-v0")


def measure(step: Callable[[], None], n_learners: int, seconds: float, windows: int = 3) -> float:
    """Learner-steps per CPU second of ``step`` (which advances ``n_learners`` learners).

    CPU time of this process (one thread: BLAS is pinned above), not wall time, and the best of
    ``windows`` windows sharing ``seconds``: on a machine shared with other work, time spent
    waiting for the core is not counted and a burst of cache contention spoils one window.
    """
    step()  # warm-up
    best = 0.0
    for _ in range(windows):
        calls, start = 0, time.process_time()
        while True:
            step()
            calls += 1
            elapsed = time.process_time() - start
            if elapsed >= seconds / windows and calls >= 3:
                break
        best = max(best, calls * n_learners / elapsed)
    return best


def single_env(
    curriculum: Curriculum | None, seconds: float, env_id: str = "edusim/Tutor-v0"
) -> float:
    """Steps per second of one ``env_id`` env (on ``curriculum``, else its default)."""
    env = gym.make(env_id, **({} if curriculum is None else {"curriculum": curriculum}))
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, env.action_space.n, size=100_000)
    counter = iter(range(10**9))

    def step() -> None:
        for _ in range(100):
            _, _, terminated, truncated, _ = env.step(actions[next(counter) % len(actions)])
            if terminated or truncated:
                env.reset()

    return measure(step, 100, seconds)


def vector_env(
    make: Callable[[int], gym.vector.VectorEnv], n: int, seconds: float, device: str | None = None
) -> float:
    env = make(n)
    env.reset(seed=0)
    space = env.single_action_space
    actions = np.random.default_rng(0).integers(0, space.n, size=(64, n))
    if device is not None:
        actions = torch.as_tensor(actions, device=device)
    counter = iter(range(10**9))
    if device == "cuda":
        return measure_cuda(lambda: env.step(actions[next(counter) % 64]), n, seconds)
    return measure(lambda: env.step(actions[next(counter) % 64]), n, seconds)


def measure_cuda(step: Callable[[], None], n_learners: int, seconds: float) -> float:
    """Learner-steps per wall second of ``step`` on a GPU (synchronised before each reading)."""
    step()
    torch.cuda.synchronize()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or calls < 3:
        step()
        calls += 1
        if calls % 8 == 0:
            torch.cuda.synchronize()
    torch.cuda.synchronize()
    return calls * n_learners / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 64, 1024, 16384])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args()

    graph = SkillGraph.random_dag(20, edge_prob=0.15, seed=0)
    curriculum = Curriculum.from_graph(graph, items_per_skill=3, test_items_per_skill=1, seed=0)
    tutor = {"curriculum": curriculum}

    def sync(n: int) -> gym.vector.VectorEnv:
        return gym.make_vec("edusim/Tutor-v0", num_envs=n, vectorization_mode="sync", **tutor)

    def native(n: int) -> gym.vector.VectorEnv:
        return gym.make_vec(
            "edusim/Tutor-v0", num_envs=n, vectorization_mode="vector_entry_point", **tutor
        )

    def on_torch(device: str) -> Callable[[int], gym.vector.VectorEnv]:
        return lambda n: gym.make_vec("edusim/Tutor-v0", num_envs=n, device=device,
                                      vectorization_mode="vector_entry_point", **tutor)

    def kss(n: int) -> gym.vector.VectorEnv:
        return gym.make_vec("edusim/KSS-v0", num_envs=n, vectorization_mode="vector_entry_point")

    if args.sizes:  # the vector table (--sizes with no value: only the single envs)
        baseline = single_env(curriculum, args.seconds)
        has_kss = "edusim/KSS-v0" in gym.registry
        cuda = torch.cuda.is_available()
        torch.set_num_threads(1)
        table = Table(title="learner-steps per second, one core (BKT, 20 skills)")
        for column in ("N", "(a) single env", "(b) SyncVectorEnv", "(c) native vector",
                       "(c)/(a)", "(c)/(b)", "(d) torch-CPU", "(d)/(c)",
                       *(["CUDA"] if cuda else []), *(["KSS-v0 vector"] if has_kss else [])):
            table.add_column(column, justify="right")
        for n in args.sizes:
            # SyncVectorEnv steps N Python envs one by one: give it less time at large N.
            b = vector_env(sync, n, args.seconds if n <= 1024 else args.seconds / 4)
            c = vector_env(native, n, args.seconds)
            d = vector_env(on_torch("cpu"), n, args.seconds, device="cpu")
            row = [f"{n:,}", f"{baseline:,.0f}", f"{b:,.0f}", f"{c:,.0f}",
                   f"{c / baseline:,.1f}x", f"{c / b:,.1f}x", f"{d:,.0f}", f"{d / c:.2f}x"]
            if cuda:
                row.append(f"{vector_env(on_torch('cuda'), n, args.seconds, device='cuda'):,.0f}")
            if has_kss:
                row.append(f"{vector_env(kss, n, args.seconds):,.0f}")
            table.add_row(*row)
        Console(width=140).print(table)

    singles = Table(title="one env stepped in a Python loop (registered defaults)", min_width=60)
    singles.add_column("id")
    singles.add_column("steps/s", justify="right")
    for env_id in SINGLE_IDS:
        if env_id in gym.registry:
            singles.add_row(env_id, f"{single_env(None, env_id=env_id, seconds=args.seconds):,.0f}")
    Console(width=140).print(singles)


if __name__ == "__main__":
    main()
