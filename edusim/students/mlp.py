"""A causal MLP student: each position's own weights, summed over the prefix.

The simpler baseline family (Bengio et al. 2003's neural language model, with the whole
prefix as its window): the input at position ``t`` is ``sum_{j <= t} emb(x_j) @ W_j`` (one
weight matrix per absolute position, so it sees which digit sits where, and a running sum
keeps it causal at ``O(L)`` cost), then a layer norm and GELU, ``n_layers - 1`` residual
hidden layers of width ``2 * d_model`` and an output layer. No attention: it cannot align
positions that move, which is what makes it a baseline.

Example:
    >>> from edusim.students.config import StudentConfig
    >>> from edusim.students.layout import Layout
    >>> model = MLPStudent(StudentConfig(kind="mlp", vocab_size=10, prompt_len=4, answer_len=3,
    ...                                  d_model=16))
    >>> layout = Layout(model.specs)
    >>> flat = layout.initial_row(torch.Generator().manual_seed(0)).unsqueeze(0)
    >>> model.logits(layout.views(flat), torch.zeros(1, 5, 6, dtype=torch.long), 3).shape
    torch.Size([1, 5, 3, 10])
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from edusim.students.config import StudentConfig
from edusim.students.grouped import embed, layer_norm, linear
from edusim.students.layout import ParamSpec

__all__ = ["MLPStudent"]


class MLPStudent:
    """The MLP family: parameter specs and a forward pass over stacked weights.

    Args:
        config: Vocabulary, lengths and sizes (``d_model``, ``n_layers``).
    """

    def __init__(self, config: StudentConfig) -> None:
        self.config = config
        d, v, length = config.d_model, config.vocab_size, config.seq_len
        h = 2 * d
        specs = [ParamSpec("tok", (v, d), std=0.1),
                 ParamSpec("w_in", (length, d, h), std=1 / math.sqrt(d), decay=True),
                 ParamSpec("b_in", (length, h), "zeros")]
        for i in range(config.n_layers - 1):
            specs += [ParamSpec(f"h{i}.ln.w", (h,), "ones"), ParamSpec(f"h{i}.ln.b", (h,), "zeros"),
                      ParamSpec(f"h{i}.w", (h, h), std=1 / math.sqrt(h), decay=True),
                      ParamSpec(f"h{i}.b", (h,), "zeros")]
        self.specs = specs + [ParamSpec("ln_f.w", (h,), "ones"), ParamSpec("ln_f.b", (h,), "zeros"),
                              ParamSpec("head.w", (h, v), std=1 / math.sqrt(h), decay=True),
                              ParamSpec("head.b", (v,), "zeros")]

    def logits(self, params: dict[str, torch.Tensor], tokens: torch.Tensor,
               start: int) -> torch.Tensor:
        """Next-token logits ``[K, B, L - start, V]`` at positions ``start ..`` of ``tokens``."""
        p = params
        k, b, length = tokens.shape
        x = embed(tokens, p["tok"]).transpose(1, 2).reshape(k * length, b, -1)  # [K*L, B, d]
        w_in = p["w_in"][:, :length]
        parts = torch.bmm(x, w_in.reshape(k * length, *w_in.shape[2:]))         # [K*L, B, h]
        pre = parts.view(k, length, b, -1).cumsum(1)[:, start:].transpose(1, 2)  # [K, B, L', h]
        h = F.gelu(pre + p["b_in"][:, None, start:length])
        for i in range(self.config.n_layers - 1):
            h = h + linear(F.gelu(layer_norm(h, p[f"h{i}.ln.w"], p[f"h{i}.ln.b"])),
                           p[f"h{i}.w"], p[f"h{i}.b"])
        return linear(layer_norm(h, p["ln_f.w"], p["ln_f.b"]), p["head.w"], p["head.b"])
