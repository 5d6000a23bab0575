"""A small pre-norm causal transformer, K students at once (grouped layers).

Token and learned position embeddings, ``n_layers`` blocks of causal self-attention and a
GELU feed-forward layer (width ``4 * d_model``), each behind a layer norm with a residual
connection, a final layer norm and an untied output layer. Logits are computed only for the
positions asked for (training needs the answer positions, decoding the last one).

Example:
    >>> from edusim.students.config import StudentConfig
    >>> from edusim.students.layout import Layout
    >>> model = TransformerStudent(StudentConfig(vocab_size=10, prompt_len=4, answer_len=3,
    ...                                          d_model=16, n_heads=2))
    >>> layout = Layout(model.specs)
    >>> flat = torch.stack([layout.initial_row(torch.Generator().manual_seed(s)) for s in (0, 1)])
    >>> model.logits(layout.views(flat), torch.zeros(2, 5, 6, dtype=torch.long), 3).shape
    torch.Size([2, 5, 3, 10])
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from edusim.students.config import StudentConfig
from edusim.students.grouped import causal_self_attention, embed, layer_norm, linear
from edusim.students.layout import ParamSpec

__all__ = ["TransformerStudent"]


def _norm(name: str, d: int) -> list[ParamSpec]:
    return [ParamSpec(f"{name}.w", (d,), "ones"), ParamSpec(f"{name}.b", (d,), "zeros")]


def _dense(name: str, d_in: int, d_out: int, scale: float = 1.0) -> list[ParamSpec]:
    return [ParamSpec(f"{name}.w", (d_in, d_out), std=scale / math.sqrt(d_in), decay=True),
            ParamSpec(f"{name}.b", (d_out,), "zeros")]


class TransformerStudent:
    """The transformer family: parameter specs and a forward pass over stacked weights.

    Args:
        config: Vocabulary, lengths and sizes (``d_model``, ``n_layers``, ``n_heads``).
    """

    def __init__(self, config: StudentConfig) -> None:
        self.config = config
        d, v = config.d_model, config.vocab_size
        residual = 1.0 / math.sqrt(2 * config.n_layers)  # GPT-2's scaled residual projections
        specs = [ParamSpec("tok", (v, d), std=0.1), ParamSpec("pos", (config.seq_len, d), std=0.1)]
        for i in range(config.n_layers):
            specs += _norm(f"b{i}.ln1", d) + _dense(f"b{i}.qkv", d, 3 * d)
            specs += _dense(f"b{i}.out", d, d, residual)
            specs += _norm(f"b{i}.ln2", d) + _dense(f"b{i}.ff1", d, 4 * d)
            specs += _dense(f"b{i}.ff2", 4 * d, d, residual)
        self.specs = specs + _norm("ln_f", d) + _dense("head", d, v)

    def logits(self, params: dict[str, torch.Tensor], tokens: torch.Tensor,
               start: int) -> torch.Tensor:
        """Next-token logits ``[K, B, L - start, V]`` at positions ``start ..`` of ``tokens``.

        Args:
            params: Named ``[K, *shape]`` parameters (:meth:`Layout.views`).
            tokens: ``[K, B, L]`` token ids, ``L <= seq_len``.
            start: First position whose next token is predicted.
        """
        p, n_heads = params, self.config.n_heads
        length = tokens.shape[-1]
        x = embed(tokens, p["tok"]) + p["pos"][:, None, :length]
        for i in range(self.config.n_layers):
            h = layer_norm(x, p[f"b{i}.ln1.w"], p[f"b{i}.ln1.b"])
            x = x + causal_self_attention(h, p[f"b{i}.qkv.w"], p[f"b{i}.qkv.b"],
                                          p[f"b{i}.out.w"], p[f"b{i}.out.b"], n_heads)
            h = layer_norm(x, p[f"b{i}.ln2.w"], p[f"b{i}.ln2.b"])
            h = F.gelu(linear(h, p[f"b{i}.ff1.w"], p[f"b{i}.ff1.b"]))
            x = x + linear(h, p[f"b{i}.ff2.w"], p[f"b{i}.ff2.b"])
        x = layer_norm(x[:, :, start:], p["ln_f.w"], p["ln_f.b"])
        return linear(x, p["head.w"], p["head.b"])
