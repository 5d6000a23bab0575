"""PPO on edusim's native vector envs (``edusim.envs.as_sb3_vec_env``) against ``DummyVecEnv``.

Three tables, one process, one thread (BLAS/OpenMP and torch pinned):
  1. environment steps per second while PPO collects rollouts (policy inference included),
     with the adapter at N = 8, 64, 1024 learners against SB3's ``DummyVecEnv`` of 8 single
     envs (the ratio column);
  2. whole training (``train_ppo``, updates included) for the same budget of env steps;
  3. the learning gain the trained policy reaches (mean episode return on ``Tutor-v0``,
     sampled play, 256 fresh learners) and that gain per wall-clock minute of training.

    .venv/bin/python benchmarks/train_teacher.py                      # 100k training steps
    .venv/bin/python benchmarks/train_teacher.py --train-steps 20000 --collect-steps 8192
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from stable_baselines3 import PPO  # noqa: E402
from stable_baselines3.common.vec_env import DummyVecEnv, VecMonitor  # noqa: E402

import edusim  # noqa: E402, F401
from edusim.agents.ppo import train_ppo  # noqa: E402
from edusim.envs import as_sb3_vec_env  # noqa: E402

ENV_ID = "edusim/Tutor-v0"
SIZES = (8, 64, 1024)


def native(n: int):
    return as_sb3_vec_env(gym.make_vec(ENV_ID, num_envs=n, vectorization_mode="vector_entry_point"))


def dummy(n: int):
    return DummyVecEnv([lambda: gym.make(ENV_ID)] * n)


def collect_rate(venv, steps: int) -> float:
    """Env steps per second of PPO's ``collect_rollouts`` (``steps`` env steps in all)."""
    n_steps = max(2, steps // venv.num_envs)
    model = PPO("MlpPolicy", VecMonitor(venv), n_steps=n_steps, batch_size=64, seed=0,
                device="cpu", verbose=0)
    _, callback = model._setup_learn(10**9, None)
    callback.on_training_start(locals(), globals())
    model.collect_rollouts(model.env, callback, model.rollout_buffer, 2)  # warm-up
    start = time.perf_counter()
    model.collect_rollouts(model.env, callback, model.rollout_buffer, n_steps)
    return n_steps * venv.num_envs / (time.perf_counter() - start)


def learning_gain(path: Path, learners: int = 256) -> float:
    """Mean episode return (= learning gain) of the saved policy, sampled, fresh learners."""
    model = PPO.load(path, device="cpu")
    venv = native(learners)
    venv.seed(10_000)
    obs, total = venv.reset(), np.zeros(learners)
    for _ in range(gym.spec(ENV_ID).max_episode_steps):
        action, _ = model.predict(obs, deterministic=False)
        obs, reward, _, _ = venv.step(action)
        total += reward
    return float(total.mean())


def random_gain(learners: int = 256) -> float:
    venv = native(learners)
    venv.seed(10_000)
    venv.reset()
    rng, total = np.random.default_rng(0), np.zeros(learners)
    for _ in range(gym.spec(ENV_ID).max_episode_steps):
        total += venv.step(rng.integers(0, venv.action_space.n, size=learners))[1]
    return float(total.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collect-steps", type=int, default=32_768)
    parser.add_argument("--train-steps", type=int, default=100_000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    console = Console(width=120)

    base = collect_rate(dummy(8), args.collect_steps)
    table = Table(title=f"PPO rollout collection on {ENV_ID}: env steps/s")
    for column in ("vector env", "N", "steps/s", "x DummyVecEnv(8)"):
        table.add_column(column, justify="right")
    table.add_row("DummyVecEnv", "8", f"{base:,.0f}", "1.0x")
    for n in SIZES:
        rate = collect_rate(native(n), max(args.collect_steps, 4 * n))
        table.add_row("as_sb3_vec_env", f"{n:,}", f"{rate:,.0f}", f"{rate / base:,.1f}x")
    console.print(table)

    training = Table(title=f"train_ppo for {args.train_steps:,} env steps (updates included)")
    for column in ("N", "wall s", "steps/s", "learning gain", "gain / min"):
        training.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            start = time.perf_counter()
            path = train_ppo(ENV_ID, args.train_steps, Path(tmp) / f"ppo{n}", n_envs=n)
            wall = time.perf_counter() - start
            gain = learning_gain(path)
            training.add_row(f"{n:,}", f"{wall:.1f}", f"{args.train_steps / wall:,.0f}",
                             f"{gain:.3f}", f"{gain / (wall / 60):.3f}")
    console.print(training)
    console.print(f"random teacher, same learners: learning gain {random_gain():.3f}")


if __name__ == "__main__":
    main()
