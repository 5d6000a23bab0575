"""Teacher agents, built by name.

Example:
    >>> import gymnasium as gym, edusim
    >>> from edusim import agents
    >>> teacher = agents.make("mastery-threshold", gym.make("edusim/Tutor-v0"), seed=0)
    >>> "random" in agents.names()
    True
"""

from __future__ import annotations

# Importing each teacher module registers it.
from edusim.agents import (  # noqa: F401
    alp_gmm,
    covar_gmm,
    datagen_fixed,
    datagen_lp,
    datagen_uniform,
    datagen_weakest,
    exp3,
    fixed_order,
    llm,
    llm_proposer,
    mastery_threshold,
    ppo,
    proposal_baselines,
    random,
    riac,
    rloo_proposer,
    zpdes,
)
from edusim.agents.base import Teacher, compatible, make, names, register, teacher_class

__all__ = ["Teacher", "compatible", "make", "names", "register", "teacher_class"]
