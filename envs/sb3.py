"""Any edusim native vector env as a Stable-Baselines3 ``VecEnv``.

SB3 steps a ``VecEnv`` of ``num_envs`` environments and, when one ends, expects the next
episode's first observation at once (with the final one in ``infos[i]["terminal_observation"]``),
where Gymnasium's ``NEXT_STEP`` autoreset returns it one step later. :class:`SB3VecEnv` resets
the finished rows straight away through ``reset(options={"reset_mask": done})``, so PPO on
``as_sb3_vec_env(gym.make_vec(id, num_envs=N, vectorization_mode="vector_entry_point"))`` sees
exactly what it sees on SB3's ``DummyVecEnv`` of ``N`` single envs seeded ``s, s+1, ...``,
while all ``N`` learners step in one batched call. Torch envs (``device=...``) are
converted to numpy at this boundary.

Example:
    >>> import gymnasium as gym, edusim
    >>> venv = as_sb3_vec_env(gym.make_vec("edusim/Tutor-v0", num_envs=4,
    ...                                    vectorization_mode="vector_entry_point"))
    >>> _ = venv.seed(0)
    >>> venv.reset().shape
    (4, 45)
    >>> obs, rewards, dones, infos = venv.step(np.zeros(4, dtype=np.int64))
    >>> rewards.shape, len(infos)
    ((4,), 4)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from stable_baselines3.common.vec_env.base_vec_env import VecEnv, VecEnvIndices

__all__ = ["SB3VecEnv", "as_sb3_vec_env"]


def as_sb3_vec_env(vector_env: gym.vector.VectorEnv) -> SB3VecEnv:
    """``vector_env`` (a native edusim vector env, or one that supports
    ``reset(options={"reset_mask": mask})``) as a Stable-Baselines3 ``VecEnv``."""
    return SB3VecEnv(vector_env)


class SB3VecEnv(VecEnv):
    """A Gymnasium vector env presented as a Stable-Baselines3 ``VecEnv``.

    Attribute access (``get_attr``, ``set_attr``, ``env_method``) reaches the one batched
    env: every index sees the same object, and ``env_method`` calls the method once and
    returns its result for each index asked about.

    Args:
        vector_env: The vector env; finished rows are restarted with
            ``reset(options={"reset_mask": done})``.
    """

    def __init__(self, vector_env: gym.vector.VectorEnv) -> None:
        self.venv = vector_env
        self.render_mode = getattr(vector_env, "render_mode", None)
        super().__init__(
            vector_env.num_envs,
            vector_env.single_observation_space,
            vector_env.single_action_space,
        )
        self._actions: np.ndarray | None = None

    # -- the VecEnv protocol -----------------------------------------------------------
    def reset(self) -> np.ndarray:
        seeds = self._seeds
        if all(s is None for s in seeds):
            seed: int | list[int] | None = None
        elif all(s == seeds[0] + i for i, s in enumerate(seeds)):
            seed = int(seeds[0])  # row i gets seed + i, as DummyVecEnv's env i
        else:
            seed = [int(s) for s in seeds]  # type: ignore[arg-type]
        options = self._options[0] or None
        obs, info = self.venv.reset(seed=seed, options=options)
        self.reset_infos = [{} for _ in range(self.num_envs)]
        self._reset_seeds()
        self._reset_options()
        return _numpy(obs)

    def step_async(self, actions: np.ndarray) -> None:
        self._actions = np.asarray(actions)

    def step_wait(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[dict[str, Any]]]:
        obs, rewards, terminated, truncated, _ = map(_numpy, self.venv.step(self._actions))
        dones = terminated | truncated
        infos: list[dict[str, Any]] = [{} for _ in range(self.num_envs)]
        if dones.any():
            rows = np.flatnonzero(dones)
            final = obs[rows]
            for j, i in enumerate(rows):
                infos[i]["terminal_observation"] = final[j]
                infos[i]["TimeLimit.truncated"] = bool(truncated[i] and not terminated[i])
            obs = _numpy(self.venv.reset(options={"reset_mask": dones})[0])
        return obs, np.asarray(rewards, dtype=np.float32), dones, infos

    def close(self) -> None:
        self.venv.close()

    def get_attr(self, attr_name: str, indices: VecEnvIndices = None) -> list[Any]:
        value = getattr(self.venv, attr_name)
        return [value for _ in self._get_indices(indices)]

    def set_attr(self, attr_name: str, value: Any, indices: VecEnvIndices = None) -> None:
        setattr(self.venv, attr_name, value)

    def env_method(
        self, method_name: str, *method_args: Any, indices: VecEnvIndices = None,
        **method_kwargs: Any,
    ) -> list[Any]:
        result = getattr(self.venv, method_name)(*method_args, **method_kwargs)
        return [result for _ in self._get_indices(indices)]

    def env_is_wrapped(self, wrapper_class: type, indices: VecEnvIndices = None) -> list[bool]:
        return [False for _ in self._get_indices(indices)]

    def get_images(self) -> Sequence[np.ndarray | None]:
        return [None for _ in range(self.num_envs)]


def _numpy(value: Any) -> Any:
    """Torch tensors (``device=...`` envs) as numpy arrays, for SB3; anything else as is."""
    return value.cpu().numpy() if hasattr(value, "cpu") else value
