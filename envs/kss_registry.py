"""Registers ``edusim/KSS-v0`` (imported by :mod:`edusim.envs`).

Example:
    >>> import gymnasium as gym
    >>> import edusim
    >>> gym.spec("edusim/KSS-v0").max_episode_steps
    20
"""

from __future__ import annotations

from edusim.envs import _register

_register(
    "edusim/KSS-v0",
    entry_point="edusim.envs.kss:KSSEnv",
    vector_entry_point="edusim.envs.kss_vector:KSSVectorEnv",
    max_episode_steps=20,
)
