"""Building blocks shared by the learning-progress teachers (ALP-GMM, Covar-GMM, RIAC).

* :class:`TaskBox`: the continuous task box of a ``Box`` action space, with uniform sampling
  and a check that raises on tasks outside it;
* :func:`proportional_choice`: pick an index with probability proportional to a weight;
* :func:`fit_best_gmm`: fit Gaussian mixtures over a range of sizes, keep the best by AIC;
* :class:`NearestNeighbourRewards`: reward of the nearest earlier task, from a KD-tree over
  old tasks plus a brute-force scan of a small buffer of recent ones (no Python loop).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from scipy.spatial import cKDTree
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits

__all__ = [
    "TaskBox",
    "TaskOutsideBoxError",
    "proportional_choice",
    "fit_best_gmm",
    "NearestNeighbourRewards",
]


class TaskOutsideBoxError(ValueError):
    """A task (action) that does not lie in the teacher's task box."""


@dataclass(frozen=True)
class TaskBox:
    """The task box ``[low, high]`` of a bounded ``Box`` action space."""

    low: np.ndarray
    high: np.ndarray
    dtype: np.dtype

    @classmethod
    def of(cls, env: gym.Env) -> TaskBox:
        space = env.action_space
        if not isinstance(space, spaces.Box) or len(space.shape) != 1:
            raise TypeError(f"this teacher needs a 1-D Box action space (a task box), got {space}")
        if not space.is_bounded("both"):
            raise TypeError(f"this teacher needs a bounded task box, got {space}")
        low, high = space.low.astype(np.float64), space.high.astype(np.float64)
        return cls(low, high, space.dtype)

    @property
    def dims(self) -> int:
        return len(self.low)

    def uniform(self, rng: np.random.Generator) -> np.ndarray:
        """A task drawn uniformly from the box."""
        return rng.uniform(self.low, self.high)

    def clip(self, task: np.ndarray) -> np.ndarray:
        return np.clip(task, self.low, self.high)

    def check(self, task: np.ndarray) -> np.ndarray:
        """``task`` as a float vector; raises :class:`TaskOutsideBoxError` outside the box."""
        task = np.asarray(task, dtype=np.float64).reshape(-1)
        if task.shape != self.low.shape:
            raise TaskOutsideBoxError(
                f"task {task.tolist()} has {task.size} coordinates, the box has {self.dims}"
            )
        if not ((task >= self.low) & (task <= self.high)).all():
            raise TaskOutsideBoxError(
                f"task {task.tolist()} lies outside the box [{self.low.tolist()}, "
                f"{self.high.tolist()}]"
            )
        return task

    def cast(self, task: np.ndarray) -> np.ndarray:
        """The task in the action space's dtype, still inside the box after rounding."""
        return np.clip(task.astype(self.dtype), self.low.astype(self.dtype),
                       self.high.astype(self.dtype))


def proportional_choice(weights: np.ndarray, rng: np.random.Generator) -> int:
    """Index drawn with probability proportional to ``weights`` (uniform if they sum to 0).

    Example:
        >>> proportional_choice(np.array([0.0, 2.0, 0.0]), np.random.default_rng(0))
        1
    """
    weights = np.maximum(np.asarray(weights, dtype=np.float64), 0.0)
    total = weights.sum()
    if not total > 0:
        return int(rng.integers(len(weights)))
    return int(min(np.searchsorted(np.cumsum(weights), rng.random() * total, side="right"),
                   len(weights) - 1))


def fit_best_gmm(
    data: np.ndarray,
    sizes: Sequence[int],
    rng: np.random.Generator,
    n_init: int = 1,
    max_iter: int = 100,
) -> GaussianMixture:
    """Fit full-covariance mixtures with each number of components in ``sizes``; keep the one
    with the lowest AIC. Seeds come from ``rng``.

    Example:
        >>> data = np.random.default_rng(0).normal(size=(60, 2))
        >>> fit_best_gmm(data, [1, 2], np.random.default_rng(0)).n_components in (1, 2)
        True
    """
    best, best_aic = None, np.inf
    # One thread: these matrices are tiny, and BLAS/OpenMP threads on a busy machine made
    # each fit 10-30x slower in our measurements.
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in sizes:
            if k > len(data):
                continue
            gmm = GaussianMixture(
                n_components=k, covariance_type="full", n_init=n_init, max_iter=max_iter,
                random_state=int(rng.integers(2**31 - 1)), reg_covar=1e-6,
            )
            with np.errstate(under="ignore"):
                gmm.fit(data)
                aic = gmm.aic(data)
            if aic < best_aic:
                best, best_aic = gmm, aic
    if best is None:
        raise ValueError(f"cannot fit a mixture of {list(sizes)} components to {len(data)} points")
    return best


class NearestNeighbourRewards:
    """The reward of the nearest earlier task, for absolute learning progress.

    Old tasks live in a KD-tree rebuilt every ``buffer_size`` additions; the latest ones in a
    buffer scanned with one vectorized distance computation.

    Args:
        dims: Task dimension.
        buffer_size: Tasks kept outside the tree before it is rebuilt.
    """

    def __init__(self, dims: int, buffer_size: int = 500) -> None:
        self.buffer_size = buffer_size
        self.tasks = np.empty((1024, dims))
        self.rewards = np.empty(1024)
        self.size = 0
        self.tree_size = 0
        self.tree: cKDTree | None = None

    def __len__(self) -> int:
        return self.size

    def nearest_reward(self, task: np.ndarray) -> float:
        """Reward of the stored task nearest to ``task`` (ties: the earliest)."""
        if self.size == 0:
            raise ValueError("no task stored yet")
        best_dist, best_reward = np.inf, 0.0
        if self.tree is not None:
            best_dist, idx = self.tree.query(task)
            best_reward = self.rewards[idx]
        if self.size > self.tree_size:
            recent = self.tasks[self.tree_size : self.size]
            dist = np.sqrt(((recent - task) ** 2).sum(axis=1))
            i = int(np.argmin(dist))
            if dist[i] < best_dist:
                best_reward = self.rewards[self.tree_size + i]
        return float(best_reward)

    def add(self, task: np.ndarray, reward: float) -> None:
        if self.size == len(self.tasks):
            self.tasks = np.concatenate([self.tasks, np.empty_like(self.tasks)])
            self.rewards = np.concatenate([self.rewards, np.empty_like(self.rewards)])
        self.tasks[self.size] = task
        self.rewards[self.size] = reward
        self.size += 1
        if self.size - self.tree_size >= self.buffer_size:
            self.tree = cKDTree(self.tasks[: self.size])
            self.tree_size = self.size
