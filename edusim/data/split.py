"""Learner-level splits: every learner's whole sequence lands in exactly one part.

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"user_id": list("aabbccdd"), "timestamp": range(8)})
    >>> train, test = split_learners(df, (0.5, 0.5), seed=0)
    >>> sorted(set(train.user_id) | set(test.user_id)), set(train.user_id) & set(test.user_id)
    (['a', 'b', 'c', 'd'], set())
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["split_learners", "assign_learners"]


def assign_learners(
    users: Sequence[str] | np.ndarray, fractions: Sequence[float], seed: int
) -> np.ndarray:
    """Part index (0..len(fractions)-1) for each of the distinct ``users``.

    Users are sorted first, so the result depends only on the set of users and ``seed``.

    Raises:
        ValueError: When fractions are negative or do not sum to 1.
    """
    fractions = np.asarray(fractions, dtype=np.float64)
    if fractions.ndim != 1 or len(fractions) == 0 or (fractions < 0).any():
        raise ValueError(f"fractions must be a non-empty list of non-negative numbers, got "
                         f"{fractions.tolist()}")
    if not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must sum to 1, got {fractions.tolist()} "
                         f"(sum {fractions.sum():g})")
    users = np.asarray(users)
    order = np.random.default_rng(seed).permutation(len(users))
    bounds = np.round(np.cumsum(fractions) * len(users)).astype(np.int64)
    part_of_rank = np.searchsorted(bounds, np.arange(len(users)), side="right")
    parts = np.empty(len(users), dtype=np.int64)
    parts[order] = part_of_rank
    return parts


def split_learners(
    df: pd.DataFrame, fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: int = 0
) -> tuple[pd.DataFrame, ...]:
    """Split ``df`` by learner into ``len(fractions)`` frames with a seeded shuffle.

    Args:
        df: A frame with a ``user_id`` column (e.g. the canonical interactions).
        fractions: Share of learners in each part; must sum to 1.
        seed: Seed of the shuffle; the same seed and learners give the same split.

    Returns:
        One frame per fraction, rows in their original order, index reset.
    """
    users = np.sort(df["user_id"].unique().astype(str))
    parts = assign_learners(users, fractions, seed)
    part_of_user = pd.Series(parts, index=users)
    row_parts = part_of_user.reindex(df["user_id"].astype(str)).to_numpy()
    return tuple(df.loc[row_parts == k].reset_index(drop=True) for k in range(len(fractions)))
