"""A fitted network's memory API in numpy, for the simulated learners of
:mod:`edusim.kt.fitted_learner` (which import torch only through this module).

Example:
    >>> from edusim.kt.registry import build_model
    >>> runner = MemoryRunner(build_model("dkt", vocab_size=4, window=5, config={"hidden": 4}))
    >>> memory = runner.advance(runner.init(2), np.array([[2], [3]]), np.array([True, False]))
    >>> runner.probabilities(memory).shape
    (2, 4)
"""

from __future__ import annotations

import numpy as np
import torch

from edusim.kt.neural import SequenceModel

__all__ = ["MemoryRunner"]


class MemoryRunner:
    """Runs a :class:`SequenceModel`'s memory methods on CPU, in eval mode, without gradients."""

    def __init__(self, model: SequenceModel) -> None:
        self.model = model.cpu().eval()

    @torch.no_grad()
    def init(self, n: int) -> np.ndarray:
        """Memory ``(n, D)`` float32 of learners who have answered nothing."""
        return self.model.init_memory(n).numpy().astype(np.float32)

    @torch.no_grad()
    def probabilities(self, memory: np.ndarray) -> np.ndarray:
        """P(correct) ``(n, vocab_size)`` of every token next."""
        logits = self.model.memory_logits(torch.from_numpy(memory))
        return torch.sigmoid(logits).numpy().astype(np.float64)

    @torch.no_grad()
    def advance(self, memory: np.ndarray, tokens: np.ndarray, correct: np.ndarray) -> np.ndarray:
        """Memory after answering ``tokens (n, S)`` with ``correct (n,)``."""
        new = self.model.advance(
            torch.from_numpy(memory),
            torch.from_numpy(np.asarray(tokens, dtype=np.int64)),
            torch.from_numpy(np.asarray(correct, dtype=np.float32)),
        )
        return new.numpy().astype(np.float32)
