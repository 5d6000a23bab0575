"""A logistic learner: IRT ability and difficulty, PFA practice effects, exponential forgetting.

The log-odds that learner ``j`` answers item ``i`` are (Pavlik, Cen & Koedinger 2009, PFA;
with IRT's per-learner ability and per-item difficulty)::

    logit p = theta_j - d_i + mean over skills k of i of (beta_k + gamma_k * S_jk + rho_k * F_jk)

where ``S`` and ``F`` are the learner's successes and failures on skill ``k``, each decayed by
``exp(-1 / forget_steps)`` per time step, so practice that is not repeated fades (forgetting).

Example:
    >>> import numpy as np
    >>> from edusim.curriculum import Curriculum, SkillGraph
    >>> model = LogisticLearner(Curriculum.from_graph(SkillGraph.chain(2), seed=0))
    >>> rng = np.random.default_rng(0)
    >>> s0 = model.init_state(3, rng)
    >>> s1 = model.update(s0, np.array([0, 0, 0]), np.array([True, True, True]), rng)
    >>> bool((model.mastery(s1)[:, 0] > model.mastery(s0)[:, 0]).all())
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from edusim.curriculum import Curriculum
from edusim.learners.base import LearnerModel, RandomSource
from edusim.learners.params import SkillParams
from edusim.numeric import logit, sigmoid

if TYPE_CHECKING:
    from edusim.learners.torch_logistic import TorchLogisticLearner

__all__ = ["LogisticParams", "LogisticState", "LogisticLearner"]


@dataclass(frozen=True)
class LogisticParams(SkillParams):
    """Parameters; scalars apply to every skill, tuples give one value per skill.

    Attributes:
        beta: Skill easiness (log-odds for an average learner with no practice).
        gamma: Log-odds gained per (decayed) success.
        rho: Log-odds gained per (decayed) failure (failures teach less).
        ability_sd: Standard deviation of learner ability ``theta`` (heterogeneity).
        forget_steps: Time constant of forgetting, in steps; ``inf`` turns forgetting off.
    """

    beta: float | tuple[float, ...] = -1.5
    gamma: float | tuple[float, ...] = 0.5
    rho: float | tuple[float, ...] = 0.15
    ability_sd: float = 1.0
    forget_steps: float = 200.0

    def __post_init__(self) -> None:
        for name in ("beta", "gamma", "rho"):
            if not np.isfinite(self._skill_values(name)).all():
                raise ValueError(f"LogisticParams.{name} must be finite")
        if self.ability_sd < 0:
            raise ValueError(f"ability_sd must be >= 0, got {self.ability_sd}")
        if not self.forget_steps > 0:
            raise ValueError(f"forget_steps must be > 0 (inf disables), got {self.forget_steps}")


@dataclass
class LogisticState:
    """Batched state: ability ``(n,)``, decayed successes and failures ``(n, K)``."""

    theta: np.ndarray
    successes: np.ndarray
    failures: np.ndarray


class LogisticLearner(LearnerModel[LogisticState]):
    """Batched logistic (IRT + PFA + forgetting) learners over a curriculum."""

    params_class = LogisticParams
    spread_field = "ability_sd"

    @classmethod
    def from_profile(
        cls, curriculum: Curriculum, mastery: np.ndarray, spread: float
    ) -> LogisticLearner:
        """Learners whose skill easiness puts an average learner at ``mastery`` and whose
        abilities spread like the group's."""
        beta = logit(np.clip(np.asarray(mastery, dtype=np.float64), 0.02, 0.98))
        return cls(curriculum, LogisticParams(beta=tuple(beta), ability_sd=float(spread)))

    def __init__(self, curriculum: Curriculum, params: LogisticParams | None = None) -> None:
        self.params = params or LogisticParams()
        self.curriculum = curriculum
        bank = curriculum.all_items
        self.n_skills = curriculum.n_skills
        self.n_items = len(bank)
        q = bank.q_matrix(curriculum.graph).astype(np.float64)
        self.item_weights = q / q.sum(axis=1, keepdims=True)  # mean over an item's skills
        self.difficulty = bank.difficulties()
        self.beta = self.params.per_skill("beta", self.n_skills)
        self.gamma = self.params.per_skill("gamma", self.n_skills)
        self.rho = self.params.per_skill("rho", self.n_skills)
        self.decay = float(np.exp(-1.0 / self.params.forget_steps))
        self._practised = self.item_weights > 0

    def init_state(self, n: int, rng: RandomSource) -> LogisticState:
        theta = self.params.ability_sd * rng.standard_normal((n,))
        zeros = np.zeros((n, self.n_skills))
        return LogisticState(theta=theta, successes=zeros, failures=zeros.copy())

    def skill_logits(self, state: LogisticState) -> np.ndarray:
        """Per-skill log-odds without ability or item difficulty: ``(n, K)``."""
        return self.beta + self.gamma * state.successes + self.rho * state.failures

    def p_correct(self, state: LogisticState, items: np.ndarray) -> np.ndarray:
        items = self.check_items(items)
        skill_part = (self.skill_logits(state) * self.item_weights[items]).sum(axis=1)
        return sigmoid(state.theta + skill_part - self.difficulty[items])

    def p_correct_matrix(self, state: LogisticState, items: np.ndarray) -> np.ndarray:
        weights, difficulty = self._matrix_plan(items)
        # einsum without BLAS: each entry is summed in the same order whatever the batch size.
        skill_part = np.einsum("nk,mk->nm", self.skill_logits(state), weights)
        return sigmoid(state.theta[:, None] + skill_part - difficulty)

    def _matrix_plan(self, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Skill weights ``(m, K)`` and difficulties ``(1, m)`` of ``items``, kept for item sets
        already seen: environments ask about the same post-test items every step."""
        return self.for_item_set(
            items, lambda checked: (self.item_weights[checked], self.difficulty[checked][None, :])
        )

    def update(
        self, state: LogisticState, items: np.ndarray, correct: np.ndarray, rng: RandomSource
    ) -> LogisticState:
        items = self.check_items(items)
        practised = self._practised[items]
        correct = np.asarray(correct, dtype=bool)[:, None]
        successes = state.successes * self.decay + (practised & correct)
        failures = state.failures * self.decay + (practised & ~correct)
        return LogisticState(theta=state.theta, successes=successes, failures=failures)

    def mastery(self, state: LogisticState) -> np.ndarray:
        return sigmoid(state.theta[:, None] + self.skill_logits(state))

    def on_torch(self, device: str | object = "cpu") -> TorchLogisticLearner:
        """This model on torch tensors (:mod:`edusim.learners.torch_logistic`)."""
        from edusim.learners.torch_logistic import TorchLogisticLearner

        return TorchLogisticLearner(self, device)
