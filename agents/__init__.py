"""Teacher agents, built by name.

Example:
    >>> import gymnasium as gym, edusim
    >>> from edusim import agents
    >>> teacher = agents.make("mastery-threshold", gym.make("edusim/Tutor-v0"), seed=0)
    >>> "random" in agents.names()
    True
"""

from __future__ import annotations

from edusim.agents import fixed_order, mastery_threshold, random  # noqa: F401  (registers)
from edusim.agents.base import Teacher, make, names, register

__all__ = ["Teacher", "make", "names", "register"]
from edusim.agents import alp_gmm, covar_gmm, exp3, llm, ppo, riac, zpdes  # noqa: E402, F401
