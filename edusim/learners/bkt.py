"""Bayesian Knowledge Tracing as a batched simulator (Corbett & Anderson 1995).

Each learner knows or does not know each skill. Answering an item succeeds with probability
``1 - slip`` when every skill it needs is known and ``guess`` otherwise, both shifted on the
logit scale by the item's difficulty. Practising an item teaches each of its unknown skills
with probability ``learn``, scaled by the learner's learning-rate multiplier, and by
``prereq_gate`` while any prerequisite of that skill is unknown. A known skill is forgotten
with probability ``forget``: every step (``forget_on="step"``, time passes for all skills) or
only when practised (``forget_on="practice"``, the forgetting of BKT fits such as pyBKT's and
:func:`edusim.kt.fit_bkt`, where each practice of a skill is one transition of its chain).

Example:
    >>> import numpy as np
    >>> from edusim.curriculum import Curriculum, SkillGraph
    >>> model = BKTLearner(Curriculum.from_graph(SkillGraph.chain(3), seed=0))
    >>> rng = np.random.default_rng(0)
    >>> state = model.init_state(4, rng)
    >>> p = model.p_correct(state, np.array([0, 1, 2, 3]))
    >>> bool(((0 <= p) & (p <= 1)).all())
    True
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from edusim.curriculum import Curriculum
from edusim.learners.base import LearnerModel, RandomSource
from edusim.learners.params import SkillParams
from edusim.numeric import logit, sigmoid
from edusim.one_learner import BATCHED, fast_path

if TYPE_CHECKING:
    from edusim.learners.torch_bkt import TorchBKTLearner

__all__ = ["BKTParams", "BKTState", "BKTLearner", "ForgetMode"]


class ForgetMode(str, enum.Enum):
    """When a known skill can be forgotten."""

    STEP = "step"
    PRACTICE = "practice"


@dataclass(frozen=True)
class BKTParams(SkillParams):
    """BKT parameters; scalars apply to every skill, arrays give one value per skill.

    Attributes:
        p_init: Probability that a skill is known at the start.
        p_learn: Probability of learning a practised, unknown skill in one step.
        p_guess: Probability of answering right without the skills (item of difficulty 0).
        p_slip: Probability of answering wrong with the skills (item of difficulty 0).
        p_forget: Probability that a known skill is forgotten (see ``forget_on``).
        forget_on: ``step``: every known skill may be forgotten after every step;
            ``practice``: only the skills of the practised item, as in fitted BKT.
        prereq_gate: Multiplier on ``p_learn`` while a prerequisite is unknown (0 blocks).
        learn_rate_sd: Population heterogeneity: the standard deviation of the log of each
            learner's learning-rate multiplier (0 makes all learners alike).
        init_from_prerequisites: When true, a skill can only be known initially if all its
            prerequisites are.
    """

    p_init: float | tuple[float, ...] = 0.1
    p_learn: float | tuple[float, ...] = 0.2
    p_guess: float | tuple[float, ...] = 0.2
    p_slip: float | tuple[float, ...] = 0.1
    p_forget: float | tuple[float, ...] = 0.0
    forget_on: ForgetMode | str = ForgetMode.STEP
    prereq_gate: float = 0.1
    learn_rate_sd: float = 0.0
    init_from_prerequisites: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "forget_on", ForgetMode(self.forget_on))
        for name in ("p_init", "p_learn", "p_guess", "p_slip", "p_forget"):
            value = self._skill_values(name)
            if ((value < 0) | (value > 1)).any() or not np.isfinite(value).all():
                raise ValueError(f"BKTParams.{name} must lie in [0, 1], got {value}")
        for name in ("p_guess", "p_slip"):
            if (np.asarray(getattr(self, name)) >= 1).any() or (
                np.asarray(getattr(self, name)) <= 0
            ).any():
                raise ValueError(f"BKTParams.{name} must lie strictly inside (0, 1)")
        guess, slip = np.asarray(self.p_guess), np.asarray(self.p_slip)
        if (guess + slip >= 1).any():
            raise ValueError("BKTParams needs p_guess + p_slip < 1 (else knowing does not help)")
        if not 0 <= self.prereq_gate <= 1:
            raise ValueError(f"prereq_gate must lie in [0, 1], got {self.prereq_gate}")
        if self.learn_rate_sd < 0:
            raise ValueError(f"learn_rate_sd must be >= 0, got {self.learn_rate_sd}")


@dataclass
class BKTState:
    """Batched BKT state.

    Attributes:
        known: ``(n, K)`` bool, which skills each learner knows.
        learn_scale: ``(n,)`` learning-rate multiplier per learner.
    """

    known: np.ndarray
    learn_scale: np.ndarray


@dataclass(frozen=True)
class _MatrixPlan:
    """Item-only parts of :meth:`BKTLearner.p_correct_matrix` for one list of ``m`` items."""

    q: np.ndarray  # (m, K) skills of each item
    skill: np.ndarray | None  # (m,) the one skill of each item, if each has exactly one
    guess: np.ndarray  # (1, m)
    gap: np.ndarray  # (1, m)


class BKTLearner(LearnerModel[BKTState]):
    """Batched BKT learners over a curriculum's skills and items.

    Args:
        curriculum: Skills, prerequisites and items (item ``i`` is ``curriculum.all_items[i]``).
        params: Model parameters.
    """

    params_class = BKTParams
    spread_field = "learn_rate_sd"
    #: A simulated cohort's learners learn at different rates unless told otherwise.
    cohort_params: ClassVar[Mapping[str, float]] = MappingProxyType({"learn_rate_sd": 0.5})

    @classmethod
    def from_profile(
        cls, curriculum: Curriculum, mastery: np.ndarray, spread: float
    ) -> BKTLearner:
        """Learners who know each skill with probability ``mastery`` (independently of its
        prerequisites) and learn at rates spread by half the group's ability spread."""
        params = BKTParams(
            p_init=tuple(np.clip(np.asarray(mastery, dtype=np.float64), 0.0, 1.0)),
            init_from_prerequisites=False,
            learn_rate_sd=min(0.5 * float(spread), 1.0),
        )
        return cls(curriculum, params)

    def __init__(self, curriculum: Curriculum, params: BKTParams | None = None) -> None:
        self.params = params or BKTParams()
        self.curriculum = curriculum
        bank = curriculum.all_items
        self.n_skills = curriculum.n_skills
        self.n_items = len(bank)
        self.q_matrix = bank.q_matrix(curriculum.graph)
        prerequisites = curriculum.graph.prerequisite_matrix()  # [pre, skill]
        self._prereq_of = np.ascontiguousarray(prerequisites.T)  # [skill, pre]
        self.skill_slots = bank.skill_slots(curriculum.graph)  # (n_items, S), -1 padded
        self._item_skills = [tuple(int(k) for k in row if k >= 0) for row in self.skill_slots]
        self._prerequisites = [tuple(np.flatnonzero(row).tolist()) for row in self._prereq_of]
        k = self.n_skills
        p = {n: self.params.per_skill(n, k) for n in ("p_init", "p_learn", "p_guess", "p_slip")}
        self.p_init, self.p_learn = p["p_init"], p["p_learn"]
        self.p_forget = self.params.per_skill("p_forget", k)
        # Item-level guess and slip: the mean of the item's skills, shifted by its difficulty.
        counts = self.q_matrix.sum(axis=1)
        difficulty = bank.difficulties()
        guess = (self.q_matrix @ logit(p["p_guess"])) / counts - difficulty
        slip = (self.q_matrix @ logit(p["p_slip"])) / counts + difficulty
        self.item_guess = sigmoid(guess)
        self.item_slip = sigmoid(slip)
        # Knowing helps: keep guess + slip < 1 on every item, even very hard ones.
        excess = np.maximum(self.item_guess + self.item_slip - 0.98, 0.0)
        self.item_guess -= excess / 2
        self.item_slip -= excess / 2
        self.item_gap = 1.0 - self.item_slip - self.item_guess
        self._forgets = bool((self.p_forget > 0).any())
        graph = curriculum.graph
        self._init_order = [  # (skill, its prerequisites) in topological order, for init_state
            (k, np.flatnonzero(self._prereq_of[k]))
            for k in map(graph.index, graph.topological_order())
            if self._prereq_of[k].any()
        ]

    def init_state(self, n: int, rng: RandomSource) -> BKTState:
        known = rng.random((n, self.n_skills)) < self.p_init[None, :]
        if self.params.init_from_prerequisites:
            # Walk skills in topological order: a skill stays known only if its prerequisites are.
            for k, pre in self._init_order:
                known[:, k] &= known[:, pre].all(axis=1)
        scale = np.exp(self.params.learn_rate_sd * rng.standard_normal((n,)))
        return BKTState(known=known, learn_scale=scale)

    def _ready(self, known: np.ndarray, items: np.ndarray) -> np.ndarray:
        """Whether learner ``j`` knows every skill of ``items[j]``."""
        rows = np.arange(known.shape[0])
        slots = self.skill_slots[items]
        ready = np.ones(known.shape[0], dtype=bool)
        for s in range(slots.shape[1]):  # one pass per skill slot (1-3), never per learner
            skill = slots[:, s]
            ready &= (skill < 0) | known[rows, np.maximum(skill, 0)]
        return ready

    def _p_correct_one(self, state: BKTState, items: np.ndarray) -> np.ndarray:
        """:meth:`p_correct` of one learner: the same sum, on Python scalars."""
        if state.known.shape[0] != 1 or type(items) is not np.ndarray or items.shape != (1,):
            return BATCHED
        item = items.item(0)
        if type(item) is not int or not 0 <= item < self.n_items:
            return BATCHED  # not an item index: the batched code raises the error
        known = state.known[0]
        ready = all(known[k] for k in self._item_skills[item])
        return np.array([self.item_guess[item] + self.item_gap[item] * ready])

    @fast_path(_p_correct_one)
    def p_correct(self, state: BKTState, items: np.ndarray) -> np.ndarray:
        items = self.check_items(items)
        ready = self._ready(state.known, items)
        return self.item_guess[items] + self.item_gap[items] * ready

    def p_correct_matrix(self, state: BKTState, items: np.ndarray) -> np.ndarray:
        plan = self._matrix_plan(items)
        if plan.skill is not None:
            ready = state.known[:, plan.skill]
        else:
            ready = ~(plan.q[None, :, :] & ~state.known[:, None, :]).any(axis=-1)
        return plan.guess + plan.gap * ready

    def _matrix_plan(self, items: np.ndarray) -> _MatrixPlan:
        """What :meth:`p_correct_matrix` needs to know about ``items``, kept for item sets it
        has seen: environments ask about the same post-test items every step."""

        def build(items: np.ndarray) -> _MatrixPlan:
            q = self.q_matrix[items]
            skill = q.argmax(axis=1) if (q.sum(axis=1) == 1).all() else None
            return _MatrixPlan(q, skill, self.item_guess[items][None, :],
                               self.item_gap[items][None, :])

        return self.for_item_set(items, build)

    def update(
        self, state: BKTState, items: np.ndarray, correct: np.ndarray, rng: RandomSource
    ) -> BKTState:
        items = self.check_items(items)
        n = state.known.shape[0]
        known = self._practise(state, items, rng)
        if self._forgets and self.params.forget_on is ForgetMode.STEP:
            forgotten = known & (rng.random((n, self.n_skills)) < self.p_forget[None, :])
            known &= ~forgotten
        return BKTState(known=known, learn_scale=state.learn_scale)

    def _practise_one(self, state: BKTState, items: np.ndarray, rng: RandomSource) -> np.ndarray:
        """:meth:`_practise` for a batch of one learner (the single env) on Python scalars:
        the same draws and the same float64 arithmetic, without numpy's per-call cost."""
        if state.known.shape[0] != 1 or items.shape != (1,):
            return BATCHED
        item = int(items[0])
        before = state.known[0].tolist()
        known = state.known.copy()
        width = self.skill_slots.shape[1]
        skills = self._item_skills[item]
        draws = rng.random((1, width))[0].tolist()
        scale = float(state.learn_scale[0])
        for skill, u in zip(skills, draws, strict=False):
            if before[skill]:
                continue
            unmet = not all(before[p] for p in self._prerequisites[skill])
            rate = self.p_learn[skill] * (self.params.prereq_gate if unmet else 1.0)
            if u < min(rate * scale, 1.0):
                known[0, skill] = True
        if self._forgets and self.params.forget_on is ForgetMode.PRACTICE:
            draws = rng.random((1, width))[0].tolist()
            for skill, u in zip(skills, draws, strict=False):
                if before[skill] and u < self.p_forget[skill]:
                    known[0, skill] = False
        return known

    @fast_path(_practise_one)
    def _practise(self, state: BKTState, items: np.ndarray, rng: RandomSource) -> np.ndarray:
        """Known skills after learning (and, with ``forget_on="practice"``, forgetting) the
        skills of the practised items."""
        before = state.known
        n = before.shape[0]
        rows = np.arange(n)
        slots = self.skill_slots[items]
        draws = rng.random((n, slots.shape[1]))
        known = before.copy()
        for s in range(slots.shape[1]):  # one pass per skill slot (1-3), never per learner
            if (slots[:, s] < 0).all():
                continue  # no learner's item has an s-th skill (its draws stay unused)
            skill = np.maximum(slots[:, s], 0)
            # Prerequisite gate: with an unknown prerequisite the skill is learned more slowly.
            unmet = (self._prereq_of[skill] & ~before).any(axis=1)
            rate = self.p_learn[skill] * np.where(unmet, self.params.prereq_gate, 1.0)
            rate = np.minimum(rate * state.learn_scale, 1.0)
            learned = (slots[:, s] >= 0) & ~before[rows, skill] & (draws[:, s] < rate)
            known[rows[learned], skill[learned]] = True
        if self._forgets and self.params.forget_on is ForgetMode.PRACTICE:
            # One transition of each practised skill's chain: known -> unknown w.p. forget.
            draws = rng.random((n, slots.shape[1]))
            for s in range(slots.shape[1]):
                skill = np.maximum(slots[:, s], 0)
                lost = before[rows, skill] & (draws[:, s] < self.p_forget[skill])
                lost &= slots[:, s] >= 0
                known[rows[lost], skill[lost]] = False
        return known

    def mastery(self, state: BKTState) -> np.ndarray:
        return state.known.astype(np.float64)

    def on_torch(self, device: str | object = "cpu") -> TorchBKTLearner:
        """This model on torch tensors (:mod:`edusim.learners.torch_bkt`)."""
        from edusim.learners.torch_bkt import TorchBKTLearner

        return TorchBKTLearner(self, device)
