"""The robust evaluation matrix: every teacher under every learner simulator.

Doroudi, Aleven & Brunskill ("Robust Evaluation Matrix: Towards a More Principled Offline
Exploration of Instructional Policies", L@S 2017) evaluate each instructional policy under
several plausible learner models instead of the one it was designed with: a policy that is
best only under its own model is exposed, and one that ranks well under all of them is the
robust choice. Here the "models" are the envs of a grid (``edusim run`` with
``[report] kind = "robust-matrix"``), typically ``edusim/Tutor-v0`` with different learners
(BKT, logistic, KSS, a fitted DKT): :func:`robust_matrix` gives, per (simulator, teacher),
the mean outcome with its 95% interval over seeds (:func:`~edusim.experiments.summary.summarize`)
and the teacher's rank within that simulator (1 = best, ties share the better rank), plus
each teacher's rank range across simulators; the teachers with the largest range are
flagged. Outcomes of different simulators are on different scales, so only ranks (and the
intervals within a column) are compared across columns.

Example:
    >>> import pandas as pd
    >>> results = pd.DataFrame({"env": ["bkt"] * 4 + ["kss"] * 4,
    ...     "teacher": ["a", "a", "b", "b"] * 2, "seed": [0, 1] * 4, "episode": 0,
    ...     "learning_gain": [0.5, 0.7, 0.2, 0.4, 0.1, 0.2, 0.6, 0.7]})
    >>> m = robust_matrix(results)
    >>> m[["env", "teacher", "rank", "rank_range"]].values.tolist()
    [['bkt', 'a', 1, 1], ['bkt', 'b', 2, 1], ['kss', 'a', 2, 1], ['kss', 'b', 1, 1]]
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from edusim.atomic import make_folder, write_text_atomic
from edusim.experiments.report import ci_cell, save_figure
from edusim.experiments.summary import METRICS, summarize

__all__ = ["MatrixSettings", "RobustMatrixReport", "heatmap_figure", "matrix_markdown",
           "robust_matrix"]

#: What the flag column says of the teachers whose rank varies most.
FLAG = "varies most"


@dataclass(frozen=True)
class MatrixSettings:
    """Settings of the ``robust-matrix`` report (``[report]`` keys beside ``kind``).

    Attributes:
        metric: The outcome compared (a column :func:`summarize` aggregates).
        higher_is_better: Rank 1 goes to the highest mean (``False``: the lowest, e.g. for
            ``items_to_mastery``).
    """

    metric: str = "learning_gain"
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if self.metric not in METRICS:
            raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {self.metric!r}")
        if not isinstance(self.higher_is_better, bool):
            raise ValueError(f"higher_is_better must be true or false, got "
                             f"{self.higher_is_better!r}")


def robust_matrix(results: pd.DataFrame, metric: str = "learning_gain",
                  higher_is_better: bool = True) -> pd.DataFrame:
    """One row per (env, teacher): seeds, ``metric`` mean and 95% CI, rank, rank range, flag.

    Args:
        results: Rows per episode with ``env``, ``teacher``, ``seed`` and ``metric``.
        metric: The outcome to compare.
        higher_is_better: Whether rank 1 is the highest mean.

    Returns:
        Columns ``env, teacher, seeds, <metric>, <metric>_ci_low, <metric>_ci_high, rank``
        (1 = best within the env; NaN where the mean is), ``rank_range`` (max - min rank of
        the teacher over envs) and ``flagged`` (the teachers with the largest range, when it
        is above 0), in the results' order of envs and teachers.

    Raises:
        ValueError: When ``results`` has no ``metric`` column.

    Example:
        >>> r = pd.DataFrame({"env": "e", "teacher": ["a", "b"], "seed": 0, "episode": 0,
        ...                   "learning_gain": [0.1, 0.3]})
        >>> robust_matrix(r)["rank"].tolist()
        [2, 1]
    """
    if metric not in results.columns:
        raise ValueError(f"the results have no column {metric!r} to compare")
    table = summarize(results, metrics=(metric,), by=("env", "teacher"))
    table["rank"] = table.groupby("env", sort=False)[metric].rank(
        ascending=not higher_is_better, method="min").astype("Int64")
    spread = table.groupby("teacher", sort=False)["rank"].agg(lambda r: r.max() - r.min())
    table["rank_range"] = table["teacher"].map(spread).astype("Int64")
    widest = spread.max()
    table["flagged"] = (table["rank_range"] == widest).fillna(False).astype(bool) & (widest > 0)
    return table


def _teachers(matrix: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(matrix["teacher"]))


def _envs(matrix: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(matrix["env"]))


def matrix_markdown(matrix: pd.DataFrame, metric: str = "learning_gain") -> str:
    """The matrix as a Markdown table: a row per teacher, a column per simulator.

    Each cell is ``mean [95% CI] #rank``; then the teacher's ranks, its rank range, the
    simulators it ranks first on, and the flag of the teachers whose rank varies most.

    Example:
        >>> r = pd.DataFrame({"env": ["x", "x", "y", "y"], "teacher": ["a", "b"] * 2,
        ...                   "seed": 0, "episode": 0, "learning_gain": [0.1, 0.3, 0.5, 0.2]})
        >>> print(matrix_markdown(robust_matrix(r)))
        | teacher | x | y | ranks | rank range | first on | flag |
        |---|---|---|---|---|---|---|
        | a | 0.100 #2 | 0.500 #1 | 2, 1 | 1 | y | varies most |
        | b | 0.300 #1 | 0.200 #2 | 1, 2 | 1 | x | varies most |
    """
    envs = _envs(matrix)
    header = ["teacher", *envs, "ranks", "rank range", "first on", "flag"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for teacher in _teachers(matrix):
        rows = matrix[matrix["teacher"] == teacher].set_index("env")
        ranks = [rows["rank"].get(env, pd.NA) for env in envs]
        cells = [f"{ci_cell(rows.loc[env], metric)} #{_rank(r)}" if env in rows.index else "n/a"
                 for env, r in zip(envs, ranks, strict=True)]
        first = [env for env, r in zip(envs, ranks, strict=True) if not pd.isna(r) and r == 1]
        spread = rows["rank_range"].iloc[0]
        lines.append("| " + " | ".join([
            teacher, *cells, ", ".join(_rank(r) for r in ranks), _rank(spread),
            ", ".join(first) or "-", FLAG if rows["flagged"].any() else ""]) + " |")
    return "\n".join(lines)


def _rank(value) -> str:
    return "-" if pd.isna(value) else str(int(value))


def heatmap_figure(matrix: pd.DataFrame, metric: str = "learning_gain") -> Figure:
    """Teachers x simulators coloured by rank (bright = first), each cell its mean and rank.

    Example:
        >>> r = pd.DataFrame({"env": "e", "teacher": ["a", "b"], "seed": 0, "episode": 0,
        ...                   "learning_gain": [0.1, 0.3]})
        >>> heatmap_figure(robust_matrix(r)).axes[0].get_title()
        'Rank per simulator (1 = best learning gain)'
    """
    teachers, envs = _teachers(matrix), _envs(matrix)
    ranks = np.full((len(teachers), len(envs)), np.nan)
    means = np.full_like(ranks, np.nan)
    for row in matrix.itertuples(index=False):
        i, j = teachers.index(row.teacher), envs.index(row.env)
        ranks[i, j] = np.nan if pd.isna(row.rank) else float(row.rank)
        means[i, j] = getattr(row, metric)
    figure = Figure(figsize=(1.6 * len(envs) + 2.5, 0.55 * len(teachers) + 1.6), dpi=110)
    axes = figure.add_subplot()
    image = axes.imshow(ranks, cmap="viridis_r", vmin=1, vmax=max(len(teachers), 2),
                        aspect="auto")
    for (i, j), rank in np.ndenumerate(ranks):
        if np.isfinite(rank):
            axes.text(j, i, f"{means[i, j]:.3f}\n#{int(rank)}", ha="center", va="center",
                      fontsize=8, color="white" if rank > len(teachers) / 2 else "black")
    axes.set_xticks(range(len(envs)), envs)
    axes.set_yticks(range(len(teachers)), teachers)
    axes.set_title(f"Rank per simulator (1 = best {metric.replace('_', ' ')})")
    figure.colorbar(image, ax=axes, label="rank", ticks=range(1, max(len(teachers), 2) + 1))
    figure.tight_layout()
    return figure


class RobustMatrixReport:
    """The ``robust-matrix`` report kind: ``matrix.md``, ``matrix.csv``, ``matrix.png``."""

    settings_class = MatrixSettings

    @staticmethod
    def write(results: pd.DataFrame, out: str | os.PathLike, settings: MatrixSettings,
              title: str) -> str:
        """Write the matrix files into ``out`` (atomically); the Markdown table.

        Example:
            >>> import tempfile
            >>> r = pd.DataFrame({"env": "e", "teacher": ["a", "b"], "seed": 0,
            ...                   "episode": 0, "learning_gain": [0.1, 0.3]})
            >>> out = Path(tempfile.mkdtemp())
            >>> text = RobustMatrixReport.write(r, out, MatrixSettings(), "demo")
            >>> sorted(p.name for p in out.iterdir())
            ['matrix.csv', 'matrix.md', 'matrix.png']
        """
        out = Path(out)
        make_folder(out)
        matrix = robust_matrix(results, settings.metric, settings.higher_is_better)
        table = matrix_markdown(matrix, settings.metric)
        direction = "highest" if settings.higher_is_better else "lowest"
        seeds = results["seed"].nunique()
        text = "\n".join([
            f"# {title}: robust evaluation matrix", "",
            f"{settings.metric.replace('_', ' ')}: mean [95% CI over {seeds} seeds] #rank "
            f"within each simulator (1 = {direction} mean). Compare ranks across columns, "
            "not values: each simulator has its own scale. 'varies most': the teachers whose "
            "rank changes most across simulators.", "",
            table, "", "![rank per simulator](matrix.png)", ""])
        write_text_atomic(out / "matrix.md", text)
        write_text_atomic(out / "matrix.csv", matrix.to_csv(index=False))
        save_figure(heatmap_figure(matrix, settings.metric), out / "matrix.png")
        return table
