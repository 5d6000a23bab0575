"""Writing an evaluation to a folder: tables (CSV, Parquet, Markdown) and PNG figures."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from edusim.atomic import atomic_path, make_folder, write_bytes_atomic, write_text_atomic
from edusim.experiments.plots import gain_figure, mastery_figure
from edusim.experiments.summary import summarize

__all__ = ["ci_cell", "write_report", "markdown_table", "save_figure"]

_COLUMNS = {
    "learning_gain": "learning gain",
    "final_post_test": "post-test",
    "final_mastery": "final mastery",
    "items_to_mastery": "items to 95% mastery",
}


def save_figure(figure: Figure, path: str | os.PathLike) -> Path:
    """Save ``figure`` as a PNG atomically."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return write_bytes_atomic(path, buffer.getvalue())


def ci_cell(row: pd.Series, metric: str) -> str:
    """``mean [low, high]`` of ``metric`` in a summary row (its ``_ci_low``/``_ci_high``).

    Example:
        >>> ci_cell(pd.Series({"gain": 0.5, "gain_ci_low": 0.4, "gain_ci_high": 0.6}), "gain")
        '0.500 [0.400, 0.600]'
    """
    mean, low, high = row[metric], row[f"{metric}_ci_low"], row[f"{metric}_ci_high"]
    if pd.isna(mean):
        return "n/a"
    if pd.isna(low):
        return f"{mean:.3f}"
    return f"{mean:.3f} [{low:.3f}, {high:.3f}]"


def markdown_table(summary: pd.DataFrame) -> str:
    """The summary as a Markdown table: mean [95% CI] per metric and teacher.

    Example:
        >>> import pandas as pd
        >>> s = pd.DataFrame({"teacher": ["a"], "seeds": [1], "learning_gain": [0.5],
        ...                   "learning_gain_ci_low": [float("nan")],
        ...                   "learning_gain_ci_high": [float("nan")]})
        >>> print(markdown_table(s))
        | teacher | seeds | learning gain |
        |---|---|---|
        | a | 1 | 0.500 |
    """
    metrics = [m for m in _COLUMNS if m in summary.columns]
    failed = ["failed"] if "failed" in summary.columns else []
    header = ["teacher", "seeds", *failed, *[_COLUMNS[m] for m in metrics]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for _, row in summary.iterrows():
        seeds = row.get("seeds")
        cells = [str(row["teacher"]), str(0 if pd.isna(seeds) else int(seeds)),
                 *[str(int(row[c])) for c in failed], *[ci_cell(row, m) for m in metrics]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_report(
    results: pd.DataFrame, out: str | os.PathLike, title: str = "edusim evaluation"
) -> dict[str, Path]:
    """Write ``results.csv``, ``results.parquet``, ``summary.csv``, ``results.md``,
    ``mastery.png`` and ``learning_gain.png`` into ``out``; returns their paths by name."""
    out = Path(out)
    make_folder(out)
    summary = summarize(results)
    paths = {
        "results.csv": out / "results.csv",
        "results.parquet": out / "results.parquet",
        "summary.csv": out / "summary.csv",
        "results.md": out / "results.md",
        "mastery.png": out / "mastery.png",
        "learning_gain.png": out / "learning_gain.png",
    }
    flat = results.drop(columns=["mastery_curve"], errors="ignore")
    write_text_atomic(paths["results.csv"], flat.to_csv(index=False))
    with atomic_path(paths["results.parquet"]) as tmp:
        results.to_parquet(tmp, index=False)
    write_text_atomic(paths["summary.csv"], summary.to_csv(index=False))
    envs = ", ".join(f"`{e}`" for e in results["env"].unique()) if "env" in results else ""
    text = "\n".join(
        [
            f"# {title}",
            "",
            f"Environment: {envs}; {results['seed'].nunique()} seeds, "
            f"{results['episode'].nunique()} episode(s) per seed. Mean [95% CI over seeds].",
            "",
            markdown_table(summary),
            "",
            "![mean mastery over time](mastery.png)",
            "",
            "![learning gain per teacher](learning_gain.png)",
            "",
        ]
    )
    write_text_atomic(paths["results.md"], text)
    if "mastery_curve" in results:
        save_figure(mastery_figure(results), paths["mastery.png"])
    else:
        paths.pop("mastery.png")
    save_figure(gain_figure(summary), paths["learning_gain.png"])
    return paths
