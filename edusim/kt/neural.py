"""The interface every neural knowledge-tracing model implements, and their registry.

A :class:`SequenceModel` reads padded windows and predicts, at every step, the logit of a
correct answer to that step's tokens from the steps *before* it: inputs are shifted right
behind a learned start vector, so no step ever sees its own answer. For simulation it also
exposes a per-learner *memory* (a flat float vector per learner) that it can advance one
interaction at a time and read predictions for every token from; the fitted-model learners in
:mod:`edusim.kt.fitted_learner` are built on that.

Models are listed in :mod:`edusim.kt.registry`; as KT kinds they fit with
:func:`edusim.kt.train.fit_neural` (:meth:`SequenceModel.fit_model`). Generic code (training
loop, saving, learners) only ever goes through that registry.

Example:
    >>> import torch
    >>> interaction_ids(torch.tensor([[2, 0]]), torch.tensor([1.0]), vocab_size=5).tolist()
    [[7, 0]]
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import torch
from torch import nn

if TYPE_CHECKING:
    from edusim.kt.api import FitSpec
    from edusim.kt.fitted import FittedNeural
    from edusim.kt.registry import FitRun
    from edusim.kt.sequences import Interactions, Vocabulary

__all__ = ["SequenceModel", "interaction_ids", "pool"]


def interaction_ids(tokens: torch.Tensor, correct: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """Ids of (token, answer) pairs: ``token + vocab_size * correct``; padding stays 0."""
    ids = tokens + vocab_size * correct.to(tokens.dtype).unsqueeze(-1)
    return torch.where(tokens > 0, ids, torch.zeros_like(ids))


def pool(embedded: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
    """Mean over the token axis (``-2``) of ``embedded``, ignoring padding tokens."""
    present = (tokens > 0).to(embedded.dtype).unsqueeze(-1)
    return (embedded * present).sum(-2) / present.sum(-2).clamp_min(1.0)


class SequenceModel(nn.Module, ABC):
    """A knowledge-tracing network over token windows.

    Args:
        vocab_size: Number of token ids (padding included).
        window: Longest window the model will be given.
    """

    #: The config dataclass of the subclass (its hyper-parameters and their defaults).
    config_class: ClassVar[type]

    def __init__(self, vocab_size: int, window: int) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.window = window

    # -- the KT kind (edusim.kt.registry) --------------------------------------------------
    @classmethod
    def fit_model(
        cls, spec: FitSpec, data: Interactions, vocab: Vocabulary, run: FitRun
    ) -> FittedNeural:
        """Train ``spec.kind`` (this class) with ``spec.model`` and ``spec.train``."""
        from edusim.kt.train import fit_neural

        return fit_neural(spec.kind, data, vocab, dict(spec.model), spec.train, run.valid,
                          run.checkpoint_dir, run.resume, run.callback)

    @classmethod
    def load_fitted(cls, data: Mapping) -> FittedNeural:
        """The fitted model saved as ``data`` (see :func:`edusim.kt.save_model`)."""
        from edusim.kt.fitted import FittedNeural

        return FittedNeural.from_dict(data["kind"], data)

    @classmethod
    def fit_device(cls, spec: FitSpec) -> str:
        return spec.train.device

    @abstractmethod
    def forward(self, tokens: torch.Tensor, correct: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, T)`` for ``tokens (B, T, S)`` given the answers ``correct (B, T)``
        of the earlier steps."""

    @property
    @abstractmethod
    def memory_size(self) -> int:
        """Length of one learner's memory vector."""

    @abstractmethod
    def init_memory(self, n: int) -> torch.Tensor:
        """Memory ``(n, memory_size)`` of ``n`` learners who have answered nothing yet."""

    @abstractmethod
    def memory_logits(self, memory: torch.Tensor) -> torch.Tensor:
        """Logits ``(n, vocab_size)`` of answering each token right next."""

    @abstractmethod
    def advance(
        self, memory: torch.Tensor, tokens: torch.Tensor, correct: torch.Tensor
    ) -> torch.Tensor:
        """Memory after each learner answered ``tokens (n, S)`` with ``correct (n,)``."""
