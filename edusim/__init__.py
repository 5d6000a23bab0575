"""edusim: a simulator for teaching.

Learners, curricula and teachers are three separate pieces that meet in a Gymnasium
environment. Importing ``edusim`` registers every environment id (``edusim/Tutor-v0``, ...).

Example:
    >>> import gymnasium as gym
    >>> import edusim
    >>> env = gym.make("edusim/Tutor-v0")
    >>> obs, info = env.reset(seed=0)
"""

from __future__ import annotations

__version__ = "0.1.0"

from edusim import envs as _envs  # noqa: F401  (registers the environment ids)
