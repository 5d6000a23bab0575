"""edusim's Gymnasium environments; importing this module registers their ids.

| id                  | what the teacher chooses                 | vectorized |
|---------------------|------------------------------------------|------------|
| ``edusim/Tutor-v0`` | a practice item for one BKT learner      | native     |

Example:
    >>> import gymnasium as gym
    >>> import edusim
    >>> gym.spec("edusim/Tutor-v0").max_episode_steps
    100
"""

from __future__ import annotations

from gymnasium.envs.registration import register, registry

__all__ = ["ENV_IDS"]

#: Every environment id edusim registers (filled by the registration calls below).
ENV_IDS: list[str] = []


def _register(env_id: str, **spec) -> None:
    if env_id not in registry:
        register(id=env_id, **spec)
    if env_id not in ENV_IDS:
        ENV_IDS.append(env_id)


_register(
    "edusim/Tutor-v0",
    entry_point="edusim.envs.tutor:TutorEnv",
    vector_entry_point="edusim.envs.tutor_vector:TutorVectorEnv",
    max_episode_steps=100,
)
_register(
    "edusim/TutorLogistic-v0",
    entry_point="edusim.envs.tutor:TutorEnv",
    vector_entry_point="edusim.envs.tutor_vector:TutorVectorEnv",
    max_episode_steps=100,
    kwargs={"learner": "logistic"},
)
from edusim.envs import (  # noqa: E402, F401  (each module registers its ids)
    kss_registry,
    task_space_registry,
)
