"""The BKT E-step without forgetting in closed form: cumulative sums instead of a time loop.

Without forgetting, a chain's hidden path is fixed by one number: the step ``tau`` at which
the skill becomes known (``tau = T`` if never within the chain's ``T`` steps). With
``P(tau = 0) = prior``, ``P(tau = j) = (1 - prior)(1 - learn)^(j-1) learn`` and
``P(tau = T) = (1 - prior)(1 - learn)^(T-1)``, and ``E0``, ``E1`` the prefix sums of the log
likelihoods of the observations when unknown and known,

* the joint is ``log P(obs, tau) = log P(tau) + E0[tau] + E1[T] - E1[tau]``, and the
  log-likelihood its ``logsumexp`` over ``tau``,
* the smoothed ``P(known at t | obs) = sum_{tau <= t} P(tau | obs)`` is a cumulative sum, and
  the expected number of learning transitions is ``P(0 < tau < T | obs)``,

so every statistic of the E-step is a handful of cumulative sums over chains padded into a few
length buckets (powers of two), with no Python loop over time steps. It agrees with the
forward-backward recursion of :mod:`edusim.kt.chains` to rounding error (a test checks it);
predictions still use the recursion's forward pass.

Example:
    >>> import numpy as np, torch
    >>> from edusim.kt.chains import BKTTensors, ChainLayout
    >>> from edusim.kt.sequences import Interactions
    >>> data = Interactions(np.array([[2], [2], [3]]), np.array([True, False, True]),
    ...                     np.array([0, 3]), np.array(["u"], dtype=object))
    >>> buckets = LengthBuckets.build(data, "cpu")
    >>> half = torch.full((4, 1), 0.3, dtype=torch.float64)
    >>> counts = buckets.e_step(BKTTensors(half, half, 0 * half, half, half), False)
    >>> round(float(counts.loglik[2, 0]), 4)
    -1.6885
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from edusim.kt.chains import BKTTensors, ChainLayout, Counts, per_token, take_rows

__all__ = ["LengthBuckets"]

_SMALLEST = 8
#: Buckets are merged while the merged one has at most this many padded steps.
_MERGE_PADDED = 32768


@dataclass(frozen=True)
class _Bucket:
    """Chains of similar length, padded to ``L`` steps.

    ``correct``, ``mask``: ``(C, L)`` bool; ``weight_correct``, ``weight_valid``: the same as
    float64 ``(C, L)``; ``length``, ``n_correct``: float64 ``(C, 1)``; ``skill``: ``(C,)``.
    """

    correct: torch.Tensor
    mask: torch.Tensor
    weight_correct: torch.Tensor
    weight_valid: torch.Tensor
    length: torch.Tensor
    n_correct: torch.Tensor
    skill: torch.Tensor

    @classmethod
    def of(cls, correct: np.ndarray, mask: np.ndarray, skill: np.ndarray, device) -> _Bucket:
        def tensor(a: np.ndarray) -> torch.Tensor:
            return torch.as_tensor(np.ascontiguousarray(a), device=device)

        valid, right = mask.astype(np.float64), correct.astype(np.float64)
        return cls(
            correct=tensor(correct[..., None]),
            mask=tensor(mask[..., None]),
            weight_correct=tensor(right),
            weight_valid=tensor(valid),
            length=tensor(valid.sum(axis=1, keepdims=True)),
            n_correct=tensor(right.sum(axis=1, keepdims=True)),
            skill=tensor(skill),
        )


@dataclass(frozen=True)
class LengthBuckets:
    """All chains of a :class:`ChainLayout`, grouped by length into padded buckets."""

    layout: ChainLayout
    buckets: tuple[_Bucket, ...]

    @property
    def n_elements(self) -> int:
        return int(sum(int(b.length.sum()) for b in self.buckets))

    @classmethod
    def build(cls, data, device: torch.device | str) -> LengthBuckets:
        """Bucket the chains of ``data`` (:class:`~edusim.kt.sequences.Interactions`)."""
        layout = ChainLayout.of(data)
        return cls.pack(layout, np.ones(len(layout.length), dtype=bool), device)

    def subset(self, skills: np.ndarray) -> LengthBuckets:
        """Only the chains of the token ids where the boolean ``skills`` is true."""
        device = self.buckets[0].mask.device if self.buckets else "cpu"
        return self.pack(self.layout, skills[self.layout.chain_skill], device)

    @classmethod
    def pack(cls, layout: ChainLayout, keep: np.ndarray, device) -> LengthBuckets:
        """Pad the chains where ``keep`` is true into buckets of similar lengths."""
        starts = np.concatenate([[0], np.cumsum(layout.length)[:-1]])
        kept = np.flatnonzero(keep)
        buckets = []
        for here in _groups(kept[np.argsort(layout.length[kept], kind="stable")], layout.length):
            length = layout.length[here]
            steps = np.arange(int(length.max()))
            mask = steps[None, :] < length[:, None]
            rows = np.where(mask, starts[here][:, None] + steps[None, :], 0)
            correct = layout.correct[rows] & mask
            buckets.append(_Bucket.of(correct, mask, layout.chain_skill[here], device))
        return cls(layout, tuple(buckets))

    def e_step(self, params: BKTTensors, forgetting: bool) -> Counts:
        """Expected counts per token (``forgetting`` must be false: no forget transitions)."""
        if forgetting:
            raise ValueError("the closed-form E-step has no forgetting; use Chains.e_step")
        n = params.prior.shape[0]
        total = None
        for bucket in self.buckets:
            sums = per_token(n, bucket.skill, *_bucket_stats(bucket, params))
            total = sums if total is None else [a + b for a, b in zip(total, sums, strict=True)]
        return Counts(*total)


def _groups(chains: np.ndarray, length: np.ndarray) -> list[np.ndarray]:
    """Split ``chains`` (sorted by length) into buckets: lengths up to 8, 16, 32, ..., then
    merge neighbours while the merged padding stays small (few buckets for few chains)."""
    limits = _SMALLEST * 2 ** np.arange(32)
    level = np.searchsorted(limits, length[chains])
    groups = [g for g in np.split(chains, np.flatnonzero(np.diff(level)) + 1) if g.size]
    merged = groups[:1]
    for group in groups[1:]:
        joined = np.concatenate([merged[-1], group])
        separate = _padded(merged[-1], length) + _padded(group, length)
        if _padded(joined, length) <= max(_MERGE_PADDED, 1.25 * separate):
            merged[-1] = joined
        else:
            merged.append(group)
    return merged


def _padded(chains: np.ndarray, length: np.ndarray) -> int:
    return chains.size * int(length[chains].max())


def _bucket_stats(bucket: _Bucket, params: BKTTensors) -> list[torch.Tensor]:
    """Per chain ``(C, R)``: log-likelihood and the statistics of :class:`Counts`, in order.

    Only the few lines marked "full" touch ``(C, L, R)`` arrays; the counts that follow from
    totals (unknown = T - known, ...) are computed per chain.
    """
    k = bucket.skill

    def per_chain(table: torch.Tensor) -> torch.Tensor:
        return take_rows(table, k)[:, None, :]  # (C, 1, R)

    prior, learn = per_chain(params.prior), per_chain(params.learn)
    guess, slip = per_chain(params.guess), per_chain(params.slip)
    log_stay, log_unknown = torch.log1p(-learn), torch.log1p(-prior)
    c, m, valid = bucket.correct, bucket.mask, bucket.weight_valid
    length = bucket.length  # (C, 1)
    zero = torch.zeros((), dtype=prior.dtype, device=prior.device)
    # full: log P(obs_t | known) and the log ratio unknown/known, zero on padding.
    log_e1 = torch.where(m, torch.where(c, torch.log1p(-slip), torch.log(slip)), zero)
    ratio = torch.where(m, torch.where(c, torch.log(guess), torch.log1p(-guess)), zero) - log_e1
    before = ratio.cumsum(1) - ratio  # E0 - E1 over the steps before t
    e1_chain = log_e1.sum(1, keepdim=True)  # E1[T]
    steps = torch.arange(c.shape[1], dtype=prior.dtype, device=c.device)[None, :, None]
    # full: log P(obs, tau) for tau inside the chain (-inf on padding).
    log_tau = torch.where(
        steps == 0, torch.log(prior),
        log_unknown + torch.log(learn) - log_stay + steps * log_stay,
    )
    joint = torch.where(m, log_tau + before + e1_chain, -torch.inf)
    never = (log_unknown + (length[..., None] - 1) * log_stay)[:, 0] + (
        e1_chain + ratio.sum(1, keepdim=True)
    )[:, 0]
    loglik = torch.logaddexp(torch.logsumexp(joint, dim=1), never)
    w = torch.exp(joint - loglik[:, None, :])  # full: P(tau | obs)
    gamma = w.cumsum(1)  # full: P(known at t | obs), valid steps only
    known = torch.einsum("clr,cl->cr", gamma, valid)
    known_right = torch.einsum("clr,cl->cr", gamma, bucket.weight_correct)
    w_never = torch.exp(never - loglik)
    # Sums over t <= T - 2 = sums over all t minus the last step, where gamma = 1 - w_never.
    unknown_from = (length - 1) - (known - (1 - w_never))
    return [
        loglik,
        w[:, 0],
        torch.ones_like(loglik),
        1 - w_never - w[:, 0],
        unknown_from,
        length - known,
        known,
        bucket.n_correct - known_right,
        known - known_right,
    ]
