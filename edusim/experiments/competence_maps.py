"""Competence-map pictures of task-space runs, for reports.

Example:
    >>> import numpy as np, tempfile, pathlib
    >>> maps = {"random": np.zeros((4, 4)), "alp-gmm": np.eye(4)}
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "maps.png"
    >>> save_competence_maps(maps, out).name
    'maps.png'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from edusim.atomic import make_folder

__all__ = ["save_competence_maps"]


def save_competence_maps(
    maps: Mapping[str, np.ndarray],
    path: str | os.PathLike,
    threshold: float = 0.75,
    title: str | None = None,
    learnable: Mapping[str, np.ndarray] | None = None,
) -> Path:
    """Draw one competence map per teacher side by side and write a PNG atomically.

    Args:
        maps: Teacher name -> competence per cell (2-D, or more: the maximum over the extra
            dimensions is drawn; the title's mastered share counts every cell).
        path: Output PNG file.
        threshold: Mastery threshold; mastered cells are outlined.
        title: Figure title.
        learnable: Optional teacher name -> learnable-cell mask (unlearnable cells hatched).

    Returns:
        The written path.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not maps:
        raise ValueError("no competence maps to draw")
    path = Path(path)
    fig, axes = plt.subplots(1, len(maps), figsize=(3.2 * len(maps), 3.4), squeeze=False)
    for ax, (name, grid) in zip(axes[0], maps.items(), strict=True):
        grid = np.asarray(grid, dtype=np.float64)
        share = 100 * (grid > threshold + 1e-9).mean()  # over every cell, before projecting
        grid = grid.max(axis=tuple(range(2, grid.ndim))) if grid.ndim > 2 else grid
        ax.imshow(grid.T, origin="lower", cmap="Greens", vmin=0.0, vmax=1.0,
                  extent=(0, 1, 0, 1))
        n0, n1 = grid.shape
        mastered = grid > threshold + 1e-9
        for i, j in zip(*np.nonzero(mastered), strict=True):
            ax.add_patch(plt.Rectangle((i / n0, j / n1), 1 / n0, 1 / n1, fill=False, lw=0.6))
        if learnable is not None and name in learnable:
            mask = np.asarray(learnable[name], bool)
            mask = mask.any(axis=tuple(range(2, mask.ndim))) if mask.ndim > 2 else mask
            for i, j in zip(*np.nonzero(~mask), strict=True):
                ax.add_patch(plt.Rectangle((i / n0, j / n1), 1 / n0, 1 / n1, fill=False,
                                           hatch="xx", lw=0.0, color="firebrick"))
        ax.set_title(f"{name}: {share:.0f}% mastered", fontsize=9)
        ax.set_xticks([0, 1])
        ax.set_yticks([0, 1])
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    make_folder(path.parent)
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=110)
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
