"""Bayesian Knowledge Tracing fitted by expectation-maximisation, all skills at once.

Corbett & Anderson (1995): each skill has a prior P(known), a learn and (optionally) a forget
probability per practice step, and guess and slip probabilities. EM (Baum-Welch) runs over
every (learner, skill) chain of every skill, and over ``restarts`` random initialisations, in
one batch of tensor operations (:mod:`edusim.kt.chains`); each skill and restart stops updating
when its log-likelihood changes by less than ``tol`` between two E-steps, and the best restart
per skill is kept. Random initial values follow pyBKT's (prior U(0, 1), learn U(0, 0.4),
guess U(0, 0.4), slip U(0, 0.3), no forgetting).

Example:
    >>> import pandas as pd
    >>> from edusim.kt.sequences import Vocabulary, encode
    >>> df = pd.DataFrame({"user_id": list("aaabbb"), "item_id": ["q"] * 6,
    ...                    "skill_ids": [["s"]] * 6, "timestamp": range(6),
    ...                    "correct": [False, True, True, False, False, True]})
    >>> vocab = Vocabulary.from_frame(df)
    >>> model = fit_bkt(encode(df, vocab), vocab, BKTFitConfig(restarts=3))
    >>> p = model.predict(encode(df, vocab))
    >>> p.shape, bool(((p > 0) & (p < 1)).all())
    ((6,), True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np
import torch

from edusim.kt.buckets import LengthBuckets
from edusim.kt.chains import BKTTensors, ChainLayout, Chains, Counts, take_rows
from edusim.kt.device import resolve_device
from edusim.kt.sequences import Interactions, Vocabulary

if TYPE_CHECKING:
    from edusim.curriculum import Curriculum
    from edusim.kt.api import FitSpec
    from edusim.kt.registry import FitRun
    from edusim.learners import BKTLearner

__all__ = ["BKT", "BKTFitConfig", "FittedBKT", "fit_bkt"]

_CLAMP = 1e-6
#: Re-pack the chains when the running skills hold less than this share of their elements.
_COMPACT = 0.7
_PARAMS = ("prior", "learn", "forget", "guess", "slip")


@dataclass(frozen=True)
class BKTFitConfig:
    """Settings of a BKT fit.

    Attributes:
        forgetting: Fit a per-skill forget probability (else it is 0).
        restarts: Random initialisations per skill; the best log-likelihood wins.
        max_iter: Maximum E-steps per skill and restart.
        tol: Convergence: absolute change of a skill's log-likelihood between E-steps.
        seed: Seed of the random initial values.
        device: ``"auto"``, ``"cpu"`` or ``"cuda"``.
    """

    forgetting: bool = False
    restarts: int = 1
    max_iter: int = 100
    tol: float = 1e-3
    seed: int = 0
    device: str = "auto"

    def __post_init__(self) -> None:
        if self.restarts < 1 or self.max_iter < 1:
            raise ValueError("restarts and max_iter must be >= 1")
        if not self.tol > 0:
            raise ValueError(f"tol must be > 0, got {self.tol}")


@dataclass(frozen=True)
class FittedBKT:
    """A fitted BKT model: one value per token id (``(V,)`` arrays, index 0 unused).

    Attributes:
        vocab: The token vocabulary the parameters are indexed by.
        prior, learn, forget, guess, slip: Per-token parameters.
        log_likelihood: Training log-likelihood per token of the kept restart.
        iterations: E-steps run per token for the kept restart.
    """

    vocab: Vocabulary
    prior: np.ndarray
    learn: np.ndarray
    forget: np.ndarray
    guess: np.ndarray
    slip: np.ndarray
    log_likelihood: np.ndarray
    iterations: np.ndarray

    kind = "bkt"

    def tensors(self, device: torch.device | str = "cpu") -> BKTTensors:
        """The parameters as ``(V, 1)`` float64 tensors."""
        values = {n: torch.as_tensor(getattr(self, n), device=device)[:, None] for n in _PARAMS}
        return BKTTensors(**values)

    def predict(self, data: Interactions, device: str = "auto") -> np.ndarray:
        """P(correct) of every row of ``data`` given that learner's earlier rows.

        A row with several skills gets the mean over its skills.
        """
        dev = resolve_device(device)
        chains = Chains.build(data, dev)
        params = self.tensors(dev)
        fwd = chains.forward(params)
        k = chains.skill
        guess = take_rows(params.guess, k)
        p_elem = (guess + fwd.p * (1 - take_rows(params.slip, k) - guess))[:, 0]
        total = torch.zeros(len(data), dtype=p_elem.dtype, device=dev)
        count = torch.zeros_like(total)
        total.index_add_(0, chains.row, p_elem)
        count.index_add_(0, chains.row, torch.ones_like(p_elem))
        return (total / count.clamp_min(1)).cpu().numpy()

    def to_dict(self) -> dict:
        """Plain data (lists and strings) for saving."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "vocab"}
        return {"vocab": self.vocab.to_dict(), **{k: v.tolist() for k, v in data.items()}}

    @classmethod
    def from_dict(cls, data: Mapping) -> FittedBKT:
        """Inverse of :meth:`to_dict`."""
        arrays = {f.name: np.asarray(data[f.name]) for f in fields(cls) if f.name != "vocab"}
        return cls(vocab=Vocabulary.from_dict(data["vocab"]), **arrays)

    def as_learner(self, curriculum: Curriculum | None = None) -> BKTLearner:
        """Simulated learners with these per-skill parameters (skill-level fits only; see
        :func:`edusim.kt.fitted_learner.bkt_learner`)."""
        from edusim.kt.fitted_learner import bkt_learner

        return bkt_learner(self, curriculum)


