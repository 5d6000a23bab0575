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

from edusim.agents._gmm import GMMConfig, GMMTeacher

__all__ = ["CovarGMMConfig", "CovarGMMTeacher"]


@dataclass(frozen=True)
class CovarGMMConfig(GMMConfig):
    """Attributes: those of :class:`~edusim.agents._gmm.GMMConfig` (``fit_rate``,
    ``random_task_ratio``, ``gmm_sizes``, ``n_init``; the registry's ``covar-gmm-fast`` refits
    every 20 tasks instead of 250), and
    absolute_lp: Use ``|cov(time, reward)|`` instead of its positive part.
    """

    absolute_lp: bool = False


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
