"""Registry of the neural knowledge-tracing models: name -> model class and config class.

Example:
    >>> sorted(MODELS)
    ['dkt', 'sakt']
    >>> build_model("dkt", vocab_size=5, window=10, config={"hidden": 8}).config.hidden
    8
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edusim.kt.dkt import DKT, DKTConfig
from edusim.kt.neural import SequenceModel
from edusim.kt.sakt import SAKT, SAKTConfig

__all__ = ["ModelSpec", "MODELS", "register_model", "build_model"]


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: its class, its config dataclass and its recommended windows.

    Attributes:
        model: The :class:`SequenceModel` subclass.
        config: Its config dataclass.
        window: Recommended window length (rows a prediction can see, at most).
        stride: Recommended stride of overlapping windows (``None``: consecutive windows).
    """

    model: type[SequenceModel]
    config: type
    window: int = 200
    stride: int | None = None


MODELS: dict[str, ModelSpec] = {}


def register_model(name: str, model: type[SequenceModel], config: type, window: int = 200,
                   stride: int | None = None) -> None:
    """Add a neural model under ``name`` (with its recommended windows)."""
    if name in MODELS:
        raise ValueError(f"KT model {name!r} is already registered")
    MODELS[name] = ModelSpec(model, config, window, stride)


def build_model(name: str, vocab_size: int, window: int, config: Any = None) -> SequenceModel:
    """The model ``name`` with ``config`` (an instance of its config class, or a dict)."""
    try:
        spec = MODELS[name]
    except KeyError:
        raise ValueError(f"unknown KT model {name!r}; choose from {sorted(MODELS)}") from None
    if config is None:
        config = spec.config()
    elif isinstance(config, dict):
        config = spec.config(**config)
    if not isinstance(config, spec.config):
        raise TypeError(f"{name} needs a {spec.config.__name__}, got {type(config).__name__}")
    return spec.model(vocab_size, window, config)


# Windows measured on assist2009_updated (benchmarks/kt.py): DKT's LSTM uses long windows
# well; SAKT, whose only sense of recency is its window, does best on short overlapping ones.
register_model("dkt", DKT, DKTConfig, window=200)
register_model("sakt", SAKT, SAKTConfig, window=30, stride=15)
