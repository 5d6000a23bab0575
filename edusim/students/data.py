"""Students' datasets: prompts and answers shared by all K students or one set per student.

Accepted forms (``Lp``/``La`` the config's prompt and answer lengths): a ``[N, L]`` tensor
shared by every student, a ``[K, N, L]`` tensor (one dataset per student), or a sequence of K
``[N_k, L]`` tensors of different sizes (padded to the longest, with per-student counts).
Token ids are checked against the vocabulary once, when the data comes in.

Example:
    >>> from edusim.students.config import StudentConfig
    >>> config = StudentConfig(vocab_size=5, prompt_len=3, answer_len=2)
    >>> data = as_student_data(torch.ones(4, 3, dtype=torch.long),
    ...                        torch.ones(4, 2, dtype=torch.long), 2, config)
    >>> data.prompts.shape, data.counts.tolist()
    (torch.Size([2, 4, 3]), [4, 4])
    >>> as_prompts(torch.full((4, 2), 7), 2, config)
    Traceback (most recent call last):
    ...
    ValueError: prompts: expected last dimension 3 (prompt_len), got shape (4, 2)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from edusim.students.config import StudentConfig

__all__ = ["StudentData", "answer_mask", "as_prompts", "as_student_data", "draw_index"]

Tokens = torch.Tensor | Sequence[torch.Tensor]


@dataclass(frozen=True)
class StudentData:
    """Per-student datasets, padded to one length.

    Attributes:
        prompts: ``[K, N, Lp]`` (rows past a student's count are padding, never drawn).
        answers: ``[K, N, La]``.
        counts: ``[K]`` examples per student (CPU).
    """

    prompts: torch.Tensor
    answers: torch.Tensor
    counts: torch.Tensor

    def rows(self, k: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Student ``k``'s prompts and answers without padding."""
        n = int(self.counts[k])
        return self.prompts[k, :n], self.answers[k, :n]

    def batch(self, index: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Prompts and answers at ``index`` (``[K, B]`` rows of each student's own set)."""
        index = index.to(self.prompts.device)
        return _gather(self.prompts, index), _gather(self.answers, index)

    def concat(self, other: StudentData) -> StudentData:
        """Each student's data followed by its rows of ``other``."""
        k = len(self.counts)
        prompts = [torch.cat([self.rows(i)[0], other.rows(i)[0]]) for i in range(k)]
        answers = [torch.cat([self.rows(i)[1], other.rows(i)[1]]) for i in range(k)]
        return _stack(prompts, answers)


def _gather(data: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    return data.gather(1, index.unsqueeze(-1).expand(-1, -1, data.shape[-1]))


def _stack(prompts: list[torch.Tensor], answers: list[torch.Tensor]) -> StudentData:
    counts = torch.tensor([len(p) for p in prompts])
    if len(set(counts.tolist())) == 1:
        return StudentData(torch.stack(prompts), torch.stack(answers), counts)
    return StudentData(torch.nn.utils.rnn.pad_sequence(prompts, batch_first=True),
                       torch.nn.utils.rnn.pad_sequence(answers, batch_first=True), counts)


def _check(tokens: torch.Tensor, what: str, length: int, field: str, vocab: int) -> torch.Tensor:
    if not isinstance(tokens, torch.Tensor):
        raise TypeError(f"{what}: expected a torch tensor, got {type(tokens).__name__}")
    if tokens.dtype.is_floating_point or tokens.dtype.is_complex or tokens.dtype == torch.bool:
        raise TypeError(f"{what}: expected integer token ids, got dtype {tokens.dtype}")
    if tokens.dim() not in (2, 3) or tokens.shape[-1] != length:
        raise ValueError(f"{what}: expected last dimension {length} ({field}), "
                         f"got shape {tuple(tokens.shape)}")
    if tokens.numel() and (int(tokens.min()) < 0 or int(tokens.max()) >= vocab):
        raise ValueError(f"{what}: token ids must lie in [0, {vocab}), found "
                         f"{int(tokens.min())}..{int(tokens.max())}")
    return tokens.long()


def _per_student(tokens: Tokens, k: int, what: str, length: int, field: str,
                 config: StudentConfig) -> list[torch.Tensor] | torch.Tensor:
    """A ``[K, N, L]`` tensor, or a list of K ``[N_k, L]`` tensors."""
    if isinstance(tokens, torch.Tensor):
        tokens = _check(tokens, what, length, field, config.vocab_size)
        if tokens.dim() == 2:
            return tokens.unsqueeze(0).expand(k, -1, -1)
        if tokens.shape[0] != k:
            raise ValueError(f"{what}: {tokens.shape[0]} datasets for {k} students")
        return tokens
    tokens = list(tokens)
    if len(tokens) != k:
        raise ValueError(f"{what}: {len(tokens)} datasets for {k} students")
    out = [_check(t, f"{what}[{i}]", length, field, config.vocab_size) for i, t in
           enumerate(tokens)]
    if any(t.dim() != 2 for t in out):
        raise ValueError(f"{what}: each student's dataset must be [N, {length}]")
    return out


def as_prompts(prompts: Tokens, k: int, config: StudentConfig) -> torch.Tensor:
    """Prompts as ``[K, N, Lp]`` (every student must get the same number)."""
    out = _per_student(prompts, k, "prompts", config.prompt_len, "prompt_len", config)
    if isinstance(out, list):
        if len({len(t) for t in out}) != 1:
            raise ValueError("prompts: every student needs the same number of prompts here")
        out = torch.stack(out)
    return out


def as_student_data(prompts: Tokens, answers: Tokens, k: int,
                    config: StudentConfig) -> StudentData:
    """Prompts and answers in any accepted form as :class:`StudentData`."""
    p = _per_student(prompts, k, "prompts", config.prompt_len, "prompt_len", config)
    a = _per_student(answers, k, "answers", config.answer_len, "answer_len", config)
    if isinstance(p, torch.Tensor) and isinstance(a, torch.Tensor):
        if p.shape[1] != a.shape[1]:
            raise ValueError(f"{p.shape[1]} prompts but {a.shape[1]} answers")
        return StudentData(p, a, torch.full((k,), p.shape[1]))
    p_list, a_list = list(p), list(a)
    for i, (pi, ai) in enumerate(zip(p_list, a_list, strict=True)):
        if len(pi) != len(ai):
            raise ValueError(f"student {i}: {len(pi)} prompts but {len(ai)} answers")
    return _stack(p_list, a_list)


def draw_index(counts: torch.Tensor, batch: int,
               generators: Sequence[torch.Generator]) -> torch.Tensor:
    """``[K, B]`` rows drawn with replacement, student ``k``'s from its own generator."""
    if int(counts.min()) < 1:
        raise ValueError("every student needs at least one example")
    return torch.stack([torch.randint(int(n), (batch,), generator=g)
                        for n, g in zip(counts, generators, strict=True)])


def answer_mask(answers: torch.Tensor, eos_id: int) -> torch.Tensor:
    """Bool mask of the answer tokens up to and including the first EOS.

    Example:
        >>> answer_mask(torch.tensor([[5, 1, 0, 0], [5, 6, 7, 8]]), eos_id=1).int().tolist()
        [[1, 1, 0, 0], [1, 1, 1, 1]]
    """
    eos = answers.eq(eos_id).int()
    return (eos.cumsum(-1) - eos).eq(0)
