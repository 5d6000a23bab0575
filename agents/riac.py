"""RIAC: Robust Intelligent Adaptive Curiosity, region splitting on learning progress.

Baranes & Oudeyer (2009), "R-IAC: Robust Intrinsically Motivated Exploration and Active
Learning", IEEE TAMD; with the refinements (minimum region size and population, discarding old
points when no split is valid, three sampling modes) used by Portelas et al. (2019), CoRL.

Steps: (1) every region of a tree over the task box stores its last ``max_region_size``
``(task, reward)`` pairs; its absolute learning progress (ALP) is the absolute difference of
the mean reward of the older and newer halves of that window; (2) a leaf holding more than
``max_region_size`` pairs is split in two along a random dimension at a random threshold,
keeping, among ``n_split_attempts`` candidates, the one maximising
``card(R1) * card(R2) * |ALP(R1) - ALP(R2)|``; (3) tasks are drawn 70% uniformly in a region
chosen in proportion to its ALP, 20% uniformly in the box, and 10% by mutating the
lowest-reward task of a region chosen by ALP.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents._lp import TaskBox, proportional_choice
from edusim.agents.base import Teacher

__all__ = ["RIACConfig", "RIACTeacher", "Region"]


@dataclass(frozen=True)
class RIACConfig:
    """Attributes (defaults from the reference implementation of Portelas et al.):
    max_region_size: Pairs a leaf holds before it splits; also the ALP window.
    n_split_attempts: Candidate splits compared at each split.
    min_region_share: Smallest child population, as a share of ``max_region_size``.
    min_dims_range_ratio: Smallest child width per dimension, as a share of the box width.
    discard_ratio: Share of the oldest pairs dropped when no split is valid.
    mutation_std: Standard deviation of the mutation of the worst task (sampling mode 3).
    """

    max_region_size: int = 200
    n_split_attempts: int = 50
    min_region_share: float = 1 / 20
    min_dims_range_ratio: float = 1 / 15
    discard_ratio: float = 1 / 4
    mutation_std: float = 0.1

    def __post_init__(self) -> None:
        if self.max_region_size < 4 or self.n_split_attempts < 1:
            raise ValueError("need max_region_size >= 4 and n_split_attempts >= 1")
        if not 0 < self.min_region_share < 0.5 or not 0 <= self.min_dims_range_ratio < 0.5:
            raise ValueError("min_region_share must lie in (0, 0.5), min_dims_range_ratio [0, 0.5)")


class Region:
    """A box of the task space with its recent ``(task, reward)`` pairs and children."""

    def __init__(self, low: np.ndarray, high: np.ndarray, maxlen: int) -> None:
        self.low, self.high = low, high
        self.tasks: deque[np.ndarray] = deque(maxlen=maxlen + 1)
        self.rewards: deque[float] = deque(maxlen=maxlen + 1)
        self.children: tuple[int, int] | None = None
        self.split_dim, self.threshold = -1, 0.0
        self.alp = 0.0

    def add(self, task: np.ndarray, reward: float, window: int) -> None:
        self.tasks.append(task)
        self.rewards.append(reward)
        self.alp = window_alp(np.fromiter(self.rewards, float, len(self.rewards)), window)


def window_alp(rewards: np.ndarray, window: int) -> float:
    """``|mean(older half) - mean(newer half)|`` of the last ``window`` rewards (0 if < 3).

    Example:
        >>> window_alp(np.array([0.0, 0.0, 1.0, 1.0]), 4)
        1.0
    """
    if len(rewards) <= 2:
        return 0.0
    recent = rewards[-window:]
    half = len(recent) // 2
    return float(abs(recent[:-half].mean() - recent[-half:].mean()))


class RIACTeacher(Teacher):
    """Splits the task box into regions of different learning progress (Baranes & Oudeyer).

    ``reset`` starts a new run: the region tree is cleared.

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/TaskSpace-v0")
        >>> teacher = RIACTeacher(env, seed=0, max_region_size=20)
        >>> obs, _ = env.reset(seed=0)
        >>> for _ in range(100):
        ...     task = teacher.act(obs)
        ...     obs, reward, *_ = env.step(task)
        ...     teacher.observe(task, reward, obs)
        >>> len(teacher.regions) > 1
        True
    """

    config_class = RIACConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.box = TaskBox.of(env)
        self._clear()

    def _clear(self) -> None:
        self.regions = [Region(self.box.low, self.box.high, self.config.max_region_size)]

    def reset(self, seed: int | None = None) -> None:
        super().reset(seed)
        self._clear()

    # -- sampling --------------------------------------------------------------------------
    def act(self, obs: Any) -> np.ndarray:
        mode = self.rng.random()
        alps = np.array([r.alp for r in self.regions])
        if mode < 0.2:  # 20%: uniform in the whole box
            task = self.box.uniform(self.rng)
        elif mode < 0.3 and len(self.regions[0].rewards):  # 10%: mutate a region's worst task
            region = self.regions[proportional_choice(alps, self.rng)]
            if len(region.rewards):
                worst = region.tasks[int(np.argmin(region.rewards))]
                task = worst + self.config.mutation_std * self.rng.standard_normal(self.box.dims)
                task = np.clip(task, region.low, region.high)
            else:
                task = self.rng.uniform(region.low, region.high)
        else:  # 70%: uniform in a region chosen by ALP
            region = self.regions[proportional_choice(alps, self.rng)]
            task = self.rng.uniform(region.low, region.high)
        return self.box.cast(task)

    # -- learning --------------------------------------------------------------------------
    def observe(self, action: Any, reward: float, next_obs: Any) -> None:
        task = self.box.check(action)
        window = self.config.max_region_size
        index = 0
        while True:  # add the pair to every region on the path from the root to its leaf
            region = self.regions[index]
            region.add(task, float(reward), window)
            if region.children is None:
                break
            index = region.children[int(task[region.split_dim] > region.threshold)]
        if len(region.rewards) > window:
            self._split(index)

    def _candidate(self, region: Region, tasks: np.ndarray) -> tuple[int, float, np.ndarray]:
        """A random split whose children both hold at least the minimum population."""
        min_len = self.config.min_region_share * self.config.max_region_size
        for _ in range(100):
            dim = int(self.rng.integers(self.box.dims))
            threshold = float(self.rng.uniform(region.low[dim], region.high[dim]))
            left = tasks[:, dim] <= threshold
            if min(left.sum(), (~left).sum()) >= min_len:
                break
        return dim, threshold, left

    def _split(self, index: int) -> None:
        cfg, region = self.config, self.regions[index]
        tasks = np.array(region.tasks)
        rewards = np.fromiter(region.rewards, float, len(region.rewards))
        min_width = (self.box.high - self.box.low) * cfg.min_dims_range_ratio
        best, best_score = None, -1.0
        for _ in range(cfg.n_split_attempts):
            dim, threshold, left = self._candidate(region, tasks)
            widths = (threshold - region.low[dim], region.high[dim] - threshold)
            if min(widths) < min_width[dim] or left.all() or not left.any():
                continue
            alp = (window_alp(rewards[left], len(rewards)),
                   window_alp(rewards[~left], len(rewards)))
            score = left.sum() * (~left).sum() * abs(alp[0] - alp[1])
            if score >= best_score:
                best, best_score = (dim, threshold, left), score
        if best is None:  # no valid split: forget the oldest pairs of the region
            for _ in range(int(cfg.max_region_size * cfg.discard_ratio)):
                region.tasks.popleft()
                region.rewards.popleft()
            return
        dim, threshold, left = best
        for side in (left, ~left):
            low, high = region.low.copy(), region.high.copy()
            (high if side is left else low)[dim] = threshold
            child = Region(low, high, cfg.max_region_size)
            for task, reward in zip(tasks[side], rewards[side], strict=True):
                child.tasks.append(task)
                child.rewards.append(float(reward))
            child.alp = window_alp(rewards[side], cfg.max_region_size)
            self.regions.append(child)
        region.children = (len(self.regions) - 2, len(self.regions) - 1)
        region.split_dim, region.threshold = dim, threshold
