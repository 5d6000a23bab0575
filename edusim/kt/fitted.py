"""Fitted knowledge-tracing models: predicting, saving and loading them.

:class:`FittedNeural` wraps a trained :class:`~edusim.kt.neural.SequenceModel`;
:class:`~edusim.kt.bkt_fit.FittedBKT` is its BKT counterpart. Both offer ``predict(data)`` (the
probability of every row given the learner's earlier rows), ``to_dict`` and ``as_learner()``;
:func:`save_model` and :func:`load_model` write and read any registered kind as one file.

Example:
    >>> import tempfile, pathlib, pandas as pd
    >>> from edusim.kt.bkt_fit import fit_bkt
    >>> from edusim.kt.sequences import Vocabulary, encode
    >>> df = pd.DataFrame({"user_id": list("aabb"), "item_id": ["q"] * 4,
    ...                    "skill_ids": [["s"]] * 4, "timestamp": range(4),
    ...                    "correct": [False, True, True, True]})
    >>> vocab = Vocabulary.from_frame(df)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.pt"
    >>> save_model(fit_bkt(encode(df, vocab), vocab), path)
    >>> load_model(path).kind
    'bkt'
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np
import torch

from edusim.kt.device import resolve_device
from edusim.kt.io import ModelFileError, atomic_save, load_file
from edusim.kt.neural import SequenceModel
from edusim.kt.registry import KT_MODELS, build_model
from edusim.kt.sequences import Interactions, Vocabulary

if TYPE_CHECKING:
    from edusim.curriculum import Curriculum
    from edusim.kt.fitted_learner import NeuralKTLearner
    from edusim.learners.base import LearnerModel

__all__ = ["FittedModel", "FittedNeural", "predict_windows", "save_model", "load_model"]

_FORMAT = 1


class FittedModel(Protocol):
    """What every fitted knowledge-tracing model offers."""

    kind: str
    vocab: Vocabulary

    def predict(self, data: Interactions, device: str = "auto") -> np.ndarray: ...

    def to_dict(self) -> dict: ...

    def as_learner(self, curriculum: Curriculum | None = None) -> LearnerModel: ...


@torch.no_grad()
def predict_windows(
    model: SequenceModel,
    data: Interactions,
    window: int,
    device,
    batch_size: int = 256,
    stride: int | None = None,
) -> np.ndarray:
    """P(correct) of every row of ``data``, windows of ``window`` rows run independently.

    ``stride=None`` cuts each learner's rows into consecutive windows; an int uses
    :meth:`~edusim.kt.sequences.Interactions.sliding_windows` and keeps each row's prediction
    from the one window where it is new (so it sees at least ``window - stride`` earlier rows).
    """
    was_training = model.training
    model.eval()
    if stride is None:
        windows = data.windows(window)
        windows = np.concatenate([windows, windows[:, :1]], axis=1)
    else:
        windows = data.sliding_windows(window, stride)
    out = np.empty(len(data), dtype=np.float64)
    for start in range(0, len(windows), batch_size):
        chunk = windows[start : start + batch_size]
        batch = data.batch(chunk[:, :2]).to(device)
        p = torch.sigmoid(model(batch.tokens, batch.correct).float()).cpu().numpy()
        steps = np.arange(p.shape[1])
        rows = chunk[:, :1] + steps[None, :]
        mask = batch.mask.cpu().numpy() & (rows >= chunk[:, 2:])
        out[rows[mask]] = p[mask]
    model.train(was_training)
    return out


@dataclass(frozen=True)
class FittedNeural:
    """A trained neural model with its vocabulary and settings.

    Attributes:
        kind: Registered model name.
        vocab: Token vocabulary.
        window: Window length it was trained with.
        model_config: Its config fields.
        model: The network (eval mode, CPU).
        history: Per-epoch training loss and validation AUC.
        stride: Window step of prediction (``None``: consecutive windows; see
            :func:`predict_windows`).
    """

    kind: str
    vocab: Vocabulary
    window: int
    model_config: dict
    model: SequenceModel
    history: tuple[dict, ...] = ()
    stride: int | None = None

    def predict(self, data: Interactions, device: str = "auto") -> np.ndarray:
        """P(correct) of every row of ``data`` given that learner's earlier rows (same window)."""
        dev = resolve_device(device)
        self.model.to(dev)
        try:
            return predict_windows(self.model, data, self.window, dev, stride=self.stride)
        finally:
            self.model.cpu()

    def to_dict(self) -> dict:
        return {
            "vocab": self.vocab.to_dict(),
            "window": self.window,
            "model_config": dict(self.model_config),
            "state_dict": self.model.state_dict(),
            "history": list(self.history),
            "stride": self.stride,
        }

    def as_learner(self, curriculum: Curriculum | None = None) -> NeuralKTLearner:
        """Simulated learners whose memory is this network's (see
        :class:`edusim.kt.fitted_learner.NeuralKTLearner`)."""
        from edusim.kt.fitted_learner import NeuralKTLearner

        return NeuralKTLearner(self, curriculum)

    @classmethod
    def from_dict(cls, kind: str, data: Mapping) -> FittedNeural:
        vocab = Vocabulary.from_dict(data["vocab"])
        model = build_model(kind, vocab.size, data["window"], data["model_config"])
        model.load_state_dict(data["state_dict"])
        return cls(kind, vocab, data["window"], data["model_config"], model.eval(),
                   tuple(data["history"]), data.get("stride"))


def save_model(model: FittedModel, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path`` atomically."""
    atomic_save({"format": _FORMAT, "kind": model.kind, **model.to_dict()}, path)


def load_model(path: str | os.PathLike) -> FittedModel:
    """Read a model written by :func:`save_model`.

    Raises:
        ModelFileError: When the file is missing, unreadable, or of an unknown kind.
    """
    data = load_file(path)
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise ModelFileError(f"{path}: not an edusim knowledge-tracing model file")
    kind = data.get("kind")
    if kind not in KT_MODELS:
        raise ModelFileError(f"{path}: unknown model kind {kind!r}; known: {KT_MODELS.names()}")
    return KT_MODELS.load(kind).load_fitted(data)
