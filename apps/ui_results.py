"""How the Curriculum lab words its results: percentages, ranges and a one-line verdict.

The numbers come from :func:`edusim.experiments.summarize`; this module only writes them the
way a teacher reads them ("62% (55-69%)", "+12 points") and names teachers by their display
names. Nothing is computed here beyond choosing what to say.

Example:
    >>> import pandas as pd
    >>> summary = pd.DataFrame({
    ...     "teacher": ["random", "mastery-threshold"], "seeds": [8, 8],
    ...     "final_mastery": [0.23, 0.62], "final_mastery_ci_low": [0.2, 0.55],
    ...     "final_mastery_ci_high": [0.26, 0.69]})
    >>> verdict(summary, str, skills=True)
    'mastery-threshold: 62% of skills learned vs 23% for random.'
    >>> results_table(summary, str)["skills learned by the end"].tolist()
    ['23% (20-26%)', '62% (55-69%)']
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

#: Metric -> (column title, how to write it): "share" as a percentage, "points" as percentage
#: points, "count" as a number.
METRICS: dict[str, tuple[str, str]] = {
    "final_mastery": ("skills learned by the end", "share"),
    "learning_gain": ("post-test gain", "points"),
    "items_to_mastery": ("items until 95% is learned", "count"),
}

#: What each column means, for the caption under the table.
MEANINGS: dict[str, str] = {
    "final_mastery": "the share of the skills the simulated learners know at the end",
    "learning_gain": "how much the post-test score rose, in percentage points",
    "items_to_mastery": "practice items until the learners know 95% of the skills "
    "(\"not reached\" if the lesson ended first)",
}


def _value(x: float, kind: str) -> str:
    if kind == "share":
        return f"{x:.0%}"
    if kind == "points":
        return f"{x * 100:+.0f} points"
    return f"{x:.0f}"


def _cell(mean: float, low: float, high: float, kind: str) -> str:
    if pd.isna(mean):
        return "not reached"
    if pd.isna(low) or pd.isna(high):
        return _value(mean, kind)
    if kind == "share":  # a share's range stays within 0-100%
        return f"{mean:.0%} ({max(low, 0.0) * 100:.0f}-{min(high, 1.0):.0%})"
    if kind == "points":
        return f"{mean * 100:+.0f} points ({low * 100:+.0f} to {high * 100:+.0f})"
    return f"{mean:.0f} ({low:.0f}-{high:.0f})"


def results_table(summary: pd.DataFrame, name_of: Callable[[str], str]) -> pd.DataFrame:
    """One row per teacher (display name), each metric as ``mean (95% range)``."""
    table = pd.DataFrame({"teacher": [name_of(t) for t in summary["teacher"].astype(str)]})
    if "seeds" in summary:
        table["learners"] = summary["seeds"].astype(int)
    for metric, (title, kind) in METRICS.items():
        if metric not in summary or not summary[metric].notna().any():
            continue
        low = summary.get(f"{metric}_ci_low", pd.Series([float("nan")] * len(summary)))
        high = summary.get(f"{metric}_ci_high", pd.Series([float("nan")] * len(summary)))
        table[title] = [
            _cell(m, lo, hi, kind)
            for m, lo, hi in zip(summary[metric], low, high, strict=True)
        ]
    return table


def verdict(summary: pd.DataFrame, name_of: Callable[[str], str], skills: bool) -> str:
    """The result in one line: the best teacher against random (else the weakest one)."""
    metric = "final_mastery" if summary.get("final_mastery", pd.Series()).notna().any() else (
        "learning_gain")
    kind = METRICS[metric][1]
    ranked = summary.sort_values(metric, ascending=False, kind="stable")
    best = ranked.iloc[0]
    what = ("of skills learned" if skills else "mastered") if kind == "share" else "post-test gain"
    line = f"{name_of(str(best['teacher']))}: {_value(best[metric], kind)} {what}"
    if len(ranked) == 1:
        return line + "."
    others = ranked.iloc[1:]
    is_random = others["teacher"].astype(str) == "random"
    other = others[is_random].iloc[0] if is_random.any() else others.iloc[-1]
    line += f" vs {_value(other[metric], kind)} for {name_of(str(other['teacher']))}"
    low, high = best.get(f"{metric}_ci_low"), other.get(f"{metric}_ci_high")
    if low is not None and high is not None and not pd.isna(low) and low <= high:
        line += " (too close to call with this many learners: try a larger class)"
    return line + "."
