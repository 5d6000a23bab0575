"""PNG figures for the tables of :mod:`edusim.data.analysis`.

Figures are built with :class:`matplotlib.figure.Figure` (Agg rendering, no pyplot state), so
they are safe in servers, threads and tests.

Example:
    >>> import pandas as pd
    >>> fig = plot_sequence_lengths(pd.DataFrame({"user_id": ["a", "b"], "interactions": [3, 5]}))
    >>> len(fig.axes)
    1
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from edusim.atomic import atomic_path
from edusim.curriculum import SkillGraph

__all__ = [
    "save_png",
    "plot_sequence_lengths",
    "plot_skill_difficulty",
    "plot_learning_curves",
    "plot_time_on_task",
    "plot_prerequisite_graph",
]


def save_png(fig: Figure, path: str | os.PathLike, dpi: int = 110) -> Path:
    """Write ``fig`` to ``path`` as PNG, atomically (temp file, then ``os.replace``)."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format="png", bbox_inches="tight")
    return Path(path)


def _empty(fig: Figure, ax, message: str) -> Figure:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    return fig


def plot_sequence_lengths(table: pd.DataFrame) -> Figure:
    """Histogram of interactions per learner (log-spaced bins)."""
    fig = Figure(figsize=(6, 3.5))
    ax = fig.subplots()
    lengths = table["interactions"].to_numpy()
    if len(lengths) == 0:
        return _empty(fig, ax, "no learners")
    bins = np.unique(np.geomspace(1, max(2, lengths.max()) + 1, 30).astype(int))
    ax.hist(lengths, bins=bins, color="#4477aa")
    ax.set_xscale("log")
    ax.set_xlabel("interactions per learner")
    ax.set_ylabel("learners")
    ax.set_title(f"Sequence lengths ({len(lengths)} learners)")
    return fig


def plot_skill_difficulty(table: pd.DataFrame, top: int = 30) -> Figure:
    """Correct rate of the ``top`` most practised skills, the most practised at the top."""
    shown = table.head(top).iloc[::-1]
    fig = Figure(figsize=(6.5, max(2.5, 0.22 * len(shown) + 1)))
    ax = fig.subplots()
    if shown.empty:
        return _empty(fig, ax, "no skills")
    labels = [
        f"{s} {n[:28]}" if isinstance(n, str) else str(s)
        for s, n in zip(shown.skill_id, shown.name, strict=True)
    ]
    ax.barh(labels, shown.correct_rate, color="#66aa55")
    ax.set_xlim(0, 1)
    ax.set_xlabel("correct rate")
    ax.set_title(f"Correct rate of the {len(shown)} most practised skills")
    ax.tick_params(axis="y", labelsize=7)
    return fig


def plot_learning_curves(table: pd.DataFrame, skills: int = 6) -> Figure:
    """Error rate by opportunity: all skills (thick) and the ``skills`` most practised."""
    fig = Figure(figsize=(6.5, 4))
    ax = fig.subplots()
    if table.empty:
        return _empty(fig, ax, "no interactions")
    overall = table[table.skill_id == "(all)"]
    ax.plot(overall.opportunity, overall.error_rate, color="black", lw=2.5, label="all skills")
    per_skill = table[table.skill_id != "(all)"]
    firsts = per_skill[per_skill.opportunity == 1].nlargest(skills, "attempts").skill_id
    for skill in firsts:
        curve = per_skill[per_skill.skill_id == skill]
        ax.plot(curve.opportunity, curve.error_rate, lw=1, alpha=0.8, label=f"skill {skill}")
    ax.set_xlabel("opportunity (attempt number on the skill)")
    ax.set_ylabel("error rate")
    ax.set_ylim(0, 1)
    ax.set_title("Learning curves")
    ax.legend(fontsize=7)
    return fig


def plot_time_on_task(table: pd.DataFrame) -> Figure:
    """Histogram of time per item (seconds, log scale)."""
    fig = Figure(figsize=(6, 3.5))
    ax = fig.subplots()
    if table.empty:
        return _empty(fig, ax, "no timing data in this source")
    ax.bar(table.low_s, table.interactions, width=table.high_s - table.low_s, align="edge",
           color="#cc6677")
    ax.set_xscale("log")
    ax.set_xlabel("time on item (s)")
    ax.set_ylabel("interactions")
    ax.set_title("Time on task")
    return fig


def plot_prerequisite_graph(graph: SkillGraph) -> Figure:
    """The estimated prerequisite DAG, layered by depth."""
    fig = Figure(figsize=(7, 5))
    ax = fig.subplots()
    g = graph.graph
    if g.number_of_edges() == 0:
        return _empty(fig, ax, f"no prerequisite found among {len(graph)} skills")
    g.remove_nodes_from([n for n in list(g.nodes) if g.degree(n) == 0])
    depth = dict(zip(graph.skills, graph.depth(), strict=True))
    nx.set_node_attributes(g, {n: int(depth[n]) for n in g.nodes}, "layer")
    pos = nx.multipartite_layout(g, subset_key="layer", align="horizontal")
    pos = {n: (x, -y) for n, (x, y) in pos.items()}
    nx.draw_networkx(g, pos=pos, ax=ax, node_color="#ddcc77", node_size=500, font_size=7,
                     arrowsize=10)
    ax.set_title(f"Estimated prerequisites ({g.number_of_edges()} edges)")
    ax.set_axis_off()
    return fig
