"""Batched learner models and their registry.

Every kind of learner model is one line of :data:`LEARNERS` pointing at a class that declares
what the rest of edusim needs to know about it (:class:`~edusim.learners.base.LearnerKind`:
its parameters dataclass, its population-spread field, its cohort defaults and its profile
hook), so nothing outside a model's own file names it. Nothing is imported until used.

Example:
    >>> from edusim.curriculum import load_builtin
    >>> model = make("bkt", load_builtin("fractions"), p_learn=0.3)
    >>> names()[:2]
    ['bkt', 'logistic']
    >>> spread_field("logistic")
    'ability_sd'
"""

from __future__ import annotations

from typing import Any

from edusim.config import ConfigError
from edusim.curriculum import Curriculum
from edusim.learners.base import (
    LearnerKind,
    LearnerModel,
    RandomSource,
    scatter_state,
    select_state,
)
from edusim.learners.bkt import BKTLearner, BKTParams, BKTState, ForgetMode
from edusim.learners.logistic import LogisticLearner, LogisticParams, LogisticState
from edusim.registry import Entry, Registry

__all__ = [
    "LEARNERS",
    "LearnerKind",
    "LearnerModel",
    "RandomSource",
    "BKTLearner",
    "BKTParams",
    "ForgetMode",
    "BKTState",
    "LogisticLearner",
    "LogisticParams",
    "LogisticState",
    "kind",
    "make",
    "names",
    "profile_models",
    "register",
    "scatter_state",
    "select_state",
    "spread_field",
]

#: name -> learner-model kind (a :class:`LearnerKind`: its ``build(curriculum, **params)``).
LEARNERS: Registry[type[LearnerKind]] = Registry("learner model", {
    "bkt": Entry(
        "edusim.learners.bkt:BKTLearner", "BKT",
        "Each skill is known or not and is learned with some chance at each practice "
        "(Bayesian knowledge tracing; prerequisites gate learning)."),
    "logistic": Entry(
        "edusim.learners.logistic:LogisticLearner", "Logistic (IRT + PFA)",
        "A smooth ability per skill that grows with practice and fades without it "
        "(IRT ability and difficulty, PFA practice effects, forgetting)."),
    "kss": Entry(
        "edusim.learners.kss:KSSLearner", "KSS",
        "The knowledge-structure simulator of EduSim 0.0.2: abilities that spill over to "
        "successor skills, deterministic tests."),
    "fitted": Entry(
        "edusim.kt.fitted_learner:FittedLearner", "Fitted on data",
        "A BKT, DKT or SAKT model fitted on real data (edusim kt fit), answering as the "
        "model predicts."),
})

#: Add a learner model at run time: ``register(name, Entry("module:Class", "Name", "One
#: sentence."))``, the class a :class:`LearnerKind`.
register = LEARNERS.register


def names() -> list[str]:
    """Registered learner-model names, in table order."""
    return LEARNERS.names()


def kind(name: str) -> type[LearnerKind]:
    """The class of learner model ``name``; an unknown name raises
    :class:`~edusim.registry.UnknownNameError` (a ``ValueError``) listing the valid ones."""
    return LEARNERS.load(name)


def make(name: str, curriculum: Curriculum | None, **params: Any) -> LearnerModel:
    """Build the learner model ``name`` over ``curriculum`` with ``params``.

    Raises:
        ValueError: An unknown name (listing the valid ones) or bad parameters.
    """
    try:
        return kind(name).build(curriculum, **params)
    except ConfigError as exc:
        raise ConfigError(f"bad parameters for learner model {name!r}: {exc}") from None


def spread_field(name: str) -> str:
    """The parameter of learner model ``name`` that sets its population's spread.

    Raises:
        ValueError: When the model declares none.
    """
    field = kind(name).spread_field
    if field is None:
        raise ValueError(f"learner model {name!r} has no population-spread parameter")
    return field


def profile_models() -> list[str]:
    """Learner models that can start at a group profile (they declare ``from_profile``)."""
    return [n for n in names() if kind(n).from_profile is not None]
