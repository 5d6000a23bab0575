"""Grouped layers: K students' layers in one call over stacked weights.

``torch.func.vmap`` over ``nn.TransformerEncoderLayer`` falls back to a slow attention path,
so these are written for the purpose: a linear layer is one batched matmul over ``[K, in,
out]`` weights, layer norm is the unweighted norm followed by each student's scale and shift,
an embedding is one look-up in the ``K`` tables laid end to end, and attention folds ``K``
into the batch dimension, where :func:`torch.nn.functional.scaled_dot_product_attention`'s
fast kernels apply. Activations are ``[K, B, L, d]``: student, example, position, feature.

Example:
    >>> x = torch.ones(2, 3, 4)                      # K=2 students, 3 rows, 4 features
    >>> w = torch.stack([torch.eye(4), 2 * torch.eye(4)])
    >>> linear(x, w, torch.zeros(2, 4))[:, 0, 0].tolist()
    [1.0, 2.0]
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["causal_self_attention", "embed", "layer_norm", "linear"]


def linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """``x @ weight + bias`` per student.

    Args:
        x: ``[K, ..., in]`` inputs.
        weight: ``[K, in, out]``.
        bias: ``[K, out]``.
    """
    k, *rest, d_in = x.shape
    out = torch.baddbmm(bias.unsqueeze(1), x.reshape(k, -1, d_in), weight)
    return out.view(k, *rest, weight.shape[-1])


def layer_norm(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor,
               eps: float = 1e-5) -> torch.Tensor:
    """Layer norm over the last axis with each student's ``weight``/``bias`` (``[K, d]``)."""
    shape = (x.shape[0],) + (1,) * (x.dim() - 2) + (x.shape[-1],)
    normed = F.layer_norm(x, x.shape[-1:], eps=eps)
    return torch.addcmul(bias.view(shape), normed, weight.view(shape))


def embed(tokens: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
    """Rows of each student's ``table`` (``[K, V, d]``) for ``tokens`` (``[K, ...]`` ids)."""
    k, v, d = table.shape
    offsets = torch.arange(k, device=tokens.device).mul_(v).view(k, *([1] * (tokens.dim() - 1)))
    return F.embedding(tokens + offsets, table.reshape(k * v, d))


def causal_self_attention(x: torch.Tensor, w_qkv: torch.Tensor, b_qkv: torch.Tensor,
                          w_out: torch.Tensor, b_out: torch.Tensor, n_heads: int) -> torch.Tensor:
    """Multi-head causal self-attention of ``x`` (``[K, B, L, d]``) per student.

    Every position attends to itself and earlier positions (padding included: prompts are
    left-padded to one length, so pad positions are the same for every example).
    """
    k, b, length, d = x.shape
    qkv = linear(x, w_qkv, b_qkv).view(k * b, length, 3, n_heads, d // n_heads)
    q, key, value = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each [K*B, H, L, dh]
    att = F.scaled_dot_product_attention(q, key, value, is_causal=True)
    att = att.transpose(1, 2).reshape(k, b, length, d)
    return linear(att, w_out, b_out)
