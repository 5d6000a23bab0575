"""Regenerate ``fractions_class.csv``: a small simulated class on the fractions curriculum,
in edusim's canonical CSV layout (skills separated by ``;``).

Each learner is a BKT learner of ``edusim/Tutor-v0`` taught by the ``mastery-threshold``
teacher (practice a skill until it is answered well, then move on), so the log shows learning
within skills, as a classroom log would. Run from the repository root:
``python apps/samples/make_sample.py``.
"""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np
import pandas as pd

import edusim  # noqa: F401  (registers the environments)
from edusim import agents
from edusim.atomic import write_text_atomic

LEARNERS, SEED = 40, 7
START_MS = 1_700_000_000_000


def _learner(index: int, steps: int, rng: np.random.Generator) -> list[tuple]:
    env = gym.make("edusim/Tutor-v0", max_episode_steps=steps)
    teacher = agents.make("mastery-threshold", env, seed=index)
    obs, _ = env.reset(seed=SEED * 1000 + index)
    curriculum = env.unwrapped.curriculum
    clock = START_MS + int(rng.integers(0, 7 * 86_400_000))
    rows, done = [], False
    while not done:
        action = teacher.act(obs)
        next_obs, reward, terminated, truncated, info = env.step(action)
        teacher.observe(action, float(reward), next_obs)
        item = curriculum.items[int(action)]
        clock += int(rng.integers(20_000, 120_000))
        rows.append((f"learner{index + 1:02d}", item.id, ";".join(item.skills),
                     int(info["correct"]), clock))
        obs, done = next_obs, terminated or truncated
    env.close()
    return rows


def sample_frame() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    lengths = np.clip(rng.lognormal(np.log(45), 0.35, LEARNERS).astype(int), 15, 100)
    rows = [row for i, n in enumerate(lengths) for row in _learner(i, int(n), rng)]
    return pd.DataFrame(rows, columns=["user_id", "item_id", "skill_ids", "correct", "timestamp"])


if __name__ == "__main__":
    path = Path(__file__).with_name("fractions_class.csv")
    write_text_atomic(path, sample_frame().to_csv(index=False))
