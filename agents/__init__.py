"""Teacher agents, built by name from one table (:mod:`edusim.agents.registry`).

Nothing is imported until a teacher is built. A new teacher is one file under ``agents/`` plus
one line in :data:`TEACHERS`; a user's own teacher joins at run time with :func:`register`.

Example:
    >>> import gymnasium as gym, edusim
    >>> from edusim import agents
    >>> teacher = agents.make("mastery-threshold", gym.make("edusim/Tutor-v0"), seed=0)
    >>> "random" in agents.names()
    True
"""

from __future__ import annotations

from edusim.agents.base import Teacher
from edusim.agents.registry import (
    TEACHERS,
    compatible,
    env_traits,
    make,
    names,
    teacher_class,
)
from edusim.registry import Entry

#: Add a teacher at run time: ``register(name, Entry("module:Class", "Name", "One sentence.",
#: {"supports": (...)}))``.
register = TEACHERS.register

__all__ = [
    "TEACHERS",
    "Entry",
    "Teacher",
    "compatible",
    "env_traits",
    "make",
    "names",
    "register",
    "teacher_class",
]
