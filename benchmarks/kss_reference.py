"""Steps per second of the original KSS (``edusim`` 0.0.2 on PyPI) beside ``edusim/KSS-v0``.

The original needs an old stack (it imports ``gym`` and ``longling``, uses ``np.int`` through
networkx 2.4, and fails on Python >= 3.11), so it runs in its own Python 3.10 virtual
environment, which this script calls as a subprocess::

    python3.10 -m venv /tmp/kssref
    /tmp/kssref/bin/pip install "networkx==2.4" "gym==0.21.0" "longling==1.3.33" \\
        "numpy==1.23.5" tqdm "edusim==0.0.2"
    .venv/bin/python benchmarks/kss_reference.py --reference-python /tmp/kssref/bin/python

Both sides step a uniformly random point each step, 20 steps per episode (the registry's
``max_episode_steps``), episode starts included. The original's loggers are silenced (its
tester logs every episode to the console), which only favours it. The single-env row runs in
``learner_mode="mutate"`` like the original; in that mode the mean episode reward of a random
teacher rises as learners are drawn again, so compare it at equal episode counts. Without
``--reference-python`` only our rows are printed, with ratios to our single env.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

EPISODE_STEPS = 20


def original_steps_per_second(learners: int, seconds: float) -> dict:
    """Time EduSim 0.0.2's KSS; runs only in the old environment (see the module docstring)."""
    import logging
    import random

    logging.disable(logging.CRITICAL)
    from EduSim.Envs.KSS import KSS

    quiet = logging.getLogger("kss-reference")
    start = time.perf_counter()
    env = KSS(learner_num=learners, seed=10, logger=quiet, log_rf=quiet)
    build = time.perf_counter() - start
    rnd = random.Random(0)
    steps, gains, start = 0, [], time.perf_counter()
    while time.perf_counter() - start < seconds or steps < 1000:
        env.begin_episode()
        for _ in range(EPISODE_STEPS):
            env.step(rnd.randint(0, 9))
        gains.append(env.end_episode()["reward"])
        steps += EPISODE_STEPS
    elapsed = time.perf_counter() - start
    return {
        "steps_per_second": steps / elapsed,
        "build_seconds": build,
        "learners": learners,
        "mean_episode_reward": sum(gains) / len(gains),
        "episodes": len(gains),
        "python": sys.version.split()[0],
    }


def kss_vector_steps_per_second(num_envs: int, seconds: float, **env_kwargs) -> float:
    """Learner-steps per second of the native ``edusim/KSS-v0`` vector env (random actions).

    Example:
        >>> kss_vector_steps_per_second(4, 0.01) > 0
        True
    """
    import gymnasium as gym
    import numpy as np

    import edusim  # noqa: F401

    env = gym.make_vec(
        "edusim/KSS-v0", num_envs=num_envs, vectorization_mode="vector_entry_point", **env_kwargs
    )
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 10, size=(64, num_envs))
    env.step(actions[0])
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or calls < 3:
        env.step(actions[calls % 64])
        calls += 1
    return calls * num_envs / (time.perf_counter() - start)


def kss_single_steps_per_second(seconds: float, mode: str = "mutate") -> dict:
    """``edusim/KSS-v0`` single env in a loop (resets included), and its mean episode gain.

    ``mode="mutate"`` (the default here) matches the original, whose learners keep their gains.
    """
    import gymnasium as gym
    import numpy as np

    import edusim  # noqa: F401

    env = gym.make("edusim/KSS-v0", learner_mode=mode)
    env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 10, size=100_000)
    steps, gains, start = 0, [], time.perf_counter()
    while time.perf_counter() - start < seconds or steps < 1000:
        _, _, terminated, truncated, info = env.step(actions[steps % len(actions)])
        steps += 1
        if terminated or truncated:
            gains.append(info["learning_gain"])
            env.reset()
    elapsed = time.perf_counter() - start
    return {
        "steps_per_second": steps / elapsed,
        "mean_episode_reward": float(np.mean(gains)),
        "episodes": len(gains),
    }


def _table(rows: list[tuple[str, float, str]], baseline: float, against: str) -> str:
    lines = [f"{'':44} {'steps/s':>12} {'x ' + against:>16}  note", "-" * 90]
    for name, rate, note in rows:
        lines.append(f"{name:44} {rate:12,.0f} {rate / baseline:15,.2f}x  {note}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--original", action="store_true", help="time the original (old venv)")
    parser.add_argument("--reference-python", help="python of the venv with edusim 0.0.2")
    parser.add_argument("--learners", type=int, default=4000, help="the original's pool")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 64, 1024, 16384])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    if args.original:
        json.dump(original_steps_per_second(args.learners, args.seconds), sys.stdout)
        return

    rows = []
    if args.reference_python:
        out = subprocess.run(
            [args.reference_python, __file__, "--original", "--learners", str(args.learners),
             "--seconds", str(args.seconds)],
            check=True, capture_output=True, text=True,
        ).stdout
        ref = json.loads(out.strip().splitlines()[-1])
        note = (f"Python {ref['python']}, pool of {ref['learners']} built in "
                f"{ref['build_seconds']:.1f} s; mean episode reward "
                f"{ref['mean_episode_reward']:.3f} over {ref['episodes']} episodes")
        rows.append(("EduSim 0.0.2 KSS (original, one learner)", ref["steps_per_second"], note))
    single = kss_single_steps_per_second(args.seconds)
    rows.append(("edusim/KSS-v0 single env (mutate mode)", single["steps_per_second"],
                 f"mean episode reward {single['mean_episode_reward']:.3f} over "
                 f"{single['episodes']} episodes"))
    for n in args.sizes:
        rate = kss_vector_steps_per_second(n, args.seconds)
        rows.append((f"edusim/KSS-v0 native vector, N={n:,}", rate, "learner-steps/s"))
    against = "original" if args.reference_python else "single env"
    print(_table(rows, rows[0][1], against))


if __name__ == "__main__":
    main()
