"""Natively vectorized ``edusim/Tutor-v0``: N learners stepped in one batched call."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from edusim.curriculum import Curriculum
from edusim.envs.seeding import reset_keys
from edusim.envs.tutor_batch import TutorBatch, TutorConfig
from edusim.envs.vector_base import BatchedVectorEnv
from edusim.learners import LearnerModel

__all__ = ["TutorVectorEnv"]


class TutorVectorEnv(BatchedVectorEnv):
    """``num_envs`` independent copies of :class:`~edusim.envs.tutor.TutorEnv` in one batch.

    Same dynamics as ``num_envs`` single environments: with ``reset(seed=s)``, learner ``i``
    behaves exactly like ``TutorEnv`` reset with seed ``s + i`` and given the same actions
    (each learner has its own counter-based random stream, see :mod:`edusim.streams`).
    Episodes are cut after ``max_episode_steps`` (``truncated``) and reset on the next step
    (Gymnasium's ``NEXT_STEP`` autoreset: that step returns the first observation of the new
    episode with reward 0 and ignores its action).

    Example:
        >>> import gymnasium as gym, edusim
        >>> envs = gym.make_vec("edusim/Tutor-v0", num_envs=4,
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> obs.shape[0]
        4
    """

    def __init__(
        self,
        num_envs: int = 1,
        curriculum: str | Curriculum = "fractions",
        learner: str | LearnerModel = "bkt",
        learner_params: dict | None = None,
        heterogeneity: float | None = None,
        window: int = 5,
        attempts_cap: int = 20,
        time_scale: int = 200,
        observe_mastery: bool = False,
        max_episode_steps: int | None = None,
    ) -> None:
        config = TutorConfig(
            curriculum, learner, learner_params, heterogeneity, window, attempts_cap,
            time_scale, observe_mastery,
        )
        self._batch = TutorBatch(config, n=num_envs)
        self.config = config
        self.curriculum = self._batch.curriculum
        self.learner_model = self._batch.model
        self._init_vector(
            num_envs,
            max_episode_steps,
            spaces.Discrete(self._batch.n_actions),
            spaces.Box(0.0, 1.0, (self._batch.obs_size,), np.float32),
        )
        self._started = False

    def reset(
        self, *, seed: int | list[int] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        batch = self._batch
        everyone = np.ones(self.num_envs, dtype=bool)
        keys = reset_keys(seed, self.num_envs, self.np_random, first=not self._started)
        batch.reset(everyone, batch.streams.next_keys() if keys is None else keys)
        self._started = True
        self._needs_reset[:] = False
        return batch.observation(), self._info()

    def step(
        self, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        if not self._started:
            raise gym.error.ResetNeeded("call reset() before step()")
        batch = self._batch
        actions = np.asarray(actions)
        restart = self._needs_reset.copy()
        if restart.any():
            # NEXT_STEP autoreset: these learners start over and their actions are ignored.
            actions = np.where(restart, 0, actions)
        _, reward = batch.step(actions)
        if restart.any():
            batch.reset(restart, batch.streams.next_keys(restart))
        return self._finish_step(reward, restart)

    def _info(self) -> dict[str, Any]:
        mastery = self._batch.mastery()
        return {"post_test": self._batch.score.copy(), "mastery": mastery.mean(axis=1)}
