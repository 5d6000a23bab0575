"""The loop shared by the Gaussian-mixture teachers (ALP-GMM and Covar-GMM).

Both papers follow the same steps: sample tasks uniformly for a bootstrap period; every
``fit_rate`` tasks, fit mixtures of 2..10 Gaussians over the last ``fit_rate`` data rows
(task coordinates plus extra columns such as learning progress) and keep the best by AIC; then
draw a share ``random_task_ratio`` of tasks uniformly and the rest from a component chosen in
proportion to its learning-progress estimate. A subclass says what a data row is and how a
component's learning progress is read.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np
from sklearn.mixture import GaussianMixture

from edusim.agents._lp import TaskBox, fit_best_gmm, proportional_choice
from edusim.agents.base import Teacher

__all__ = ["GMMConfig", "GMMTeacher"]


@dataclass(frozen=True)
class GMMConfig:
    """The settings every mixture teacher has (defaults from the reference implementation of
    Portelas et al., ``teachDRL/teachers/algos``); a teacher's config subclasses it.

    Attributes:
    fit_rate: Tasks between two fits; also the bootstrap length and the fitting window.
    random_task_ratio: Share of tasks drawn uniformly once the mixture exists.
    gmm_sizes: Numbers of components tried at each fit (best by AIC).
    n_init: EM restarts per mixture.
    """

    fit_rate: int = 250
    random_task_ratio: float = 0.2
    gmm_sizes: tuple[int, ...] = tuple(range(2, 11))
    n_init: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "gmm_sizes", tuple(self.gmm_sizes))
        if self.fit_rate < max(self.gmm_sizes, default=1):
            raise ValueError(f"fit_rate {self.fit_rate} is smaller than a mixture size")
        if not 0.0 <= self.random_task_ratio <= 1.0:
            raise ValueError(f"random_task_ratio must lie in [0, 1], got {self.random_task_ratio}")
        if not self.gmm_sizes or min(self.gmm_sizes) < 1:
            raise ValueError(f"gmm_sizes must be positive integers, got {self.gmm_sizes}")


class GMMTeacher(Teacher):
    """Base of the mixture teachers; subclasses define :meth:`data_row` and
    :meth:`component_progress`, and a ``config_class`` that subclasses :class:`GMMConfig`.

    ``reset`` starts a new run: the history and the mixture are cleared (a new learner).
    """

    #: Number of extra (non-task) columns of a data row.
    extra_columns: int = 1

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.box = TaskBox.of(env)
        self._clear()

    def _clear(self) -> None:
        width = self.box.dims + self.extra_columns
        self.rows = np.empty((max(self.config.fit_rate, 1), width))
        self.n_tasks = 0
        self.gmm: GaussianMixture | None = None
        self._chol: np.ndarray | None = None
        self._progress: np.ndarray | None = None

    def reset(self, seed: int | None = None) -> None:
        super().reset(seed)
        self._clear()

    # -- what a subclass defines -----------------------------------------------------------
    @abstractmethod
    def data_row(self, task: np.ndarray, reward: float) -> np.ndarray:
        """The extra columns stored with ``task`` (e.g. its absolute learning progress)."""

    @abstractmethod
    def component_progress(self, gmm: GaussianMixture) -> np.ndarray:
        """Learning-progress estimate of each mixture component (sampling weights)."""

    # -- the loop --------------------------------------------------------------------------
    def act(self, obs: Any) -> np.ndarray:
        cfg = self.config
        # Bootstrap, then a share of uniformly random tasks.
        if self.gmm is None or self.rng.random() < cfg.random_task_ratio:
            return self.box.cast(self.box.uniform(self.rng))
        # Choose a Gaussian in proportion to its learning progress and sample a task from it,
        # dropping the extra (learning-progress) columns.
        k = proportional_choice(self._progress, self.rng)
        z = self.rng.standard_normal(self._chol.shape[1])
        point = self.gmm.means_[k] + self._chol[k] @ z
        return self.box.cast(self.box.clip(point[: self.box.dims]))

    def observe(self, action: Any, reward: float, next_obs: Any) -> None:
        task = self.box.check(action)
        row = np.concatenate([task, self.data_row(task, float(reward))])
        rate = self.config.fit_rate
        self.rows[self.n_tasks % rate] = row  # ring buffer of the last fit_rate rows
        self.n_tasks += 1
        if self.n_tasks % rate == 0:
            self.fit()

    def fit(self) -> None:
        """Fit the mixtures to the last ``fit_rate`` rows and keep the best by AIC."""
        self.gmm = fit_best_gmm(self.rows, self.config.gmm_sizes, self.rng, self.config.n_init)
        self._chol = np.linalg.cholesky(self.gmm.covariances_)
        self._progress = self.component_progress(self.gmm)
