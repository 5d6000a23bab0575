"""An env for fault tests of the grid runner: it fails, kills its worker or records resources.

Importable by worker processes as ``tests.experiments.grid_helpers:edusim-test/Flaky-v0``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import gymnasium as gym
from gymnasium.envs.registration import register

from edusim.envs.tutor import TutorEnv

ENV_ID = "tests.experiments.grid_helpers:edusim-test/Flaky-v0"


class FlakyEnv(TutorEnv):
    """Tutor-v0 that misbehaves once per marker folder (``fail``: raise, ``exit``: kill the
    worker process), sleeps ``delay`` seconds on reset, and writes the trial's Ray resources
    into ``record`` when set."""

    def __init__(self, marker: str = "", fail: str = "", delay: float = 0.0,
                 record: str = "") -> None:
        super().__init__()
        self.marker, self.fail, self.delay, self.record = marker, fail, delay, record

    def reset(self, *, seed=None, options=None):
        if self.record:
            import ray

            resources = ray.get_runtime_context().get_assigned_resources()
            Path(self.record).write_text(json.dumps(resources))
        if self.fail and seed is not None:
            Path(self.marker).mkdir(parents=True, exist_ok=True)
            flag = Path(self.marker) / f"seed{seed}"
            if not flag.exists():  # first attempt of this trial
                flag.write_text(str(os.getpid()))
                if self.fail == "exit":
                    os._exit(3)
                raise RuntimeError(f"flaky trial, seed {seed}")
        time.sleep(self.delay)
        return super().reset(seed=seed, options=options)


if "edusim-test/Flaky-v0" not in gym.registry:
    register("edusim-test/Flaky-v0", entry_point=FlakyEnv, max_episode_steps=20)
