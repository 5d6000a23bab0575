"""Canonical interaction frames simulated from a learner model (ground truth for fitting).

Every learner answers ``steps`` practice items drawn uniformly at random; the whole population
is one batch of the learner model, so simulation is a loop over steps only.

Example:
    >>> from edusim.curriculum import Curriculum, SkillGraph
    >>> from edusim.learners import BKTLearner
    >>> curriculum = Curriculum.from_graph(SkillGraph(["a", "b"]), items_per_skill=1)
    >>> df = simulate(BKTLearner(curriculum), curriculum, learners=3, steps=4, seed=0)
    >>> len(df), sorted(df.columns)[:3]
    (12, ['correct', 'item_id', 'skill_ids'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from edusim.curriculum import Curriculum
from edusim.learners.base import LearnerModel

__all__ = ["simulate"]


def simulate(
    model: LearnerModel, curriculum: Curriculum, learners: int, steps: int, seed: int
) -> pd.DataFrame:
    """``learners`` x ``steps`` interactions with uniformly random practice items.

    Returns:
        The canonical frame (``user_id, item_id, skill_ids, correct, timestamp``), sorted by
        learner then time.
    """
    rng = np.random.default_rng(seed)
    state = model.init_state(learners, rng)
    n_items = curriculum.n_items
    items = rng.integers(0, n_items, size=(steps, learners))
    answers = np.empty((steps, learners), dtype=bool)
    for t in range(steps):
        answers[t] = model.respond(state, items[t], rng)
        state = model.update(state, items[t], answers[t], rng)
    bank = curriculum.items
    ids = np.array([item.id for item in bank], dtype=object)
    skills = np.empty(n_items, dtype=object)
    skills[:] = [list(item.skills) for item in bank]
    order = items.T.ravel()
    return pd.DataFrame({
        "user_id": np.repeat([f"u{i}" for i in range(learners)], steps),
        "item_id": ids[order],
        "skill_ids": skills[order],
        "correct": answers.T.ravel(),
        "timestamp": np.tile(np.arange(steps, dtype=np.int64), learners),
    })
