"""Regenerate ``fractions_class.csv``: a small class of simulated BKT learners on the fractions
curriculum, in edusim's canonical CSV layout (skills separated by ``;``).

Run from the repository root: ``python apps/samples/make_sample.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from edusim import learners
from edusim.atomic import write_text_atomic
from edusim.curriculum import load_builtin
from edusim.data.synth import simulate_log

LEARNERS, MEAN_STEPS, SEED = 40, 45, 7
START_MS = 1_700_000_000_000


def sample_frame() -> pd.DataFrame:
    curriculum = load_builtin("fractions")
    model = learners.make("bkt", curriculum)
    rng = np.random.default_rng(SEED)
    lengths = np.clip(rng.lognormal(np.log(MEAN_STEPS), 0.4, LEARNERS).astype(int), 10, 120)
    items, correct = simulate_log(model, curriculum, lengths, rng, explore=0.15)
    rows = []
    for learner, length in enumerate(lengths):
        clock = START_MS + int(rng.integers(0, 7 * 86_400_000))
        for t in range(length):
            item = curriculum.items[int(items[learner, t])]
            clock += int(rng.integers(20_000, 120_000))
            rows.append((f"learner{learner + 1:02d}", item.id, ";".join(item.skills),
                         int(correct[learner, t]), clock))
    return pd.DataFrame(rows, columns=["user_id", "item_id", "skill_ids", "correct", "timestamp"])


if __name__ == "__main__":
    path = Path(__file__).with_name("fractions_class.csv")
    write_text_atomic(path, sample_frame().to_csv(index=False))
