"""Registrations of the task-space environments (imported at the end of ``edusim.envs``)."""

from __future__ import annotations

from edusim.envs import _register

_register(
    "edusim/TaskSpace-v0",
    entry_point="edusim.envs.task_space:TaskSpaceEnv",
    vector_entry_point="edusim.envs.task_space_vector:TaskSpaceVectorEnv",
    max_episode_steps=20_000,
)
_register(
    "edusim/TaskSpaceTorch-v0",
    entry_point="edusim.envs.task_space_torch:TaskSpaceTorchEnv",
    max_episode_steps=2_000,
)
