"""Natively vectorized ``edusim/TaskSpace-v0``: N learners stepped in one batched call."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from edusim.envs.seeding import reset_keys
from edusim.envs.task_space_core import TaskSpaceBatch, TaskSpaceConfig
from edusim.envs.vector_base import BatchedVectorEnv

__all__ = ["TaskSpaceVectorEnv"]


class TaskSpaceVectorEnv(BatchedVectorEnv):
    """``num_envs`` independent copies of :class:`~edusim.envs.task_space.TaskSpaceEnv`.

    With ``reset(seed=s)``, learner ``i`` behaves exactly like ``TaskSpaceEnv`` reset with seed
    ``s + i`` and given the same tasks. Episodes are cut after ``max_episode_steps``
    (``truncated``) and reset on the next step (Gymnasium's ``NEXT_STEP`` autoreset: that step
    returns the first observation of the new episode with reward 0 and ignores its action).

    Example:
        >>> import gymnasium as gym, edusim
        >>> envs = gym.make_vec("edusim/TaskSpace-v0", num_envs=3,
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> obs.shape
        (3, 100)
    """

    def __init__(
        self,
        num_envs: int = 1,
        n_dims: int = 2,
        cells_per_dim: int = 10,
        n_distractors: int = 0,
        unlearnable: float = 0.0,
        learning_rate: float = 0.01,
        mastery_threshold: float = 0.75,
        noise: float = 0.0,
        max_episode_steps: int | None = None,
    ) -> None:
        self.config = TaskSpaceConfig(
            n_dims, cells_per_dim, n_distractors, unlearnable, learning_rate,
            mastery_threshold, noise,
        )
        self._batch = TaskSpaceBatch(self.config, n=num_envs)
        self._init_vector(
            num_envs,
            max_episode_steps,
            spaces.Box(0.0, 1.0, (self.config.task_dims,), np.float32),
            spaces.Box(0.0, 1.0, (self.config.n_cells,), np.float32),
        )

    def reset(
        self, *, seed: int | list[int] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        batch = self._batch
        keys = reset_keys(seed, self.num_envs, self.np_random, first=not batch.started)
        batch.reset(np.ones(self.num_envs, dtype=bool),
                    batch.streams.next_keys() if keys is None else keys)
        self._needs_reset[:] = False
        return batch.observation(), self._info()

    def step(
        self, actions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        batch = self._batch
        if not batch.started:
            raise gym.error.ResetNeeded("call reset() before step()")
        actions = np.asarray(actions, dtype=np.float64)
        restart = self._needs_reset.copy()
        if restart.any():
            # NEXT_STEP autoreset: these learners start over and their tasks are ignored.
            actions = np.where(restart[:, None], 0.0, actions)
        reward = batch.step(actions)
        if restart.any():
            batch.reset(restart, batch.streams.next_keys(restart))
        return self._finish_step(reward, restart)

    def _info(self) -> dict[str, Any]:
        return {"score": self._batch.score(), "learnable_score": self._batch.learnable_score()}
