"""The knowledge-tracing model table: every KT kind (BKT, DKT, SAKT) is one line here.

An entry points at a *KT kind*: a class with

* ``fit_model(spec, data, vocab, run) -> fitted``: fit on encoded interactions (``spec`` is an
  :class:`edusim.kt.FitSpec`, ``run`` a :class:`FitRun`);
* ``load_fitted(data) -> fitted``: the fitted model from what its ``to_dict`` saved;
* ``fit_device(spec) -> str``: the device a fit with ``spec`` runs on;

and every fitted model offers ``predict``, ``to_dict`` and ``as_learner(curriculum)`` (the
simulated learners it defines). Neural kinds are :class:`~edusim.kt.neural.SequenceModel`
subclasses with a ``config_class``; their recommended training windows are entry metadata.
Generic code (``fit``, ``load_model``, the training loop) only goes through this table.

Example:
    >>> MODELS.names()
    ['bkt', 'dkt', 'sakt']
    >>> build_model("dkt", vocab_size=5, window=10, config={"hidden": 8}).config.hidden
    8
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from edusim.config import config_from_kwargs
from edusim.registry import Entry, Registry

if TYPE_CHECKING:
    from edusim.kt.neural import SequenceModel
    from edusim.kt.sequences import Interactions
    from edusim.kt.train import TrainCallback

__all__ = ["FitRun", "KT_MODELS", "MODELS", "build_model", "neural_names", "register"]

# Windows measured on assist2009_updated (benchmarks/kt.py): DKT's LSTM uses long windows
# well; SAKT, whose only sense of recency is its window, does best on short overlapping ones.
KT_MODELS: Registry[Any] = Registry("KT model", {
    "bkt": Entry(
        "edusim.kt.bkt_fit:BKT", "BKT",
        "Bayesian knowledge tracing per skill (prior, learn, guess, slip, forget), fitted by "
        "batched EM."),
    "dkt": Entry(
        "edusim.kt.dkt:DKT", "DKT",
        "Deep knowledge tracing: an LSTM over the interaction sequence (Piech et al. 2015).",
        {"neural": True, "window": 200, "stride": None}),
    "sakt": Entry(
        "edusim.kt.sakt:SAKT", "SAKT",
        "Self-attentive knowledge tracing over recent interactions (Pandey & Karypis 2019).",
        {"neural": True, "window": 30, "stride": 15}),
})
#: The same table under its earlier name.
MODELS = KT_MODELS
#: Add a KT kind at run time: ``register(name, Entry("module:Kind", "Name", "One sentence."))``.
register = KT_MODELS.register


@dataclass(frozen=True)
class FitRun:
    """How a fit runs, beside what is fitted: validation data, checkpoints, progress.

    Kinds that fit in one pass (BKT's EM on the training data) need none of it.
    """

    valid: Interactions | None = None
    checkpoint_dir: str | os.PathLike | None = None
    resume: bool = False
    callback: TrainCallback | None = None


def neural_names() -> list[str]:
    """The kinds that are neural sequence models (trained by :func:`edusim.kt.fit_neural`)."""
    return [n for n in KT_MODELS if KT_MODELS.entry(n).metadata.get("neural")]


def build_model(name: str, vocab_size: int, window: int, config: Any = None) -> SequenceModel:
    """The neural model ``name`` with ``config`` (an instance of its config class, or a dict)."""
    cls = KT_MODELS.load(name)
    config_class = getattr(cls, "config_class", None)
    if config_class is None:
        raise ValueError(f"KT model {name!r} is not a neural model; neural models: "
                         f"{', '.join(neural_names())}")
    if config is None:
        config = config_class()
    elif isinstance(config, dict):
        config = config_from_kwargs(config_class, config, f"KT model {name!r}")
    if not isinstance(config, config_class):
        raise TypeError(f"{name} needs a {config_class.__name__}, got {type(config).__name__}")
    return cls(vocab_size, window, config)
