"""Decoding K students' answers: greedy for evaluation, temperature sampling for RL and pass@k.

Both run the model on the prompt and the tokens so far and take the last position's logits,
for ``answer_len`` steps or until every answer has ended; after its EOS an answer is padded.
Sampling is by inverse CDF from uniforms drawn up front, ``[N, La]`` per student from that
student's own generator, so a student's samples do not depend on the other students or on how
the prompts are split into chunks.

Example:
    >>> import torch
    >>> def logits(tokens, start):   # a "model" that always says token 3, then EOS (1)
    ...     k, b, length = tokens.shape
    ...     out = torch.zeros(k, b, length - start, 5)
    ...     out[..., 3 if length < 4 else 1] = 9.0
    ...     return out
    >>> decode(logits, torch.zeros(1, 2, 2, dtype=torch.long), 4, eos_id=1, pad_id=0)[0].tolist()
    [[[3, 3, 1, 0], [3, 3, 1, 0]]]
"""

from __future__ import annotations

from collections.abc import Callable

import torch

__all__ = ["decode"]

LogitsFn = Callable[[torch.Tensor, int], torch.Tensor]


@torch.no_grad()
def decode(logits_fn: LogitsFn, prompts: torch.Tensor, answer_len: int, eos_id: int,
           pad_id: int, uniforms: torch.Tensor | None = None,
           temperature: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Answers ``[K, N, La]`` and their log-probabilities ``[K, N]``.

    Args:
        logits_fn: ``(tokens [K, N, L], start) -> logits [K, N, L - start, V]``.
        prompts: ``[K, N, Lp]`` token ids.
        answer_len: Tokens to produce at most (``La``, EOS included).
        eos_id: Token that ends an answer.
        pad_id: Token written after the end.
        uniforms: ``[K, N, La]`` draws in ``[0, 1)`` for sampling; ``None`` decodes greedily.
        temperature: Divides the logits when sampling.

    Returns:
        The answers and the sum of each answer's token log-probabilities (under the sampling
        distribution, i.e. at ``temperature``; greedy: at temperature 1) up to its EOS.
    """
    k, n, _ = prompts.shape
    seq = prompts
    done = torch.zeros(k, n, dtype=torch.bool, device=prompts.device)
    logp = torch.zeros(k, n, device=prompts.device)
    out = torch.full((k, n, answer_len), pad_id, dtype=torch.long, device=prompts.device)
    for t in range(answer_len):
        scores = logits_fn(seq, seq.shape[-1] - 1)[:, :, -1].float()
        if uniforms is None:
            token = scores.argmax(-1)
            log_probs = scores.log_softmax(-1)
        else:
            log_probs = (scores / temperature).log_softmax(-1)
            cdf = log_probs.exp().cumsum(-1)
            u = uniforms[:, :, t].unsqueeze(-1) * cdf[..., -1:]
            token = (cdf <= u).sum(-1).clamp_(max=scores.shape[-1] - 1)
        token = torch.where(done, pad_id, token)
        logp += torch.where(done, 0.0, log_probs.gather(-1, token.unsqueeze(-1)).squeeze(-1))
        out[:, :, t] = token
        done |= token.eq(eos_id)
        if bool(done.all()):
            break
        seq = torch.cat([seq, token.unsqueeze(-1)], dim=-1)
    return out, logp
