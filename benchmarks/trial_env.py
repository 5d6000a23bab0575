"""The trial of benchmarks/runner.py: one Tutor-v0 episode, padded to a chosen duration.

``sleep_s`` pads with a sleep (measures the runner, not the CPU); ``spin_s`` with busy work.
"""

from __future__ import annotations

import time

import gymnasium as gym
from gymnasium.envs.registration import register

from edusim.envs.tutor import TutorEnv

ENV_ID = "benchmarks.trial_env:edusim-bench/Trial-v0"


class TrialEnv(TutorEnv):
    """Tutor-v0 whose seeded reset waits ``sleep_s`` and spins ``spin_s`` seconds first."""

    def __init__(self, sleep_s: float = 0.0, spin_s: float = 0.0) -> None:
        super().__init__()
        self.sleep_s, self.spin_s = sleep_s, spin_s

    def reset(self, *, seed=None, options=None):
        if seed is not None:
            time.sleep(self.sleep_s)
            end = time.perf_counter() + self.spin_s
            while time.perf_counter() < end:
                pass
        return super().reset(seed=seed, options=options)


def calibrate(repeats: int = 5) -> float:
    """Seconds one unpadded trial (a random teacher's Tutor-v0 episode) takes, median."""
    from edusim import agents
    from edusim.experiments.rollout import rollout

    env = gym.make("edusim/Tutor-v0")
    times = []
    for seed in range(repeats):
        start = time.perf_counter()
        rollout(env, agents.make("random", env, seed=seed), seed)
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


if "edusim-bench/Trial-v0" not in gym.registry:
    register("edusim-bench/Trial-v0", entry_point=TrialEnv, max_episode_steps=100)
