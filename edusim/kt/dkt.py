"""Deep Knowledge Tracing (Piech et al. 2015): an LSTM over (token, answer) interactions.

Each step's input is the embedding of the previous interaction (a learned start vector at the
first step); the LSTM output is scored against an output embedding of the step's tokens, so
the model never builds a ``(B, T, vocab)`` tensor and scales to question-level vocabularies.
A learner's memory is the LSTM's ``(h, c)`` for every layer, flattened.

Example:
    >>> import torch
    >>> model = DKT(vocab_size=5, window=8, config=DKTConfig(hidden=8, embedding=4))
    >>> tokens = torch.tensor([[[2], [3], [2]]])
    >>> model(tokens, torch.tensor([[1.0, 0.0, 1.0]])).shape
    torch.Size([1, 3])
    >>> memory = model.advance(model.init_memory(2), torch.tensor([[2], [3]]),
    ...                        torch.tensor([1.0, 0.0]))
    >>> model.memory_logits(memory).shape
    torch.Size([2, 5])
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from edusim.kt.neural import SequenceModel, interaction_ids, pool

__all__ = ["DKTConfig", "DKT"]


@dataclass(frozen=True)
class DKTConfig:
    """DKT sizes.

    Attributes:
        hidden: LSTM hidden size.
        layers: Number of stacked LSTM layers.
        embedding: Size of the interaction embedding.
        dropout: Dropout on the LSTM output.
    """

    hidden: int = 100
    layers: int = 1
    embedding: int = 100
    dropout: float = 0.2


class DKT(SequenceModel):
    """The DKT network (see the module docstring)."""

    config_class = DKTConfig

    def __init__(self, vocab_size: int, window: int, config: DKTConfig) -> None:
        super().__init__(vocab_size, window)
        self.config = config
        self.interaction = nn.Embedding(2 * vocab_size, config.embedding, padding_idx=0)
        self.start = nn.Parameter(torch.zeros(config.embedding))
        self.lstm = nn.LSTM(config.embedding, config.hidden, config.layers, batch_first=True)
        self.dropout = nn.Dropout(config.dropout)
        self.out_weight = nn.Embedding(vocab_size, config.hidden, padding_idx=0)
        self.out_bias = nn.Embedding(vocab_size, 1, padding_idx=0)
        nn.init.normal_(self.out_weight.weight, std=config.hidden**-0.5)
        nn.init.zeros_(self.out_bias.weight)

    def _embed(self, tokens: torch.Tensor, correct: torch.Tensor) -> torch.Tensor:
        ids = interaction_ids(tokens, correct, self.vocab_size)
        return pool(self.interaction(ids), tokens)

    def _score(self, hidden: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """Logits for ``tokens (..., S)`` from ``hidden (..., H)``, averaged over the tokens."""
        weight, bias = self.out_weight(tokens), self.out_bias(tokens)[..., 0]
        logits = (weight * hidden.unsqueeze(-2)).sum(-1) + bias
        present = (tokens > 0).to(logits.dtype)
        return (logits * present).sum(-1) / present.sum(-1).clamp_min(1.0)

    def forward(self, tokens: torch.Tensor, correct: torch.Tensor) -> torch.Tensor:
        past = self._embed(tokens[:, :-1], correct[:, :-1])
        start = self.start.expand(tokens.shape[0], 1, -1)
        output, _ = self.lstm(torch.cat([start, past], dim=1))
        return self._score(self.dropout(output), tokens)

    # -- memory: (h, c) of every layer, flattened ------------------------------------------
    @property
    def memory_size(self) -> int:
        return 2 * self.config.layers * self.config.hidden

    def _unpack(self, memory: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        n, cfg = memory.shape[0], self.config
        h, c = memory.view(n, 2, cfg.layers, cfg.hidden).permute(1, 2, 0, 3)
        return h.contiguous(), c.contiguous()

    def _pack(self, h: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return torch.stack([h, c]).permute(2, 0, 1, 3).reshape(h.shape[1], -1)

    def _step(self, memory: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        _, (h, c) = self.lstm(x.unsqueeze(1), self._unpack(memory))
        return self._pack(h, c)

    def init_memory(self, n: int) -> torch.Tensor:
        zeros = torch.zeros(n, self.memory_size, device=self.start.device)
        return self._step(zeros, self.start.expand(n, -1))

    def memory_logits(self, memory: torch.Tensor) -> torch.Tensor:
        h, _ = self._unpack(memory)
        return h[-1] @ self.out_weight.weight.T + self.out_bias.weight[:, 0]

    def advance(
        self, memory: torch.Tensor, tokens: torch.Tensor, correct: torch.Tensor
    ) -> torch.Tensor:
        return self._step(memory, self._embed(tokens, correct))
