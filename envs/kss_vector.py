"""Natively vectorized ``edusim/KSS-v0``: N KSS learners stepped in one batched call."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from edusim.envs.kss_batch import KSSBatch, KSSConfig, LearnerMode
from edusim.envs.seeding import reset_keys
from edusim.envs.vector_base import BatchedVectorEnv
from edusim.learners.kss import KSS_DIFFICULTY, KSSParams

__all__ = ["KSSVectorEnv"]


class KSSVectorEnv(BatchedVectorEnv):
    """``num_envs`` independent copies of :class:`~edusim.envs.kss.KSSEnv` in one batch.

    With ``reset(seed=s)``, row ``i`` behaves exactly like ``KSSEnv`` reset with seed
    ``s + i`` and given the same actions (each row has its own counter-based random streams
    and pool, see :mod:`edusim.streams`). Episodes are cut after ``max_episode_steps``
    (``truncated``) and restart on the next step (Gymnasium's ``NEXT_STEP`` autoreset: that
    step returns the new episode's first observation with reward 0 and ignores its action),
    like an unseeded ``reset()`` of the single env. The growth rule's recursive spill-over is
    one matrix row per learner (:mod:`edusim.learners.kss`): no Python loop over learners.

    In ``learner_mode="mutate"`` each row keeps its own pool of ``pool_size`` learners,
    ``num_envs * pool_size * 10`` floats at most (memory is committed as learners are drawn).

    Example:
        >>> import gymnasium as gym, edusim
        >>> envs = gym.make_vec("edusim/KSS-v0", num_envs=4,
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> obs.shape
        (4, 40)
    """

    def __init__(
        self,
        num_envs: int = 1,
        pool_size: int | None = 4000,
        learner_mode: LearnerMode | str = LearnerMode.COPY,
        pool_seed: int | None = 0,
        difficulty: tuple[float, ...] = KSS_DIFFICULTY,
        params: KSSParams | None = None,
        observe_mastery: bool = False,
        max_episode_steps: int | None = None,
    ) -> None:
        self.config = KSSConfig(
            pool_size, learner_mode, pool_seed, difficulty, params, observe_mastery
        )
        self._batch = KSSBatch(self.config, n=num_envs)
        self.learner_model = self._batch.model
        self._init_vector(
            num_envs,
            max_episode_steps,
            spaces.Discrete(self._batch.k),
            spaces.Box(0.0, 1.0, (self._batch.obs_size,), np.float32),
        )
        self._stepped = np.zeros(num_envs, dtype=bool)

    def reset(
        self, *, seed: int | list[int] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        batch = self._batch
        keys = reset_keys(seed, self.num_envs, self.np_random, first=batch.state is None)
        batch.reset(np.ones(self.num_envs, dtype=bool), keys)
        self._needs_reset[:] = False
        self._stepped = np.zeros(self.num_envs, dtype=bool)
        return batch.observation(), self._info()

    def step(
        self, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        batch = self._batch
        if batch.state is None:
            raise gym.error.ResetNeeded("call reset() before step()")
        restart = self._needs_reset
        if restart.any():
            # NEXT_STEP autoreset: these rows start a new episode and ignore their action.
            batch.reset(restart, None)
        reward = batch.step(actions, active=~restart if restart.any() else None)
        self._stepped = ~restart
        return self._finish_step(reward, restart)

    def _info(self) -> dict[str, Any]:
        b, stepped = self._batch, self._stepped
        return {
            "exam": b.exam.copy(),
            "initial_exam": b.initial_exam.copy(),
            "target_size": b.target_size.copy(),
            "learning_gain": b.learning_gain(),
            "pool_index": b.pool_index.copy(),
            "learned": b.learned & stepped,
            "correct": b.correct & stepped,
        }
