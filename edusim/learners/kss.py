"""The KSS learner (knowledge-structure simulator of the ``edusim`` 0.0.2 package), batched.

KSS (Liu et al., "Exploiting Cognitive Structure for Adaptive Learning", KDD 2019; the
simulator of the ``EduSim`` package) has 10 knowledge points linked by a prerequisite graph,
one exercise per point, and learners whose ability per point starts at
``randint(-3, 0) - 0.1 * i`` (a draw per point). Learning point ``s`` raises its ability by
``0.5 * (5 - a[s]) / exp(sum over prerequisites p of (5 - a[p]))`` and spills half of every
increment over to each successor, recursively along every path, capping each ability at 5.
A point can only be learned if it is a candidate after the point learned last
(``influence_control`` of the original, without shortcuts); otherwise the attempt does
nothing. A test is the IRT probability ``0.25 + 0.75 / (1 + exp(-1.7 * 5 * (a - d)))``
thresholded at 0.5: it is deterministic. Each drawn learner has a learning target (a random
subset of 3 to 10 points) and has been warmed up with 20 exercises of a fixed heuristic.

Here the recursion is a precomputed matrix: ``W[s, t]`` is the sum over all paths ``s -> t``
of ``0.5 ** len(path)``, so a step is ``a = min(a + inc * W[s], 5)`` for the whole batch.
Since increments are never negative, capping once at the end equals capping after each
addition as the recursion does (results agree up to float rounding of the summation order).

Example:
    >>> import numpy as np
    >>> from edusim.streams import LearnerStreams
    >>> model = KSSLearner()
    >>> state = model.init_state(3, LearnerStreams.from_seeds([0, 1, 2]))
    >>> state.ability.shape, bool((state.ability <= 5).all())
    ((3, 10), True)
    >>> state, correct = model.practice(state, np.array([0, 5, 6]))
    >>> correct.dtype
    dtype('bool')
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from edusim.curriculum import Curriculum, CurriculumError
from edusim.learners.base import LearnerModel, RandomSource
from edusim.learners.kss_graph import (
    KSS_DIFFICULTY,
    KSS_EDGES,
    allowed_after,
    kss_curriculum,
    sample_difficulty,
    spill_weights,
    stack_topological_order,
)

__all__ = [
    "KSS_DIFFICULTY",
    "KSS_EDGES",
    "KSSLearner",
    "KSSParams",
    "KSSState",
    "kss_curriculum",
    "sample_difficulty",
    "stack_topological_order",
]


@dataclass(frozen=True)
class KSSParams:
    """KSS population and dynamics; the defaults are the original's constants.

    Attributes:
        ability_low: Lowest initial integer ability (``randint(ability_low, ability_high)``).
        ability_high: Highest initial integer ability.
        ability_slope: Subtracted per point index: point ``i`` starts ``ability_slope * i`` lower.
        ceiling: Highest ability; also the reference of the growth rule (``5 - a``).
        min_target: Smallest learning-target size (the largest is every point).
        discrimination: IRT discrimination of every exercise.
        guess: IRT lower asymptote ``c``.
        pass_probability: A test passes when the IRT probability is at least this.
        warmup_steps: Exercises in the warm-up history of a drawn learner.
        warmup_retry: Warm-up: chance to retry the last exercise after failing it.
        warmup_in_order: Warm-up: chance to take the first weak point in topological order.
        warmup_weak: Warm-up: a point is weak while its IRT probability is below this.
        warmup_order: Skill indices in the order the warm-up scans them; ``None`` takes the
            order networkx 2.4's ``topological_sort`` gives (what the original ran with).
    """

    ability_low: int = -3
    ability_high: int = 0
    ability_slope: float = 0.1
    ceiling: float = 5.0
    min_target: int = 3
    discrimination: float = 5.0
    guess: float = 0.25
    pass_probability: float = 0.5
    warmup_steps: int = 20
    warmup_retry: float = 0.7
    warmup_in_order: float = 0.9
    warmup_weak: float = 0.6
    warmup_order: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        if self.ability_low > self.ability_high:
            raise ValueError("KSSParams.ability_low must not exceed ability_high")
        if self.ability_high > self.ceiling:
            raise ValueError("KSSParams.ability_high must not exceed the ceiling")
        if self.min_target < 1 or self.warmup_steps < 0:
            raise ValueError("KSSParams needs min_target >= 1 and warmup_steps >= 0")
        for name in ("guess", "pass_probability", "warmup_retry", "warmup_in_order"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"KSSParams.{name} must lie in [0, 1], got {getattr(self, name)}")


@dataclass
class KSSState:
    """Batched KSS state (leading axis: learner).

    Attributes:
        ability: ``(n, K)`` float, ability per knowledge point (at most ``ceiling``).
        target: ``(n, K)`` bool, the learning target.
        last_learned: ``(n,)`` int, the point learned last (``-1``: none yet).
        last_result: ``(n, K)`` int8, latest test result per point (``-1``: never tested).
    """

    ability: np.ndarray
    target: np.ndarray
    last_learned: np.ndarray
    last_result: np.ndarray


class KSSLearner(LearnerModel[KSSState]):
    """Batched KSS learners over a curriculum with one exercise per skill.

    Args:
        curriculum: Skill graph and exercises; item ``i`` must exercise exactly skill ``i``
            (default: :func:`kss_curriculum`, the original's structure and item bank).
        params: Population and dynamics (default: the original's).
    """

    params_class = KSSParams
    own_curriculum = True

    def __init__(self, curriculum: Curriculum | None = None, params: KSSParams | None = None):
        self.curriculum = curriculum or kss_curriculum()
        self.params = params or KSSParams()
        bank = self.curriculum.all_items
        graph = self.curriculum.graph
        k = self.n_skills = len(graph)
        self.n_items = len(bank)
        if not np.array_equal(bank.q_matrix(graph), np.eye(k, dtype=bool)):
            raise CurriculumError(
                f"KSS needs item i to exercise exactly skill i; curriculum {self.curriculum.name!r}"
                " does not"
            )
        if self.params.min_target > k:
            raise ValueError(f"min_target {self.params.min_target} exceeds the {k} skills")
        self.difficulty = bank.difficulties()
        dag = nx.relabel_nodes(graph.graph, graph.index)
        self.spill = spill_weights(dag, k)
        self.allowed = allowed_after(dag, k)
        order = self.params.warmup_order or tuple(stack_topological_order(dag))
        if sorted(order) != list(range(k)):
            raise ValueError(f"warmup_order must list each of the {k} skills once, got {order}")
        self.warmup_order = np.asarray(order, dtype=np.int64)
        #: Smallest ability that passes each point's test, and that is no longer weak in the
        #: warm-up: comparing abilities with these equals thresholding ``irt`` exactly.
        self.pass_ability = self._ability_at(self.params.pass_probability)
        self.strong_ability = self._ability_at(self.params.warmup_weak)
        # Prerequisites of each point in the graph's order, padded with weight-0 entries, so
        # that their gaps to the ceiling add up in the original's order.
        preds = [list(dag.predecessors(s)) for s in range(k)]
        width = max(1, *(len(p) for p in preds))
        self._pred_index = np.array([p + [0] * (width - len(p)) for p in preds], dtype=np.int64)
        self._pred_weight = np.array([[1.0] * len(p) + [0.0] * (width - len(p)) for p in preds])

    # -- the tester ------------------------------------------------------------------------
    def irt(self, ability: np.ndarray, items: np.ndarray) -> np.ndarray:
        """The original's ``irt(ability, difficulty, discrimination=5, c=0.25)``."""
        p = self.params
        z = -1.7 * p.discrimination * (ability - self.difficulty[items])
        return p.guess + (1 - p.guess) / (1 + np.exp(z))

    def _ability_at(self, level: float) -> np.ndarray:
        """Per item, the smallest float ability whose ``irt`` reaches ``level`` (bisection)."""
        items = np.arange(self.n_skills)
        lo, hi = self.difficulty - 50.0, self.difficulty + 50.0
        below = self.irt(lo, items) >= level
        above = self.irt(hi, items) < level
        while True:
            mid = (lo + hi) / 2
            done = (mid == lo) | (mid == hi)
            if done.all():
                break
            reach = self.irt(mid, items) >= level
            hi, lo = np.where(reach & ~done, mid, hi), np.where(~reach & ~done, mid, lo)
        return np.where(below, -np.inf, np.where(above, np.inf, hi))

    def p_correct(self, state: KSSState, items: np.ndarray) -> np.ndarray:
        items = self.check_items(items)
        rows = np.arange(items.shape[0])
        return self.irt(state.ability[rows, items], items)

    def p_correct_matrix(self, state: KSSState, items: np.ndarray) -> np.ndarray:
        items = self.check_items(items)
        return self.irt(state.ability[:, items], items[None, :])

    def respond(self, state: KSSState, items: np.ndarray, rng: RandomSource | None = None):
        """KSS tests are deterministic: correct when the IRT probability reaches the pass mark."""
        items = self.check_items(items)
        return self._passes(state, items)

    def _passes(self, state: KSSState, items: np.ndarray) -> np.ndarray:
        rows = np.arange(items.shape[0])
        return state.ability[rows, items] >= self.pass_ability[items]

    def passed(self, state: KSSState) -> np.ndarray:
        """``(n, K)`` bool: the binary test of every point."""
        return state.ability >= self.pass_ability

    def exam(self, state: KSSState) -> np.ndarray:
        """Binary test score on the learning target, ``(n,)`` int (the original's ``exam``)."""
        return (self.passed(state) & state.target).sum(axis=1)

    def mastery(self, state: KSSState) -> np.ndarray:
        """IRT probability of passing each point's exercise, ``(n, K)`` in ``[guess, 1]``."""
        return self.irt(state.ability, np.arange(self.n_skills)[None, :])

    # -- learning --------------------------------------------------------------------------
    def learnable(self, state: KSSState, items: np.ndarray) -> np.ndarray:
        """Whether each learner can learn its item now (``influence_control`` on the last one)."""
        return self.allowed[state.last_learned, items]

    def update(
        self, state: KSSState, items: np.ndarray, correct: np.ndarray, rng: RandomSource
    ) -> KSSState:
        """Learn ``items`` (the KSS growth rule; ``correct`` and ``rng`` play no part in it)."""
        items = self.check_items(items)
        ability, last, _ = self._learn(state, items, None)
        return KSSState(ability, state.target, last, state.last_result)

    def practice(
        self, state: KSSState, items: np.ndarray, mask: np.ndarray | None = None
    ) -> tuple[KSSState, np.ndarray]:
        """One KSS step: learn each item, then test it; returns ``(state, correct)``.

        Rows where ``mask`` is false are left as they are (their ``correct`` is meaningless).
        """
        state, correct, _ = self.step(state, self.check_items(items), mask)
        return state, correct

    def step(
        self, state: KSSState, items: np.ndarray, mask: np.ndarray | None = None
    ) -> tuple[KSSState, np.ndarray, np.ndarray]:
        """:meth:`practice` on checked int64 ``items``, also returning which rows learned."""
        ability, last, learned = self._learn(state, items, mask)
        rows = np.arange(items.shape[0])
        correct = ability[rows, items] >= self.pass_ability[items]
        result = state.last_result.copy()
        if mask is None:
            result[rows, items] = correct
        else:
            result[rows[mask], items[mask]] = correct[mask]
        return KSSState(ability, state.target, last, result), correct, learned

    def _learn(
        self, state: KSSState, items: np.ndarray, mask: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """New abilities and last learned points, and which rows learned (not gated out)."""
        a, ceiling = state.ability, self.params.ceiling
        rows = np.arange(items.shape[0])
        ok = self.allowed[state.last_learned, items]
        if mask is not None:
            ok &= mask
        gap = ceiling - a
        pre_gap = (gap[rows[:, None], self._pred_index[items]] * self._pred_weight[items]).sum(1)
        inc = np.where(ok, gap[rows, items] * (1 / np.exp(pre_gap)) * 0.5, 0.0)
        ability = np.minimum(a + inc[:, None] * self.spill[items], ceiling)
        return ability, np.where(ok, items, state.last_learned), ok

    # -- the population --------------------------------------------------------------------
    def init_state(self, n: int, rng: RandomSource) -> KSSState:
        """Learners as the original generates them: abilities, target, 20-step warm-up."""
        p, k = self.params, self.n_skills
        span = p.ability_high - p.ability_low + 1
        base = p.ability_low + np.floor(rng.random((n, k)) * span)  # one draw per point
        ability = base - p.ability_slope * np.arange(k)[None, :]
        size = p.min_target + np.floor(rng.random((n, 1)) * (k - p.min_target + 1))
        rank = np.argsort(np.argsort(rng.random((n, k)), axis=1), axis=1)
        state = KSSState(
            ability=ability,
            target=rank < size,
            last_learned=np.full(n, -1, dtype=np.int64),
            last_result=np.full((n, k), -1, dtype=np.int8),
        )
        return _warm_up(self, state, rng.random((n, max(p.warmup_steps, 1), 3)))


def _warm_up(model: KSSLearner, state: KSSState, u: np.ndarray) -> KSSState:
    """The original's ``_learner_warm_up`` (``ORDER_RATIO = 1``), every learner at once.

    Each round, per learner: after a pass with some variety in the last three exercises,
    review the last exercise then relearn the last learned point; after a failure, retry it
    with ``warmup_retry``; else, with ``warmup_in_order``, take the first point in
    topological order whose IRT probability is below ``warmup_weak`` (none: stop); else a
    random point. Each round adds one or two exercises; the warm-up stops at ``warmup_steps``.
    """
    p, n, steps = model.params, u.shape[0], model.params.warmup_steps
    rows = np.arange(n)
    items = np.zeros((n, steps + 1), dtype=np.int64)
    results = np.zeros((n, steps + 1), dtype=bool)
    length = np.zeros(n, dtype=np.int64)
    active = np.ones(n, dtype=bool)

    def record(state: KSSState, item: np.ndarray, mask: np.ndarray) -> KSSState:
        if not mask.any():
            return state
        state, correct, _ = model.step(state, item, mask)
        items[rows[mask], length[mask]] = item[mask]
        results[rows[mask], length[mask]] = correct[mask]
        length[mask] += 1
        return state

    for r in range(steps):  # at most `steps` rounds: each one adds an exercise or stops
        active &= length < steps
        if not active.any():
            break
        last = items[rows, np.maximum(length - 1, 0)]
        passed = (length > 0) & results[rows, np.maximum(length - 1, 0)]
        prev = [items[rows, np.maximum(length - j, 0)] for j in (2, 3)]
        varied = ((length >= 2) & (prev[0] != last)) | ((length >= 3) & (prev[1] != last))
        review = active & passed & varied
        retry = active & ~review & (length > 0) & ~passed & (u[:, r, 0] < p.warmup_retry)
        ordered = active & ~review & ~retry & (u[:, r, 1] < p.warmup_in_order)
        weak = state.ability[:, model.warmup_order] < model.strong_ability[model.warmup_order]
        first_weak = model.warmup_order[weak.argmax(axis=1)]
        active &= ~(ordered & ~weak.any(axis=1))
        state = record(state, last, review & (length < steps - 1))
        choice = np.floor(u[:, r, 2] * model.n_skills).astype(np.int64)
        choice = np.where(ordered, first_weak, choice)
        choice = np.where(retry, last, choice)
        choice = np.where(review, np.maximum(state.last_learned, 0), choice)
        state = record(state, choice, active)
    return state

