"""Batched learner models and their registry.

Example:
    >>> from edusim.curriculum import load_builtin
    >>> model = make("bkt", load_builtin("fractions"), p_learn=0.3)
    >>> names()[:2]
    ['bkt', 'logistic']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from edusim.curriculum import Curriculum
from edusim.learners.base import LearnerModel, RandomSource, scatter_state, select_state
from edusim.learners.bkt import BKTLearner, BKTParams, BKTState, ForgetMode
from edusim.learners.logistic import LogisticLearner, LogisticParams, LogisticState

__all__ = [
    "LearnerModel",
    "RandomSource",
    "BKTLearner",
    "BKTParams",
    "ForgetMode",
    "BKTState",
    "LogisticLearner",
    "LogisticParams",
    "LogisticState",
    "make",
    "names",
    "register",
    "scatter_state",
    "select_state",
]

LearnerFactory = Callable[..., LearnerModel]

_REGISTRY: dict[str, LearnerFactory] = {
    "bkt": lambda curriculum, **kw: BKTLearner(curriculum, BKTParams(**kw)),
    "logistic": lambda curriculum, **kw: LogisticLearner(curriculum, LogisticParams(**kw)),
}


def register(name: str, factory: LearnerFactory) -> None:
    """Add a learner model: ``factory(curriculum, **params) -> LearnerModel``."""
    if name in _REGISTRY:
        raise ValueError(f"learner model {name!r} is already registered")
    _REGISTRY[name] = factory


def names() -> list[str]:
    """Registered learner-model names."""
    return list(_REGISTRY)


def make(name: str, curriculum: Curriculum, **params: Any) -> LearnerModel:
    """Build the learner model ``name`` over ``curriculum`` with ``params``."""
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown learner model {name!r}; choose from {names()}") from None
    try:
        return factory(curriculum, **params)
    except TypeError as exc:
        raise ValueError(f"bad parameters for learner model {name!r}: {exc}") from None


# Models in their own modules register themselves (after the registry above exists).
from edusim.learners import fitted as _fitted  # noqa: E402, F401  (registers "fitted")
from edusim.learners import kss as _kss  # noqa: E402, F401  (registers "kss")
