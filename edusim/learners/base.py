"""The learner-model interface: batched, functional, seeded.

A learner model simulates ``n`` learners at once. Its state is a dataclass of arrays whose
leading axis is the learner; methods take the state and return a new one, so one model object
serves any number of independent batches. Items are indices into the model's item space
(for curriculum-based models: ``curriculum.all_items``, practice items first).

Random draws come from ``rng``: a :class:`numpy.random.Generator` or an
:class:`edusim.streams.LearnerStreams` (environments use the latter so that a batch of N equals
N batches of one). Only ``rng.random(size)`` and ``rng.standard_normal(size)`` are used, always
with the learner as the leading axis of ``size``.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

import numpy as np

from edusim.config import NoConfig, config_from_kwargs

if TYPE_CHECKING:
    from edusim.curriculum import Curriculum

__all__ = ["LearnerKind", "LearnerModel", "RandomSource", "scatter_state", "select_state"]


class RandomSource(Protocol):
    """What learner models need from a random generator."""

    def random(self, size: Any) -> np.ndarray: ...

    def standard_normal(self, size: Any) -> np.ndarray: ...


State = TypeVar("State")
Plan = TypeVar("Plan")


class LearnerKind:
    """What a kind of learner model declares about itself, so that nothing outside its file
    names it: the registry (:data:`edusim.learners.LEARNERS`) points at a class with these.

    Attributes:
        params_class: Its parameters dataclass (the one place of their defaults).
        spread_field: The field of ``params_class`` that sets how different the learners of
            a population are (an env's ``heterogeneity``); ``None`` if it has none.
        cohort_params: Parameters a simulated cohort uses unless told otherwise
            (:func:`edusim.planning.simulate_profile`).
        from_profile: Optional hook ``from_profile(curriculum, mastery, spread) -> model``:
            learners that start at a group's mean mastery per skill (``mastery``, shape
            ``(n_skills,)``) with abilities spread by ``spread`` (a standard deviation of the
            group's ability); ``None`` when the model cannot (the class simulation of a lesson
            plan needs it).
        own_curriculum: Whether ``build(None, ...)`` gives a model over a curriculum of its
            own (``model.curriculum``), which an env then uses when given none.
    """

    params_class: ClassVar[type] = NoConfig
    spread_field: ClassVar[str | None] = None
    cohort_params: ClassVar[Mapping[str, Any]] = MappingProxyType({})
    from_profile: ClassVar[Callable[..., LearnerModel] | None] = None
    own_curriculum: ClassVar[bool] = False

    @classmethod
    def build(cls, curriculum: Curriculum | None, **params: Any) -> LearnerModel:
        """The model over ``curriculum`` with ``params`` (fields of :attr:`params_class`)."""
        return cls(curriculum, config_from_kwargs(  # type: ignore[call-arg]
            cls.params_class, params, f"learner model {cls.__name__}"))


class LearnerModel(LearnerKind, ABC, Generic[State]):
    """Simulates a batch of learners answering items and learning from them.

    Subclasses set ``n_skills`` and ``n_items`` and implement the abstract methods; as a
    :class:`LearnerKind` they declare their parameters, spread field and profile hook.
    """

    n_skills: int
    n_items: int

    @abstractmethod
    def init_state(self, n: int, rng: RandomSource) -> State:
        """Fresh state for ``n`` learners drawn from the model's population."""

    @abstractmethod
    def p_correct_matrix(self, state: State, items: np.ndarray) -> np.ndarray:
        """Probability that each learner answers each of ``items`` (shape ``(m,)``): ``(n, m)``."""

    @abstractmethod
    def p_correct(self, state: State, items: np.ndarray) -> np.ndarray:
        """Probability that learner ``j`` answers ``items[j]`` correctly: shape ``(n,)``."""

    @abstractmethod
    def update(
        self, state: State, items: np.ndarray, correct: np.ndarray, rng: RandomSource
    ) -> State:
        """State after learner ``j`` practised ``items[j]`` and answered ``correct[j]``.

        One call is one time step for every learner in the batch (forgetting runs per step).
        """

    @abstractmethod
    def mastery(self, state: State) -> np.ndarray:
        """Mastery per skill in ``[0, 1]``: shape ``(n, n_skills)``."""

    def respond(self, state: State, items: np.ndarray, rng: RandomSource) -> np.ndarray:
        """Sampled responses (bool, shape ``(n,)``) of each learner to its item."""
        p = self.p_correct(state, items)
        return rng.random((p.shape[0],)) < p

    def expected_score(self, state: State, items: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Expected weighted test score of each learner on ``items``: shape ``(n,)``."""
        return (self.p_correct_matrix(state, items) * weights[None, :]).sum(axis=1)

    def check_items(self, items: np.ndarray) -> np.ndarray:
        """``items`` as an int array, or a ``ValueError`` naming the first bad index."""
        items = np.asarray(items)
        if items.dtype.kind not in "iu":
            raise ValueError(f"item indices must be integers, got dtype {items.dtype}")
        if items.size == 1 and 0 <= items.item() < self.n_items:  # one learner: no reductions
            return items.astype(np.int64, copy=False)
        bad = (items < 0) | (items >= self.n_items)
        if bad.any():
            raise ValueError(
                f"item index {int(items[bad][0])} out of range [0, {self.n_items}) "
                f"for {type(self).__name__}"
            )
        return items.astype(np.int64, copy=False)

    def for_item_set(self, items: np.ndarray, build: Callable[[np.ndarray], Plan]) -> Plan:
        """``build(checked items)``, kept per item set (at most 64 sets per model).

        Environments ask about the same post-test items every step; what a model derives from
        them (lookups, masks) need not be rebuilt each time.
        """
        items = np.asarray(items)
        key = (items.shape, items.tobytes()) if items.dtype == np.int64 else None
        plans = self.__dict__.setdefault("_item_set_plans", {})
        plan = plans.get(key) if key is not None else None
        if plan is None:
            plan = build(self.check_items(items))
            if key is not None and len(plans) < 64:
                plans[key] = plan
        return plan


def scatter_state(state: State, mask: np.ndarray, part: State) -> State:
    """A copy of ``state`` whose learners selected by ``mask`` are replaced by ``part``."""
    values = {}
    for f in dataclasses.fields(state):  # type: ignore[arg-type]
        array = np.array(getattr(state, f.name), copy=True)
        array[mask] = getattr(part, f.name)
        values[f.name] = array
    return type(state)(**values)


def select_state(state: State, index: np.ndarray | slice) -> State:
    """The learners ``index`` selects, as a smaller state."""
    return type(state)(
        **{f.name: getattr(state, f.name)[index] for f in dataclasses.fields(state)}  # type: ignore[arg-type]
    )
