"""Self-Attentive Knowledge Tracing (Pandey & Karypis 2019).

The query at step ``t`` is the embedding of the step's tokens; keys and values are the
embeddings of the interactions before it (a learned start vector first) plus a learned
position embedding. One causal multi-head attention block with a residual connection to the
query, layer norm, and a position-wise feed-forward block; a linear layer gives the logit.

Queries carry no position and keys only their absolute place in the window, so the window is
the model's only notion of recency: on the ASSISTments 2009 skill-builder split short windows
(30 rows, sliding, see ``benchmarks/kt.py``) do markedly better than 200.

A learner's memory is its last ``window - 1`` interactions (token ids and answers stored as
floats, then the count); once full, the oldest interaction drops out, as in a sliding window.

Example:
    >>> import torch
    >>> model = SAKT(vocab_size=5, window=4, config=SAKTConfig(dim=8, heads=2))
    >>> model(torch.tensor([[[2], [3], [2]]]), torch.tensor([[1.0, 0.0, 1.0]])).shape
    torch.Size([1, 3])
    >>> memory = model.init_memory(2)
    >>> for _ in range(5):
    ...     memory = model.advance(memory, torch.tensor([[2], [3]]), torch.tensor([1.0, 0.0]))
    >>> model.memory_logits(memory).shape, memory[:, -1].tolist()
    (torch.Size([2, 5]), [3.0, 3.0])
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from edusim.kt.neural import SequenceModel, interaction_ids, pool

__all__ = ["SAKTConfig", "SAKT"]


@dataclass(frozen=True)
class SAKTConfig:
    """SAKT sizes.

    Attributes:
        dim: Embedding and attention size.
        heads: Attention heads (must divide ``dim``).
        dropout: Dropout in attention and feed-forward blocks.
        recency: Add a learned per-head penalty proportional to the distance between query
            and key to the attention logits (ALiBi-style; not in the SAKT paper, off by
            default).
    """

    dim: int = 64
    heads: int = 4
    dropout: float = 0.2
    recency: bool = False


class SAKT(SequenceModel):
    """The SAKT network (see the module docstring)."""

    config_class = SAKTConfig

    def __init__(self, vocab_size: int, window: int, config: SAKTConfig) -> None:
        super().__init__(vocab_size, window)
        if config.dim % config.heads:
            raise ValueError(f"SAKT dim {config.dim} is not a multiple of heads {config.heads}")
        d = config.dim
        self.config = config
        self.interaction = nn.Embedding(2 * vocab_size, d, padding_idx=0)
        self.exercise = nn.Embedding(vocab_size, d, padding_idx=0)
        self.start = nn.Parameter(torch.zeros(d))
        self.position = nn.Embedding(window, d)
        self.attention = nn.MultiheadAttention(d, config.heads, config.dropout, batch_first=True)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.ffn = nn.Sequential(
            nn.Linear(d, d), nn.ReLU(), nn.Dropout(config.dropout), nn.Linear(d, d)
        )
        self.dropout = nn.Dropout(config.dropout)
        self.out = nn.Linear(d, 1)
        # softplus(slope) per head: from about 0.02 (almost no decay) to 0.7 per step.
        slope = torch.linspace(-4.0, 0.0, config.heads)
        self.slope = nn.Parameter(slope) if config.recency else None

    def _keys(self, tokens: torch.Tensor, correct: torch.Tensor) -> torch.Tensor:
        """Start vector then the interactions ``(B, L, S)``: ``(B, L + 1, d)`` with positions."""
        ids = interaction_ids(tokens, correct, self.vocab_size)
        past = pool(self.interaction(ids), tokens)
        start = self.start.expand(tokens.shape[0], 1, -1)
        keys = torch.cat([start, past], dim=1)
        return keys + self.position.weight[: keys.shape[1]]

    def _attend(
        self, queries: torch.Tensor, keys: torch.Tensor, distance: torch.Tensor
    ) -> torch.Tensor:
        """Logits ``(B, Tq)``; ``distance (B, Tq, Tk)``: query minus key position, < 0 = future."""
        heads = self.config.heads
        bias = torch.zeros_like(distance).unsqueeze(1)
        if self.slope is not None:
            bias = -F.softplus(self.slope)[None, :, None, None] * distance.unsqueeze(1)
        bias = bias.masked_fill(distance.unsqueeze(1) < 0, -torch.inf)
        b, tq, tk = distance.shape
        mask = bias.expand(b, heads, tq, tk).reshape(b * heads, tq, tk).to(queries.dtype)
        attended, _ = self.attention(queries, keys, keys, attn_mask=mask, need_weights=False)
        x = self.norm1(queries + self.dropout(attended))
        x = self.norm2(x + self.dropout(self.ffn(x)))
        return self.out(x)[..., 0]

    def forward(self, tokens: torch.Tensor, correct: torch.Tensor) -> torch.Tensor:
        length = tokens.shape[1]
        if length > self.window:
            raise ValueError(f"SAKT built for windows of {self.window}, got {length} steps")
        keys = self._keys(tokens[:, :-1], correct[:, :-1])
        queries = pool(self.exercise(tokens), tokens)
        steps = torch.arange(length, device=tokens.device, dtype=queries.dtype)
        distance = (steps[:, None] - steps[None, :]).expand(tokens.shape[0], -1, -1)
        return self._attend(queries, keys, distance)

    # -- memory: the last window - 1 interactions ------------------------------------------
    @property
    def memory_size(self) -> int:
        return (self.window - 1) * (self._slots + 1) + 1

    _slots = 1  # tokens per interaction kept in memory (skill or question level: one)

    def _split(self, memory: torch.Tensor):
        n, w, s = memory.shape[0], self.window - 1, self._slots
        tokens = memory[:, : w * s].round().long().view(n, w, s)
        correct = memory[:, w * s : w * (s + 1)]
        return tokens, correct, memory[:, -1].round().long()

    def init_memory(self, n: int) -> torch.Tensor:
        return torch.zeros(n, self.memory_size, device=self.start.device)

    def memory_logits(self, memory: torch.Tensor) -> torch.Tensor:
        tokens, correct, count = self._split(memory)
        keys = self._keys(tokens, correct)
        n, v = memory.shape[0], self.vocab_size
        queries = self.exercise.weight.expand(n, v, -1)
        positions = torch.arange(keys.shape[1], device=memory.device, dtype=queries.dtype)
        distance = (count[:, None].to(queries.dtype) - positions[None, :])[:, None, :]
        return self._attend(queries, keys, distance.expand(n, v, -1))

    def advance(
        self, memory: torch.Tensor, tokens: torch.Tensor, correct: torch.Tensor
    ) -> torch.Tensor:
        past, answers, count = self._split(memory)
        token = tokens[:, :1]
        full = count >= self.window - 1
        # Shift the full memories left by one, then write the new interaction at ``count``.
        past = torch.where(full[:, None, None], past.roll(-1, dims=1), past)
        answers = torch.where(full[:, None], answers.roll(-1, dims=1), answers)
        slot = torch.clamp(count, max=self.window - 2)
        rows = torch.arange(memory.shape[0], device=memory.device)
        past[rows, slot] = token
        answers[rows, slot] = correct.to(answers.dtype)
        count = torch.clamp(count + 1, max=self.window - 1)
        flat = past.reshape(len(rows), -1).to(memory.dtype)
        return torch.cat([flat, answers, count[:, None].to(memory.dtype)], dim=1)
