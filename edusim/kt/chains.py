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

__all__ = [
    "BKTTensors",
    "ChainLayout",
    "Chains",
    "Counts",
    "ForwardResult",
    "per_token",
    "sum_rows",
    "take_rows",
]


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
class Counts:
    """Expected counts of one E-step, summed per token: each ``(K, R)``.

    ``forgot`` and ``known_from`` are ``None`` when forgetting is not fitted.
    """

    loglik: torch.Tensor
    starts_known: torch.Tensor
    chains: torch.Tensor
    learned: torch.Tensor
    unknown_from: torch.Tensor
    unknown: torch.Tensor
    known: torch.Tensor
    right_unknown: torch.Tensor
    wrong_known: torch.Tensor
    forgot: torch.Tensor | None = None
    known_from: torch.Tensor | None = None


def per_token(n: int, index: torch.Tensor, *values: torch.Tensor) -> list[torch.Tensor]:
    """Each ``(M, R)`` array of ``values`` summed by ``index`` into ``(n, R)``, in one pass."""
    sums = sum_rows(torch.cat(values, dim=1), index, n)
    return list(sums.split(values[0].shape[1], dim=1))


@dataclass(frozen=True)
class ChainLayout:
    """The chains of an :class:`~edusim.kt.sequences.Interactions` in numpy, before packing.

    Elements are sorted by chain, then time. ``chain``, ``pos``: each element's chain and
    position in it; ``length``, ``chain_skill``: per chain.
    """

    rows: np.ndarray
    skill: np.ndarray
    correct: np.ndarray
    chain: np.ndarray
    pos: np.ndarray
    length: np.ndarray
    chain_skill: np.ndarray

    @classmethod
    def of(cls, data) -> ChainLayout:
        """One chain per (learner, token) pair of ``data``."""
        rows, slots = np.nonzero(data.tokens > 0)
        skill = data.tokens[rows, slots]
        learner = data.learner_of_row()[rows]
        order = np.lexsort((rows, skill, learner))
        rows, skill, learner = rows[order], skill[order], learner[order]
        new = np.ones(len(rows), dtype=bool)
        new[1:] = (learner[1:] != learner[:-1]) | (skill[1:] != skill[:-1])
        chain = np.cumsum(new) - 1
        starts = np.flatnonzero(new)
        return cls(
            rows=rows,
            skill=skill,
            correct=data.correct[rows],
            chain=chain,
            pos=np.arange(len(rows)) - starts[chain],
            length=np.diff(np.append(starts, len(rows))),
            chain_skill=skill[starts],
        )