class BKT:
    """The KT kind ``"bkt"`` (:mod:`edusim.kt.registry`): EM on the training data only."""

    @staticmethod
    def fit_model(spec: FitSpec, data: Interactions, vocab: Vocabulary, run: FitRun) -> FittedBKT:
        """:func:`fit_bkt` with ``spec.bkt``; EM needs nothing of ``run`` (no validation
        data, checkpoints or progress events)."""
        return fit_bkt(data, vocab, spec.bkt)

    @staticmethod
    def load_fitted(data: Mapping) -> FittedBKT:
        return FittedBKT.from_dict(data)

    @staticmethod
    def fit_device(spec: FitSpec) -> str:
        return spec.bkt.device


def _initial(n_tokens: int, config: BKTFitConfig, device: torch.device) -> BKTTensors:
    gen = torch.Generator().manual_seed(config.seed)
    shape = (n_tokens, config.restarts)

    def uniform(high: float) -> torch.Tensor:
        value = torch.rand(shape, generator=gen, dtype=torch.float64) * high
        return value.clamp(_CLAMP, 1 - _CLAMP).to(device)

    prior, learn, guess, slip = uniform(1.0), uniform(0.4), uniform(0.4), uniform(0.3)
    forget = torch.full(shape, _CLAMP if config.forgetting else 0.0, dtype=torch.float64)
    return BKTTensors(prior, learn, forget.to(device), guess, slip)


def _ratio(num: torch.Tensor, den: torch.Tensor, old: torch.Tensor) -> torch.Tensor:
    return torch.where(den > 0, num / den.clamp_min(1e-300), old).clamp(_CLAMP, 1 - _CLAMP)


def _m_step(counts: Counts, params: BKTTensors) -> BKTTensors:
    """New parameters from the expected counts of one E-step."""
    forget = params.forget
    if counts.forgot is not None:
        forget = _ratio(counts.forgot, counts.known_from, params.forget)
    return BKTTensors(
        prior=_ratio(counts.starts_known, counts.chains, params.prior),
        learn=_ratio(counts.learned, counts.unknown_from, params.learn),
        forget=forget,
        guess=_ratio(counts.right_unknown, counts.unknown, params.guess),
        slip=_ratio(counts.wrong_known, counts.known, params.slip),
    )


def _where(mask: torch.Tensor, new: BKTTensors, old: BKTTensors) -> BKTTensors:
    return BKTTensors(*(torch.where(mask, getattr(new, n), getattr(old, n)) for n in _PARAMS))


def fit_bkt(data: Interactions, vocab: Vocabulary, config: BKTFitConfig | None = None) -> FittedBKT:
    """Fit per-token BKT parameters on ``data`` by batched EM.

    Tokens without training data get the mean of the fitted tokens' parameters.

    Raises:
        ValueError: When ``data`` has no tokens.
    """
    config = config or BKTFitConfig()
    device = resolve_device(config.device)
    # Without forgetting the E-step has a closed form with no loop over time steps.
    engine = (Chains if config.forgetting else LengthBuckets).build(data, device)
    if len(engine.layout.rows) == 0:
        raise ValueError("no interactions with known tokens to fit BKT on")
    n_tokens = vocab.size
    params = _initial(n_tokens, config, device)
    shape = (n_tokens, config.restarts)
    active = torch.ones(shape, dtype=torch.bool, device=device)
    previous = torch.full(shape, -np.inf, dtype=torch.float64, device=device)
    iterations = torch.zeros(shape, dtype=torch.long, device=device)
    full, current = engine, len(engine.layout.rows)
    elements = np.bincount(engine.layout.skill, minlength=n_tokens)
    for _ in range(config.max_iter):
        counts = engine.e_step(params, config.forgetting)
        iterations += active
        active &= (counts.loglik - previous).abs() >= config.tol
        previous = counts.loglik
        running = active.any(dim=1).cpu().numpy()
        if not running.any():
            break
        params = _where(active, _m_step(counts, params), params)
        if elements[running].sum() < _COMPACT * current:
            # Converged skills no longer change: drop their chains from the E-step.
            engine, current = engine.subset(running), elements[running].sum()
    final = full.e_step(params, config.forgetting).loglik
    return _select(vocab, params, final, iterations, full.layout)


def _select(vocab, params: BKTTensors, loglik, iterations, layout: ChainLayout) -> FittedBKT:
    """Best restart per token; tokens without data get the mean of the others."""
    best = loglik.argmax(dim=1, keepdim=True)
    seen = torch.zeros(loglik.shape[0], dtype=torch.bool, device=loglik.device)
    seen[torch.as_tensor(layout.skill, device=loglik.device)] = True
    values = {}
    for name in _PARAMS:
        chosen = getattr(params, name).gather(1, best)[:, 0]
        fill = chosen[seen].mean()
        values[name] = torch.where(seen, chosen, fill).cpu().numpy()
    return FittedBKT(
        vocab=vocab,
        log_likelihood=torch.where(seen, loglik.gather(1, best)[:, 0], 0.0).cpu().numpy(),
        iterations=iterations.gather(1, best)[:, 0].cpu().numpy(),
        **values,
    )


def params_table(model: FittedBKT) -> list[dict]:
    """One dict per vocabulary token with its name and parameters."""
    return [
        {"token": name, **{n: float(getattr(model, n)[i + 1]) for n in _PARAMS}}
        for i, name in enumerate(model.vocab.tokens)
    ]

