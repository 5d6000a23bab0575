"""Covar-GMM: learning progress as the time-competence covariance of Gaussian components.

Moulin-Frier, Nguyen & Oudeyer (2014), "Self-organization of early vocal development in
infants and machines: the role of intrinsic motivation", Frontiers in Psychology; used as a
baseline (with the settings below) by Portelas et al. (2019), CoRL.

Steps: every ``fit_rate`` tasks, mixtures of 2..10 Gaussians are fitted over the last
``fit_rate`` ``(task, time, reward)`` points (time is the task's position within that window,
in ``[0, 1)``) and the best by AIC is kept; a component's learning progress is its
time-reward covariance (positive part, or absolute value with ``absolute_lp``); a share
``random_task_ratio`` of tasks is uniform, the rest come from a component chosen in
proportion to its learning progress.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.mixture import GaussianMixture

from edusim.agents._gmm import GMMTeacher

__all__ = ["CovarGMMConfig", "CovarGMMTeacher"]


@dataclass(frozen=True)
class CovarGMMConfig:
    """Attributes (defaults from the reference implementation of Portelas et al.,
    ``teachDRL/teachers/algos/covar_gmm.py``; the registry's ``covar-gmm-fast`` refits every
    20 tasks instead):
    fit_rate: Tasks between two fits; also the bootstrap length and the fitting window.
    random_task_ratio: Share of tasks drawn uniformly once the mixture exists.
    gmm_sizes: Numbers of components tried at each fit (best by AIC).
    n_init: EM restarts per mixture.
    absolute_lp: Use ``|cov(time, reward)|`` instead of its positive part.
    """

    fit_rate: int = 250
    random_task_ratio: float = 0.2
    gmm_sizes: tuple[int, ...] = tuple(range(2, 11))
    n_init: int = 1
    absolute_lp: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "gmm_sizes", tuple(self.gmm_sizes))
        if self.fit_rate < max(self.gmm_sizes, default=1):
            raise ValueError(f"fit_rate {self.fit_rate} is smaller than a mixture size")
        if not 0.0 <= self.random_task_ratio <= 1.0:
            raise ValueError(f"random_task_ratio must lie in [0, 1], got {self.random_task_ratio}")


class CovarGMMTeacher(GMMTeacher):
    """Samples tasks from Gaussians whose reward grows over time (Moulin-Frier et al. 2014).

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/TaskSpace-v0")
        >>> teacher = CovarGMMTeacher(env, seed=0)
        >>> env.action_space.contains(teacher.act(None))
        True
    """

    config_class = CovarGMMConfig
    extra_columns = 2

    def data_row(self, task: np.ndarray, reward: float) -> np.ndarray:
        time = (self.n_tasks % self.config.fit_rate) / self.config.fit_rate
        return np.array([time, reward])

    def component_progress(self, gmm: GaussianMixture) -> np.ndarray:
        covariance = gmm.covariances_[:, -2, -1]  # cov(time, reward) of each Gaussian
        return np.abs(covariance) if self.config.absolute_lp else np.maximum(covariance, 0.0)
