"""The batched BKT learner on torch tensors (CPU or CUDA), for populations of millions.

:class:`TorchBKTLearner` runs the batched code path of :class:`~edusim.learners.bkt.BKTLearner`
(same parameters, derived from a numpy model; the same draws from
:class:`~edusim.torch_streams.TorchLearnerStreams`; the same float64 arithmetic), so a torch
population reproduces a numpy one learner by learner, up to the last bit of the transcendental
functions (``exp`` of the learning-rate spread) and of summation order.

Example:
    >>> import numpy as np, torch
    >>> from edusim.curriculum import Curriculum, SkillGraph
    >>> from edusim.learners import BKTLearner
    >>> from edusim.torch_streams import TorchLearnerStreams
    >>> model = TorchBKTLearner(BKTLearner(Curriculum.from_graph(SkillGraph.chain(3), seed=0)))
    >>> rng = TorchLearnerStreams(np.arange(4, dtype=np.uint64))
    >>> state = model.init_state(4, rng)
    >>> p = model.p_correct(state, torch.tensor([0, 1, 2, 3]))
    >>> bool(((0 <= p) & (p <= 1)).all())
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from edusim.learners.bkt import BKTLearner, ForgetMode
from edusim.learners.torch_base import TorchLearner
from edusim.torch_streams import TorchLearnerStreams

__all__ = ["TorchBKTLearner", "TorchBKTState"]


@dataclass
class TorchBKTState:
    """Batched BKT state on a torch device: ``known`` ``(n, K)`` bool, ``learn_scale`` ``(n,)``."""

    known: torch.Tensor
    learn_scale: torch.Tensor


class TorchBKTLearner(TorchLearner):
    """:class:`~edusim.learners.bkt.BKTLearner` on torch tensors (``model.on_torch(device)``)."""

    def __init__(self, model: BKTLearner, device: str | torch.device = "cpu") -> None:
        super().__init__(model, device)
        self.p_init = self._t(model.p_init)
        self.p_learn = self._t(model.p_learn)
        self.p_forget = self._t(model.p_forget)
        self.item_guess = self._t(model.item_guess)
        self.item_gap = self._t(model.item_gap)
        self.q_matrix = self._t(model.q_matrix)
        self.skill_slots = self._t(model.skill_slots.astype(np.int64))
        self.prereq_of = self._t(model._prereq_of)
        self.init_order = [(k, self._t(pre.astype(np.int64))) for k, pre in model._init_order]
        self._forgets = model._forgets
        self._gate = torch.tensor(model.params.prereq_gate, dtype=torch.float64, device=device)
        self._one = torch.tensor(1.0, dtype=torch.float64, device=device)
        self._plan: tuple | None = None  # p_correct_matrix's item-only parts, last item set

    def init_state(self, n: int, rng: TorchLearnerStreams) -> TorchBKTState:
        known = rng.random((n, self.n_skills)) < self.p_init[None, :]
        if self.params.init_from_prerequisites:
            for k, pre in self.init_order:  # topological order, as the numpy model
                known[:, k] &= known[:, pre].all(dim=1)
        scale = torch.exp(self.params.learn_rate_sd * rng.standard_normal((n,)))
        return TorchBKTState(known=known, learn_scale=scale)

    def _ready(self, known: torch.Tensor, items: torch.Tensor) -> torch.Tensor:
        rows = torch.arange(known.shape[0], device=self.device)
        slots = self.skill_slots[items]
        ready = torch.ones(known.shape[0], dtype=torch.bool, device=self.device)
        for s in range(slots.shape[1]):  # one pass per skill slot (1-3), never per learner
            skill = slots[:, s]
            ready &= (skill < 0) | known[rows, skill.clamp(min=0)]
        return ready

    def p_correct(self, state: TorchBKTState, items: torch.Tensor) -> torch.Tensor:
        ready = self._ready(state.known, items)
        return self.item_guess[items] + self.item_gap[items] * ready

    def p_correct_matrix(self, state: TorchBKTState, items: torch.Tensor) -> torch.Tensor:
        if self._plan is None or self._plan[0] is not items:  # envs ask about one item set
            q = self.q_matrix[items]
            single = bool((q.sum(dim=1) == 1).all())
            skill = q.to(torch.int8).argmax(dim=1) if single else None
            self._plan = (items, q, skill, self.item_guess[items][None, :],
                          self.item_gap[items][None, :])
        _, q, skill, guess, gap = self._plan
        if skill is not None:
            ready = state.known[:, skill]
        else:
            ready = ~(q[None, :, :] & ~state.known[:, None, :]).any(dim=-1)
        return guess + gap * ready

    def update(
        self, state: TorchBKTState, items: torch.Tensor, correct: torch.Tensor,
        rng: TorchLearnerStreams,
    ) -> TorchBKTState:
        n = state.known.shape[0]
        known = self._practise(state, items, rng)
        if self._forgets and self.params.forget_on is ForgetMode.STEP:
            known &= ~(known & (rng.random((n, self.n_skills)) < self.p_forget[None, :]))
        return TorchBKTState(known=known, learn_scale=state.learn_scale)

    def _practise(
        self, state: TorchBKTState, items: torch.Tensor, rng: TorchLearnerStreams
    ) -> torch.Tensor:
        before = state.known
        n = before.shape[0]
        rows = torch.arange(n, device=self.device)
        slots = self.skill_slots[items]
        draws = rng.random((n, slots.shape[1]))
        known = before.clone()
        for s in range(slots.shape[1]):
            has = slots[:, s] >= 0
            skill = slots[:, s].clamp(min=0)
            unmet = (self.prereq_of[skill] & ~before).any(dim=1)
            rate = self.p_learn[skill] * torch.where(unmet, self._gate, self._one)
            rate = torch.clamp(rate * state.learn_scale, max=1.0)
            learned = has & ~before[rows, skill] & (draws[:, s] < rate)
            known[rows, skill] |= learned
        if self._forgets and self.params.forget_on is ForgetMode.PRACTICE:
            draws = rng.random((n, slots.shape[1]))
            for s in range(slots.shape[1]):
                skill = slots[:, s].clamp(min=0)
                lost = before[rows, skill] & (draws[:, s] < self.p_forget[skill])
                lost &= slots[:, s] >= 0
                known[rows, skill] &= ~lost
        return known

    def mastery(self, state: TorchBKTState) -> torch.Tensor:
        return state.known.to(torch.float64)
