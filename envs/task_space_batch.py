"""The batched learner behind ``edusim/TaskSpace-v0`` and its vector form.

A continuous task box ``[0, 1]^(n_dims + n_distractors)`` whose first ``n_dims`` coordinates
are cut into a grid of ``cells_per_dim`` cells per dimension (the distractor coordinates change
nothing). Each learner has a competence in ``[0, 1]`` per cell, modelled on the toy space that
Portelas et al. (2019, "Teacher algorithms for curriculum learning of Deep RL in continuously
parameterized environments") used to rank teachers:

* practising a cell raises its competence by ``learning_rate`` (up to 1), but only if the cell
  is *unlocked*: it is the origin cell, or one of its previous neighbours (every coordinate
  equal or one less, diagonals included) has competence ``>= mastery_threshold``; so there is
  an order to discover, outwards from the origin;
* a share ``unlearnable`` of the cells (drawn per learner, never the origin) never improve;
* the reward of a task is the competence of its cell after practice (plus optional noise);
* the score is the percentage of cells whose competence is above ``mastery_threshold``.

:class:`TaskSpaceBatch` simulates N such learners with no Python loop over them; the single
environment is a batch of one and the vector environment a batch of N.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from gymnasium import spaces

from edusim.envs.core import BatchCore, InvalidActionError
from edusim.streams import LearnerStreams

__all__ = ["TaskSpaceConfig", "TaskSpaceBatch", "previous_neighbours"]


@dataclass(frozen=True)
class TaskSpaceConfig:
    """Knobs of the task-space learner (registry kwargs of ``edusim/TaskSpace-v0``).

    Attributes:
        n_dims: Dimensions that matter (the grid is ``cells_per_dim ** n_dims`` cells).
        cells_per_dim: Cells per dimension.
        n_distractors: Extra task coordinates that change nothing.
        unlearnable: Share of cells (other than the origin) that never improve.
        learning_rate: Competence gained per practice of an unlocked cell.
        mastery_threshold: Competence above which a cell counts as mastered and unlocks its
            successors.
        noise: Standard deviation of Gaussian noise on the reward (clipped to ``[0, 1]``).
    """

    n_dims: int = 2
    cells_per_dim: int = 10
    n_distractors: int = 0
    unlearnable: float = 0.0
    learning_rate: float = 0.01
    mastery_threshold: float = 0.75
    noise: float = 0.0

    def __post_init__(self) -> None:
        if self.n_dims < 1 or self.cells_per_dim < 1 or self.n_distractors < 0:
            raise ValueError(
                "need n_dims >= 1, cells_per_dim >= 1 and n_distractors >= 0, got "
                f"{self.n_dims}, {self.cells_per_dim}, {self.n_distractors}"
            )
        if self.cells_per_dim**self.n_dims > 1_000_000:
            raise ValueError(
                f"{self.cells_per_dim}**{self.n_dims} cells is too many (limit 1,000,000)"
            )
        if not 0.0 <= self.unlearnable < 1.0:
            raise ValueError(f"unlearnable must lie in [0, 1), got {self.unlearnable}")
        if not 0.0 < self.learning_rate <= 1.0:
            raise ValueError(f"learning_rate must lie in (0, 1], got {self.learning_rate}")
        if not 0.0 < self.mastery_threshold <= 1.0:
            raise ValueError(
                f"mastery_threshold must lie in (0, 1], got {self.mastery_threshold}"
            )
        if not 0.0 <= self.noise < math.inf:
            raise ValueError(f"noise must be a finite number >= 0, got {self.noise}")

    @property
    def n_cells(self) -> int:
        return self.cells_per_dim**self.n_dims

    @property
    def task_dims(self) -> int:
        """Length of a task vector (the action)."""
        return self.n_dims + self.n_distractors


def previous_neighbours(n_dims: int, cells_per_dim: int) -> np.ndarray:
    """Flat indices of each cell's previous neighbours, ``(n_cells, 2**n_dims - 1)``.

    Missing neighbours (on the lower border) point at index ``n_cells``, a sentinel cell whose
    competence is always 0.

    Example:
        >>> sorted(previous_neighbours(2, 3)[4].tolist())  # cell (1, 1): (0, 0), (0, 1), (1, 0)
        [0, 1, 3]
    """
    shape = (cells_per_dim,) * n_dims
    coords = np.array(np.unravel_index(np.arange(cells_per_dim**n_dims), shape)).T
    offsets = np.array(list(itertools.product((0, 1), repeat=n_dims))[1:])  # not all-zero
    prev = coords[:, None, :] - offsets[None, :, :]
    valid = (prev >= 0).all(axis=2)
    flat = np.ravel_multi_index(tuple(np.maximum(prev, 0).transpose(2, 0, 1)), shape)
    return np.where(valid, flat, cells_per_dim**n_dims)


class TaskSpaceBatch(BatchCore):
    """N task-space learners; every array has the learner as leading axis."""

    config_class = TaskSpaceConfig

    def __init__(self, config: TaskSpaceConfig, n: int) -> None:
        self.config = config
        self.n = n
        self.single_action_space = spaces.Box(0.0, 1.0, (config.task_dims,), np.float32)
        self.single_observation_space = spaces.Box(0.0, 1.0, (config.n_cells,), np.float32)
        self.neighbours = previous_neighbours(config.n_dims, config.cells_per_dim)
        self.streams = LearnerStreams(np.zeros(n, dtype=np.uint64))
        # Competence per cell, plus the always-zero sentinel column at index n_cells.
        self.competence = np.zeros((n, config.n_cells + 1))
        self.learnable = np.ones((n, config.n_cells), dtype=bool)
        self.steps = np.zeros(n, dtype=np.int64)
        self.started = False
        self._strides = config.cells_per_dim ** np.arange(config.n_dims - 1, -1, -1)

    def reset(self, mask: np.ndarray, keys: np.ndarray | None) -> None:
        """Start fresh learners where ``mask`` is true (unlearnable cells drawn with ``keys``,
        ``None``: the successors of their current keys)."""
        self.streams.rekey(mask, self.streams.next_keys(mask) if keys is None else keys)
        draw = self.streams.random((self.n, self.config.n_cells))
        learnable = draw >= self.config.unlearnable
        learnable[:, 0] = True  # the origin cell can always be learned
        self.learnable = np.where(mask[:, None], learnable, self.learnable)
        self.competence[mask] = 0.0
        self.steps[mask] = 0
        self.started = True

    def cells_of(self, tasks: np.ndarray) -> np.ndarray:
        """Flat cell index of each task vector ``(n, task_dims)``; raises outside the box."""
        cfg = self.config
        tasks = np.asarray(tasks, dtype=np.float64)
        if tasks.shape != (self.n, cfg.task_dims):
            raise InvalidActionError(
                f"expected tasks of shape ({self.n}, {cfg.task_dims}), got {tasks.shape}"
            )
        outside = ~((tasks >= 0.0) & (tasks <= 1.0)).all(axis=1)  # NaN counts as outside
        if outside.any():
            bad = tasks[np.flatnonzero(outside)[0]]
            raise InvalidActionError(f"task {bad.tolist()} lies outside the box [0, 1]^{len(bad)}")
        index = np.minimum((tasks[:, : cfg.n_dims] * cfg.cells_per_dim).astype(np.int64),
                           cfg.cells_per_dim - 1)
        return index @ self._strides

    def step(self, tasks: np.ndarray, resetting: np.ndarray | None = None) -> np.ndarray:
        """Each learner practises its task; returns the rewards (competence after practice).

        Rows about to reset practise their placeholder task: they restart from new keys."""
        cfg = self.config
        cells = self.cells_of(tasks)
        rows = np.arange(self.n)
        unlocked = (cells == 0) | (
            self.competence[rows[:, None], self.neighbours[cells]] >= cfg.mastery_threshold - 1e-9
        ).any(axis=1)
        grow = unlocked & self.learnable[rows, cells]
        self.competence[rows, cells] = np.minimum(
            self.competence[rows, cells] + cfg.learning_rate * grow, 1.0
        )
        reward = self.competence[rows, cells].copy()
        if cfg.noise > 0.0:
            reward = np.clip(reward + cfg.noise * self.streams.standard_normal((self.n,)), 0, 1)
        self.steps += 1
        return reward

    def competence_map(self) -> np.ndarray:
        """Competence per cell, ``(n, cells_per_dim, ..., cells_per_dim)``."""
        cfg = self.config
        return self.competence[:, :-1].reshape((self.n,) + (cfg.cells_per_dim,) * cfg.n_dims)

    def score(self) -> np.ndarray:
        """Percentage of cells mastered (competence above the threshold), per learner."""
        mastered = self.competence[:, :-1] > self.config.mastery_threshold + 1e-9
        return 100.0 * mastered.mean(axis=1)

    def learnable_score(self) -> np.ndarray:
        """Percentage of the learnable cells that are mastered, per learner."""
        mastered = self.competence[:, :-1] > self.config.mastery_threshold + 1e-9
        return 100.0 * (mastered & self.learnable).sum(axis=1) / self.learnable.sum(axis=1)

    def observation(self) -> np.ndarray:
        """The competence map, flattened, ``(n, n_cells)`` float32."""
        return self.competence[:, :-1].astype(np.float32)

    def info(self) -> dict[str, Any]:
        """``score`` and ``learnable_score``: percentages of all / learnable cells mastered."""
        return {"score": self.score(), "learnable_score": self.learnable_score()}
