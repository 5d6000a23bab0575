"""Per-skill BKT chains packed time-major, with a scaled forward-backward over all of them.

BKT treats each (learner, skill) pair as its own two-state hidden Markov chain. The chains are
sorted by length (longest first) and packed like a ``PackedSequence``: the elements of step
``t`` of every chain still running at ``t`` form one contiguous block, and those chains are a
prefix of the previous block. One Python step per time index then updates every chain of every
skill (and every random restart, the trailing axis) with a few tensor operations.

The forward pass is the scaled (filtering) recursion: ``p`` is P(known) before the observation,
``post`` after it, and ``den`` the likelihood of the observation given the past, whose logs sum
to the log-likelihood. The backward pass computes the smoothed P(known) ``gamma`` with the
Rauch-Tung-Striebel form of the two-state recursion.

Example:
    >>> import numpy as np
    >>> from edusim.kt.sequences import Interactions
    >>> data = Interactions(np.array([[2], [2], [3]]), np.array([True, False, True]),
    ...                     np.array([0, 3]), np.array(["u"], dtype=object))
    >>> chains = Chains.build(data, "cpu")
    >>> chains.steps, chains.n_elements
    ([2, 1], 3)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["Chains", "BKTTensors", "ForwardResult", "take_rows", "sum_rows"]


def take_rows(table: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """``table[rows]`` for a 2-D ``table`` (fast path for one column)."""
    if table.shape[1] == 1:
        return table[:, 0].index_select(0, rows)[:, None]
    return table.index_select(0, rows)


def sum_rows(values: torch.Tensor, index: torch.Tensor, n: int) -> torch.Tensor:
    """``(n, R)`` sums of the rows of ``values`` grouped by ``index`` (fast path for R = 1)."""
    if values.shape[1] == 1:
        return torch.bincount(index, weights=values[:, 0], minlength=n)[:, None]
    out = torch.zeros((n, values.shape[1]), dtype=values.dtype, device=values.device)
    return out.index_add_(0, index, values)


@dataclass(frozen=True)
class BKTTensors:
    """BKT parameters, each ``(K, R)``: K skills (token ids) by R restarts."""

    prior: torch.Tensor
    learn: torch.Tensor
    forget: torch.Tensor
    guess: torch.Tensor
    slip: torch.Tensor


@dataclass(frozen=True)
class ForwardResult:
    """Per element ``(E, R)``: P(known) before (``p``) and after (``post``) the observation,
    and the observation's likelihood given the past (``den``)."""

    p: torch.Tensor
    post: torch.Tensor
    den: torch.Tensor


@dataclass(frozen=True)
class Chains:
    """Packed chains on one device.

    Attributes:
        skill: ``(E,)`` token id of each element.
        correct: ``(E, 1)`` bool observation of each element.
        row: ``(E,)`` row of the source :class:`Interactions` each element came from.
        steps: Number of chains running at each time step (non-increasing).
        src: Elements that have a successor; ``dst``: their successors; ``src_skill``: their
            token ids.
    """

    skill: torch.Tensor
    correct: torch.Tensor
    row: torch.Tensor
    steps: list[int]
    src: torch.Tensor
    dst: torch.Tensor
    src_skill: torch.Tensor

    @property
    def n_elements(self) -> int:
        return int(self.skill.shape[0])

    @property
    def bounds(self) -> list[int]:
        return [0, *np.cumsum(self.steps).tolist()]

    @classmethod
    def build(cls, data, device: torch.device | str) -> Chains:
        """Pack ``data`` (:class:`~edusim.kt.sequences.Interactions`) into chains."""
        rows, slots = np.nonzero(data.tokens > 0)
        skill = data.tokens[rows, slots]
        learner = data.learner_of_row()[rows]
        order = np.lexsort((rows, skill, learner))
        rows, skill, learner = rows[order], skill[order], learner[order]
        new = np.ones(len(rows), dtype=bool)
        new[1:] = (learner[1:] != learner[:-1]) | (skill[1:] != skill[:-1])
        chain = np.cumsum(new) - 1
        starts = np.flatnonzero(new)
        pos = np.arange(len(rows)) - starts[chain]
        length = np.diff(np.append(starts, len(rows)))
        rank = np.empty(len(length), dtype=np.int64)
        rank[np.argsort(-length, kind="stable")] = np.arange(len(length))
        steps = np.bincount(length - 1)[::-1].cumsum()[::-1]
        bounds = np.concatenate([[0], np.cumsum(steps)])
        packed = bounds[pos] + rank[chain]
        perm = np.empty(len(rows), dtype=np.int64)
        perm[packed] = np.arange(len(rows))
        has_next = pos + 1 < length[chain]
        src = packed[has_next]
        dst = bounds[pos[has_next] + 1] + rank[chain[has_next]]

        def tensor(a: np.ndarray, dt: torch.dtype = torch.long) -> torch.Tensor:
            return torch.as_tensor(np.ascontiguousarray(a), dtype=dt, device=device)

        return cls(
            skill=tensor(skill[perm]),
            correct=tensor(data.correct[rows[perm]], torch.bool)[:, None],
            row=tensor(rows[perm]),
            steps=steps.tolist(),
            src=tensor(src),
            dst=tensor(dst),
            src_skill=tensor(skill[perm][src]),
        )

    def forward(self, params: BKTTensors) -> ForwardResult:
        """Filtered P(known) and observation likelihoods for every element."""
        k, observed = self.skill, self.correct
        learn = take_rows(params.learn, k)
        keep = 1.0 - learn - take_rows(params.forget, k)
        guess, slip = take_rows(params.guess, k), take_rows(params.slip, k)
        e1 = torch.where(observed, 1.0 - slip, slip)  # P(obs | known)
        e0 = torch.where(observed, guess, 1.0 - guess)  # P(obs | unknown)
        gap = e1 - e0
        p, post, den = torch.empty_like(e1), torch.empty_like(e1), torch.empty_like(e1)
        bounds = self.bounds
        p[: bounds[1]] = take_rows(params.prior, k[: bounds[1]])
        for t in range(len(self.steps)):
            a, b = bounds[t], bounds[t + 1]
            if t:
                prev = bounds[t - 1]
                torch.addcmul(learn[a:b], post[prev : prev + b - a], keep[a:b], out=p[a:b])
            torch.addcmul(e0[a:b], p[a:b], gap[a:b], out=den[a:b])
            torch.mul(p[a:b], e1[a:b], out=post[a:b])
            post[a:b].div_(den[a:b])
        return ForwardResult(p, post, den)

    def smooth(self, fwd: ForwardResult, forget: torch.Tensor | None) -> torch.Tensor:
        """Smoothed P(known) ``gamma`` per element; ``forget`` is ``(K, R)`` or ``None``."""
        gamma = fwd.post.clone()
        p, post, bounds = fwd.p, fwd.post, self.bounds
        f = None if forget is None else take_rows(forget, self.skill)
        for t in range(len(self.steps) - 2, -1, -1):
            a, m, nb = bounds[t], self.steps[t + 1], bounds[t + 1]
            g_next, p_next = gamma[nb : nb + m], p[nb : nb + m]
            factor = g_next / p_next
            if f is not None:
                stay = (1.0 - g_next) / (1.0 - p_next)
                factor = torch.lerp(factor, stay, f[a : a + m])
            torch.mul(post[a : a + m], factor, out=gamma[a : a + m])
        return gamma
