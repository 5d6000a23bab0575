"""The batched logistic (IRT + PFA + forgetting) learner on torch tensors (CPU or CUDA).

:class:`TorchLogisticLearner` computes what :class:`~edusim.learners.logistic.LogisticLearner`
computes, from the numpy model's parameters, with the same draws from
:class:`~edusim.torch_streams.TorchLearnerStreams`; results agree up to float rounding (the
order of the sums over skills, and the last bit of ``exp``).

Example:
    >>> import numpy as np, torch
    >>> from edusim.curriculum import Curriculum, SkillGraph
    >>> from edusim.learners import LogisticLearner
    >>> from edusim.torch_streams import TorchLearnerStreams
    >>> curriculum = Curriculum.from_graph(SkillGraph.chain(2), seed=0)
    >>> model = TorchLogisticLearner(LogisticLearner(curriculum))
    >>> state = model.init_state(3, TorchLearnerStreams(np.arange(3, dtype=np.uint64)))
    >>> tuple(model.mastery(state).shape)
    (3, 2)
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from edusim.learners.logistic import LogisticLearner
from edusim.learners.torch_base import TorchLearner
from edusim.torch_streams import TorchLearnerStreams

__all__ = ["TorchLogisticLearner", "TorchLogisticState"]


def _sigmoid(x: torch.Tensor) -> torch.Tensor:
    return 1.0 / (1.0 + torch.exp(-x))  # the numpy model's formula


@dataclass
class TorchLogisticState:
    """Ability ``(n,)``, decayed successes and failures ``(n, K)``, on a torch device."""

    theta: torch.Tensor
    successes: torch.Tensor
    failures: torch.Tensor


class TorchLogisticLearner(TorchLearner):
    """:class:`~edusim.learners.logistic.LogisticLearner` on torch tensors
    (``model.on_torch(device)``)."""

    def __init__(self, model: LogisticLearner, device: str | torch.device = "cpu") -> None:
        super().__init__(model, device)
        t = self._t
        self.item_weights, self.difficulty = t(model.item_weights), t(model.difficulty)
        self.beta, self.gamma, self.rho = t(model.beta), t(model.gamma), t(model.rho)
        self.practised = t(model._practised)
        self.decay = model.decay

    def init_state(self, n: int, rng: TorchLearnerStreams) -> TorchLogisticState:
        theta = self.params.ability_sd * rng.standard_normal((n,))
        zeros = torch.zeros(n, self.n_skills, dtype=torch.float64, device=self.device)
        return TorchLogisticState(theta=theta, successes=zeros, failures=zeros.clone())

    def skill_logits(self, state: TorchLogisticState) -> torch.Tensor:
        return self.beta + self.gamma * state.successes + self.rho * state.failures

    def p_correct(self, state: TorchLogisticState, items: torch.Tensor) -> torch.Tensor:
        skill_part = (self.skill_logits(state) * self.item_weights[items]).sum(dim=1)
        return _sigmoid(state.theta + skill_part - self.difficulty[items])

    def p_correct_matrix(self, state: TorchLogisticState, items: torch.Tensor) -> torch.Tensor:
        skill_part = self.skill_logits(state) @ self.item_weights[items].T
        return _sigmoid(state.theta[:, None] + skill_part - self.difficulty[items][None, :])

    def update(
        self, state: TorchLogisticState, items: torch.Tensor, correct: torch.Tensor,
        rng: TorchLearnerStreams,
    ) -> TorchLogisticState:
        practised = self.practised[items]
        correct = correct[:, None]
        successes = state.successes * self.decay + (practised & correct)
        failures = state.failures * self.decay + (practised & ~correct)
        return TorchLogisticState(theta=state.theta, successes=successes, failures=failures)

    def mastery(self, state: TorchLogisticState) -> torch.Tensor:
        return _sigmoid(state.theta[:, None] + self.skill_logits(state))
