"""ALP-GMM: absolute learning progress with Gaussian mixtures.

Portelas, Colas, Hofmann & Oudeyer (2019), "Teacher algorithms for curriculum learning of Deep
RL in continuously parameterized environments", CoRL 2019.

Steps, as in the paper: (1) the absolute learning progress (ALP) of a new task is
``|reward - reward of the nearest earlier task|``; (2) every ``fit_rate`` tasks, mixtures of
2..10 Gaussians are fitted over the last ``fit_rate`` ``(task, ALP)`` points and the best by AIC
is kept; (3) a share ``random_task_ratio`` of tasks is drawn uniformly, the rest from a
Gaussian chosen in proportion to its mean ALP.

The nearest-neighbour search uses a KD-tree over old tasks plus a vectorized scan of the recent
ones, so the per-task cost does not grow with a Python loop over the history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.mixture import GaussianMixture

from edusim.agents._gmm import GMMConfig, GMMTeacher
from edusim.agents._lp import NearestNeighbourRewards

__all__ = ["ALPGMMConfig", "ALPGMMTeacher"]


@dataclass(frozen=True)
class ALPGMMConfig(GMMConfig):
    """Attributes: those of :class:`~edusim.agents._gmm.GMMConfig` (``fit_rate``,
    ``random_task_ratio``, ``gmm_sizes``, ``n_init``), and
    min_history: Tasks stored before ALP is computed (earlier tasks get ALP 0).
    buffer_size: Recent tasks scanned outside the KD-tree before it is rebuilt.
    """

    min_history: int = 6
    buffer_size: int = 500


class ALPGMMTeacher(GMMTeacher):
    """Samples tasks where absolute learning progress is high (Portelas et al. 2019).

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/TaskSpace-v0")
        >>> teacher = ALPGMMTeacher(env, seed=0, fit_rate=20)
        >>> obs, _ = env.reset(seed=0)
        >>> for _ in range(40):
        ...     task = teacher.act(obs)
        ...     obs, reward, *_ = env.step(task)
        ...     teacher.observe(task, reward, obs)
        >>> teacher.gmm is not None
        True
    """

    config_class = ALPGMMConfig
    extra_columns = 1

    def _clear(self) -> None:
        super()._clear()
        self.history = NearestNeighbourRewards(self.box.dims, self.config.buffer_size)

    def data_row(self, task: np.ndarray, reward: float) -> np.ndarray:
        # ALP = |reward - reward of the nearest earlier task|.
        alp = 0.0
        if len(self.history) >= self.config.min_history:
            alp = abs(reward - self.history.nearest_reward(task))
        self.history.add(task, reward)
        return np.array([alp])

    def component_progress(self, gmm: GaussianMixture) -> np.ndarray:
        return gmm.means_[:, -1]  # mean ALP of each Gaussian
