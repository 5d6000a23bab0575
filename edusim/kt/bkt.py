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

import numpy as np
import torch

from edusim.kt.chains import BKTTensors, Chains, sum_rows, take_rows
from edusim.kt.device import resolve_device
from edusim.kt.sequences import Interactions, Vocabulary

__all__ = ["BKTFitConfig", "FittedBKT", "fit_bkt"]

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


def _m_step(chains: Chains, params: BKTTensors, gamma, fwd, forgetting: bool) -> BKTTensors:
    """New parameters from the expected counts of one E-step."""
    n_tokens = params.prior.shape[0]
    k, src, dst = chains.skill, chains.src, chains.dst

    def per_skill(*values: torch.Tensor, index: torch.Tensor = k) -> list[torch.Tensor]:
        sums = sum_rows(torch.cat(values, dim=1), index, n_tokens)
        return list(sums.split(values[0].shape[1], dim=1))

    first = chains.steps[0]
    starts, n_chains = per_skill(gamma[:first], torch.ones_like(gamma[:first]), index=k[:first])
    ks = chains.src_skill
    g_src, g_dst = take_rows(gamma, src), take_rows(gamma, dst)
    post_src, p_dst = take_rows(fwd.post, src), take_rows(fwd.p, dst)
    learned = (1 - post_src) * take_rows(params.learn, ks) * g_dst / p_dst
    if forgetting:
        forgot = post_src * take_rows(params.forget, ks) * (1 - g_dst) / (1 - p_dst)
        learn_w, unknown_from, forget_w, known_from = per_skill(
            learned, 1 - g_src, forgot, g_src, index=ks
        )
        forget = _ratio(forget_w, known_from, params.forget)
    else:
        learn_w, unknown_from = per_skill(learned, 1 - g_src, index=ks)
        forget = params.forget
    zero = torch.zeros((), dtype=gamma.dtype, device=gamma.device)
    c = chains.correct
    unknown, known, right_unknown, wrong_known = per_skill(
        1 - gamma, gamma, torch.where(c, 1 - gamma, zero), torch.where(c, zero, gamma)
    )
    return BKTTensors(
        prior=_ratio(starts, n_chains, params.prior),
        learn=_ratio(learn_w, unknown_from, params.learn),
        forget=forget,
        guess=_ratio(right_unknown, unknown, params.guess),
        slip=_ratio(wrong_known, known, params.slip),
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
    chains = Chains.build(data, device)
    if chains.n_elements == 0:
        raise ValueError("no interactions with known tokens to fit BKT on")
    n_tokens = vocab.size
    params = _initial(n_tokens, config, device)
    shape = (n_tokens, config.restarts)
    active = torch.ones(shape, dtype=torch.bool, device=device)
    previous = torch.full(shape, -np.inf, dtype=torch.float64, device=device)
    iterations = torch.zeros(shape, dtype=torch.long, device=device)
    full = chains
    per_token = np.bincount(chains.layout.skill, minlength=n_tokens)
    for _ in range(config.max_iter):
        fwd = chains.forward(params)
        loglik = sum_rows(torch.log(fwd.den), chains.skill, n_tokens)
        iterations += active
        active &= (loglik - previous).abs() >= config.tol
        previous = loglik
        running = active.any(dim=1).cpu().numpy()
        if not running.any():
            break
        gamma = chains.smooth(fwd, params.forget if config.forgetting else None)
        params = _where(active, _m_step(chains, params, gamma, fwd, config.forgetting), params)
        if per_token[running].sum() < _COMPACT * chains.n_elements:
            # Converged skills no longer change: drop their chains from the E-step.
            chains = chains.subset(running)
    final = sum_rows(torch.log(full.forward(params).den), full.skill, n_tokens)
    return _select(vocab, params, final, iterations, full)


def _select(vocab, params: BKTTensors, loglik, iterations, chains: Chains) -> FittedBKT:
    """Best restart per token; tokens without data get the mean of the others."""
    best = loglik.argmax(dim=1, keepdim=True)
    seen = torch.zeros(loglik.shape[0], dtype=torch.bool, device=loglik.device)
    seen[chains.skill] = True
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

