"""Aggregating per-episode results: means with 95% confidence intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["METRICS", "summarize", "mean_ci"]

#: The per-episode outcomes that :func:`summarize` aggregates by default.
METRICS: tuple[str, ...] = (
    "learning_gain", "final_post_test", "final_mastery", "items_to_mastery"
)


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and Student-t confidence interval ``(mean, low, high)``; NaN values are dropped.

    Example:
        >>> mean_ci(np.array([1.0, 2.0, 3.0]))[0]
        2.0
    """
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(values.mean())
    if values.size == 1:
        return (mean, np.nan, np.nan)
    half = float(stats.t.ppf(0.5 + level / 2, values.size - 1) * stats.sem(values))
    return (mean, mean - half, mean + half)


def summarize(
    results: pd.DataFrame,
    metrics: tuple[str, ...] = METRICS,
    by: tuple[str, ...] = ("teacher",),
) -> pd.DataFrame:
    """One row per group: for each metric its mean and 95% CI across seeds.

    Episodes are first averaged within a seed, so the interval reflects seed-to-seed
    variation (the independent replications).
    """
    keys = [*by, "seed"]
    present = [m for m in metrics if m in results.columns]
    per_seed = results.groupby(keys, sort=False)[present].mean().reset_index()
    rows = []
    for group, frame in per_seed.groupby(list(by), sort=False):
        group = group if isinstance(group, tuple) else (group,)
        row = dict(zip(by, group, strict=True))
        row["seeds"] = frame["seed"].nunique()
        for metric in present:
            mean, low, high = mean_ci(frame[metric].to_numpy())
            row[metric] = mean
            row[f"{metric}_ci_low"] = low
            row[f"{metric}_ci_high"] = high
        rows.append(row)
    return pd.DataFrame(rows)