@dataclass(frozen=True)
class Chains:
    """Packed chains on one device.

    Attributes:
        layout: The unpacked chains (for :meth:`subset`).
        skill: ``(E,)`` token id of each element.
        correct: ``(E, 1)`` bool observation of each element.
        row: ``(E,)`` row of the source :class:`Interactions` each element came from.
        steps: Number of chains running at each time step (non-increasing).
        src: Elements that have a successor; ``dst``: their successors; ``src_skill``: their
            token ids.
    """

    layout: ChainLayout
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
        layout = ChainLayout.of(data)
        return cls.pack(layout, np.ones(len(layout.length), dtype=bool), device)

    def subset(self, skills: np.ndarray) -> Chains:
        """Only the chains of the token ids where the boolean ``skills`` is true."""
        return self.pack(self.layout, skills[self.layout.chain_skill], self.skill.device)

    @classmethod
    def pack(cls, layout: ChainLayout, keep: np.ndarray, device) -> Chains:
        """Pack the chains where ``keep`` (per chain) is true, longest first."""
        kept = np.flatnonzero(keep)
        length = layout.length[kept]
        rank = np.full(len(layout.length), -1, dtype=np.int64)
        rank[kept[np.argsort(-length, kind="stable")]] = np.arange(len(kept))
        element = np.flatnonzero(keep[layout.chain])
        chain, pos = layout.chain[element], layout.pos[element]
        steps = np.bincount(length - 1)[::-1].cumsum()[::-1] if len(kept) else np.zeros(0, int)
        bounds = np.concatenate([[0], np.cumsum(steps)]).astype(np.int64)
        packed = bounds[pos] + rank[chain]
        perm = np.empty(len(element), dtype=np.int64)
        perm[packed] = element
        has_next = pos + 1 < layout.length[chain]
        src = packed[has_next]
        dst = bounds[pos[has_next] + 1] + rank[chain[has_next]]

        def tensor(a: np.ndarray, dt: torch.dtype = torch.long) -> torch.Tensor:
            return torch.as_tensor(np.ascontiguousarray(a), dtype=dt, device=device)

        return cls(
            layout=layout,
            skill=tensor(layout.skill[perm]),
            correct=tensor(layout.correct[perm], torch.bool)[:, None],
            row=tensor(layout.rows[perm]),
            steps=steps.tolist(),
            src=tensor(src),
            dst=tensor(dst),
            src_skill=tensor(layout.skill[element][has_next]),
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
        steps = self.steps
        p[: steps[0]] = take_rows(params.prior, k[: steps[0]])
        # Views of each time step's block, made once: the loop below is a few ops per step.
        blocks = [x.split(steps) for x in (learn, keep, e0, gap, e1, p, post, den)]
        previous = None
        for n, learn_t, keep_t, e0_t, gap_t, e1_t, p_t, post_t, den_t in zip(
            steps, *blocks, strict=True
        ):
            if previous is not None:
                torch.addcmul(learn_t, previous[:n], keep_t, out=p_t)
            torch.addcmul(e0_t, p_t, gap_t, out=den_t)
            torch.mul(p_t, e1_t, out=post_t)
            post_t.div_(den_t)
            previous = post_t
        return ForwardResult(p, post, den)

    def smooth(self, fwd: ForwardResult, forget: torch.Tensor | None) -> torch.Tensor:
        """Smoothed P(known) ``gamma`` per element; ``forget`` is ``(K, R)`` or ``None``."""
        gamma = fwd.post.clone()
        f = None if forget is None else take_rows(forget, self.skill).split(self.steps)
        blocks = [x.split(self.steps) for x in (gamma, fwd.p, fwd.post)]
        for t in range(len(self.steps) - 2, -1, -1):
            g_next, p_next, m = blocks[0][t + 1], blocks[1][t + 1], self.steps[t + 1]
            factor = g_next / p_next
            if f is not None:
                stay = (1.0 - g_next) / (1.0 - p_next)
                factor = torch.lerp(factor, stay, f[t][:m])
            torch.mul(blocks[2][t][:m], factor, out=blocks[0][t][:m])
        return gamma

    def e_step(self, params: BKTTensors, forgetting: bool) -> Counts:
        """Forward-backward over every chain and the expected counts per token."""
        n = params.prior.shape[0]
        fwd = self.forward(params)
        gamma = self.smooth(fwd, params.forget if forgetting else None)
        k, src, dst, ks = self.skill, self.src, self.dst, self.src_skill
        first = self.steps[0]
        starts, chains = per_token(n, k[:first], gamma[:first], torch.ones_like(gamma[:first]))
        g_src, g_dst = take_rows(gamma, src), take_rows(gamma, dst)
        post_src, p_dst = take_rows(fwd.post, src), take_rows(fwd.p, dst)
        learned = (1 - post_src) * take_rows(params.learn, ks) * g_dst / p_dst
        moves = [learned, 1 - g_src]
        if forgetting:
            forgot = post_src * take_rows(params.forget, ks) * (1 - g_dst) / (1 - p_dst)
            moves += [forgot, g_src]
        sums = per_token(n, ks, *moves)
        zero = torch.zeros((), dtype=gamma.dtype, device=gamma.device)
        c = self.correct
        unknown, known, right_unknown, wrong_known, loglik = per_token(
            n, k, 1 - gamma, gamma, torch.where(c, 1 - gamma, zero),
            torch.where(c, zero, gamma), torch.log(fwd.den),
        )
        return Counts(loglik, starts, chains, sums[0], sums[1], unknown, known, right_unknown,
                      wrong_known, *sums[2:])
