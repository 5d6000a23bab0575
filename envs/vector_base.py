"""What edusim's natively vectorized environments share: spaces, episode ends, autoreset.

Each vector env wraps a batched core (``envs/*_batch.py``, ``envs/task_space_core.py``) whose
rows are learners; this base class holds the Gymnasium ``VectorEnv`` plumbing so that every
env implements only ``reset``/``step`` dynamics and its ``_info``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

__all__ = ["BatchedVectorEnv"]


class BatchedVectorEnv(VectorEnv):
    """Base of the native vector envs (``NEXT_STEP`` autoreset, registry-set episode length).

    Subclasses call :meth:`_init_vector` in ``__init__``, keep their batched core in
    ``self._batch`` (with ``steps`` and ``observation()``), implement ``_info()``, and end
    ``step`` with :meth:`_finish_step`.
    """

    metadata = {"render_modes": [], "autoreset_mode": AutoresetMode.NEXT_STEP}
    _batch: Any

    def _init_vector(
        self,
        num_envs: int,
        max_episode_steps: int | None,
        single_action_space: spaces.Space,
        single_observation_space: spaces.Space,
    ) -> None:
        if num_envs < 1:
            raise ValueError(f"num_envs must be >= 1, got {num_envs}")
        if max_episode_steps is not None and max_episode_steps < 1:
            raise ValueError(f"max_episode_steps must be >= 1, got {max_episode_steps}")
        self.num_envs = num_envs
        self.max_episode_steps = max_episode_steps
        self.single_action_space = single_action_space
        self.single_observation_space = single_observation_space
        self.action_space = batch_space(single_action_space, num_envs)
        self.observation_space = batch_space(single_observation_space, num_envs)
        self._needs_reset = np.zeros(num_envs, dtype=bool)

    def _info(self) -> dict[str, Any]:
        raise NotImplementedError

    def _finish_step(
        self, reward: np.ndarray, restarted: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """The step's return value: rows restarted this step get reward 0; rows whose
        episode just reached ``max_episode_steps`` are truncated and restart next step."""
        reward = np.where(restarted, 0.0, reward)
        truncated = np.zeros(self.num_envs, dtype=bool)
        if self.max_episode_steps is not None:
            truncated = self._batch.steps >= self.max_episode_steps
        terminated = np.zeros(self.num_envs, dtype=bool)
        self._needs_reset = truncated | terminated
        return self._batch.observation(), reward, terminated, truncated, self._info()
