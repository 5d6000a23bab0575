"""Toy problems for student tests: one-digit addition in the task side's token format.

Ids: pad 0, eos 1, digits 2-11, ``+`` 12, ``=`` 15 (as in :mod:`edusim.tasks`' vocabulary);
prompts ``a + b =`` left-padded to 6 tokens, answers the sum's digits least-significant first,
then EOS, right-padded to 4 tokens.
"""

from __future__ import annotations

import torch

PROMPT_LEN, ANSWER_LEN, VOCAB = 6, 4, 16
SMALL = {"vocab_size": VOCAB, "prompt_len": PROMPT_LEN, "answer_len": ANSWER_LEN,
         "d_model": 32, "n_heads": 2, "batch_size": 32, "device": "cpu"}


def addition(n: int, seed: int, max_digit: int = 9) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` problems ``a + b =`` with ``a, b`` in ``[0, max_digit]``: prompts and answers."""
    g = torch.Generator().manual_seed(seed)
    a = torch.randint(0, max_digit + 1, (n,), generator=g)
    b = torch.randint(0, max_digit + 1, (n,), generator=g)
    prompts = torch.zeros(n, PROMPT_LEN, dtype=torch.long)
    prompts[:, 2], prompts[:, 3], prompts[:, 4], prompts[:, 5] = a + 2, 12, b + 2, 15
    total = a + b
    two = total >= 10
    answers = torch.zeros(n, ANSWER_LEN, dtype=torch.long)
    answers[:, 0] = total % 10 + 2
    answers[:, 1] = torch.where(two, total // 10 + 2, 1)
    answers[:, 2] = torch.where(two, 1, 0)
    return prompts, answers
