"""Grouped layers equal the ordinary per-student layers."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from edusim.students.grouped import causal_self_attention, embed, layer_norm, linear


def test_grouped_layers_equal_per_student_layers() -> None:
    g = torch.Generator().manual_seed(0)
    k, b, length, d, heads = 3, 4, 5, 8, 2
    x = torch.randn(k, b, length, d, generator=g)
    w, bias = torch.randn(k, d, 6, generator=g), torch.randn(k, 6, generator=g)
    ln_w, ln_b = torch.randn(k, d, generator=g), torch.randn(k, d, generator=g)
    w_qkv, b_qkv = torch.randn(k, d, 3 * d, generator=g), torch.randn(k, 3 * d, generator=g)
    w_o, b_o = torch.randn(k, d, d, generator=g), torch.randn(k, d, generator=g)
    table = torch.randn(k, 7, d, generator=g)
    tokens = torch.randint(0, 7, (k, b, length), generator=g)
    out_lin, out_ln = linear(x, w, bias), layer_norm(x, ln_w, ln_b)
    out_att = causal_self_attention(x, w_qkv, b_qkv, w_o, b_o, heads)
    out_emb = embed(tokens, table)
    for i in range(k):
        torch.testing.assert_close(out_lin[i], x[i] @ w[i] + bias[i])
        torch.testing.assert_close(out_ln[i], F.layer_norm(x[i], (d,), ln_w[i], ln_b[i]))
        torch.testing.assert_close(out_emb[i], table[i][tokens[i]])
        mha = torch.nn.MultiheadAttention(d, heads, batch_first=True)
        with torch.no_grad():
            mha.in_proj_weight.copy_(w_qkv[i].T)
            mha.in_proj_bias.copy_(b_qkv[i])
            mha.out_proj.weight.copy_(w_o[i].T)
            mha.out_proj.bias.copy_(b_o[i])
        mask = torch.triu(torch.ones(length, length, dtype=torch.bool), 1)
        expected, _ = mha(x[i], x[i], x[i], attn_mask=mask, need_weights=False)
        torch.testing.assert_close(out_att[i], expected, rtol=1e-4, atol=1e-5)
