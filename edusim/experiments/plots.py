"""Figures of an evaluation (matplotlib object API, no global pyplot state)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

__all__ = ["mastery_figure", "gain_figure"]


def _curves(results: pd.DataFrame, teacher: str) -> np.ndarray:
    """Per-seed mean mastery curves of one teacher, padded with their last value."""
    frame = results[results["teacher"] == teacher]
    per_seed = []
    for _, group in frame.groupby("seed", sort=True):
        curves = [np.asarray(c, dtype=float) for c in group["mastery_curve"] if len(c)]
        if not curves:
            continue
        length = max(len(c) for c in curves)
        padded = np.stack([np.pad(c, (0, length - len(c)), mode="edge") for c in curves])
        per_seed.append(padded.mean(axis=0))
    if not per_seed:
        return np.empty((0, 0))
    length = max(len(c) for c in per_seed)
    return np.stack([np.pad(c, (0, length - len(c)), mode="edge") for c in per_seed])


def mastery_figure(results: pd.DataFrame, title: str = "Mean mastery over time") -> Figure:
    """Mean hidden mastery after each step, one line per teacher, with a 95% band over seeds."""
    figure = Figure(figsize=(7, 4.2), dpi=110)
    axes = figure.add_subplot()
    drawn = 0
    for teacher in results["teacher"].unique():
        curves = _curves(results, teacher)
        if curves.size == 0:
            continue
        drawn += 1
        mean = curves.mean(axis=0)
        steps = np.arange(len(mean))
        line = axes.plot(steps, mean, label=teacher, linewidth=2)[0]
        if len(curves) > 1:
            half = 1.96 * curves.std(axis=0, ddof=1) / np.sqrt(len(curves))
            axes.fill_between(steps, mean - half, mean + half, alpha=0.2, color=line.get_color())
    axes.set_xlabel("step (items practised)")
    axes.set_ylabel("mean mastery over skills")
    axes.set_ylim(0, 1)
    axes.set_title(title)
    axes.grid(alpha=0.3)
    if drawn:
        axes.legend(loc="upper left", frameon=False)
    else:  # an env whose info has no per-step mastery (DataGen, the task box)
        axes.text(0.5, 0.5, "these runs record no mastery per step", ha="center",
                  va="center", transform=axes.transAxes, color="0.4")
    figure.tight_layout()
    return figure


def gain_figure(summary: pd.DataFrame, metric: str = "learning_gain") -> Figure:
    """Bar chart of a summarized metric per teacher with 95% confidence intervals."""
    figure = Figure(figsize=(6, 3.6), dpi=110)
    axes = figure.add_subplot()
    mean = summary[metric].to_numpy(dtype=float)
    low = mean - summary[f"{metric}_ci_low"].to_numpy(dtype=float)
    high = summary[f"{metric}_ci_high"].to_numpy(dtype=float) - mean
    errors = np.nan_to_num(np.vstack([low, high]))
    axes.bar(summary["teacher"].astype(str), mean, yerr=errors, capsize=5, color="#4c72b0")
    axes.set_ylabel(metric.replace("_", " "))
    axes.set_title(f"{metric.replace('_', ' ')} per teacher (95% CI over seeds)")
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    return figure
