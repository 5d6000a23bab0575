"""What the torch forms of the batched learner models share (``model.on_torch(device)``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from edusim.torch_streams import TorchLearnerStreams

__all__ = ["TorchLearner"]


class TorchLearner:
    """A numpy learner model's dynamics on torch tensors on ``device``.

    Subclasses implement ``init_state``, ``p_correct``, ``p_correct_matrix``, ``update`` and
    ``mastery`` as the numpy model's batched code does, on tensors.

    Args:
        model: The numpy model whose parameters and curriculum to use.
        device: Torch device of the population.
    """

    def __init__(self, model: Any, device: str | torch.device = "cpu") -> None:
        self.model = model
        self.params = model.params
        self.device = torch.device(device)
        self.n_skills, self.n_items = model.n_skills, model.n_items

    def _t(self, array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(np.ascontiguousarray(array), device=self.device)

    def respond(self, state: Any, items: torch.Tensor, rng: TorchLearnerStreams) -> torch.Tensor:
        """Sampled answers, as the numpy ``LearnerModel.respond``."""
        p = self.p_correct(state, items)
        return rng.random((p.shape[0],)) < p

    def expected_score(self, state: Any, items: torch.Tensor, weights: torch.Tensor):
        """Expected weighted test score per learner, as the numpy ``expected_score``."""
        return (self.p_correct_matrix(state, items) * weights[None, :]).sum(dim=1)
