"""Fit, evaluate and cross-validate knowledge-tracing models on canonical interaction frames.

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"user_id": list("aaabbbccc"), "item_id": ["q"] * 9,
    ...                    "skill_ids": [["s"]] * 9, "timestamp": list(range(9)),
    ...                    "correct": [False, True, True, False, True, True, True, False, True]})
    >>> model = fit(FitSpec("bkt"), df)
    >>> round(evaluate_model(model, df).rmse, 2) < 0.6
    True
    >>> list(cross_validate(FitSpec("bkt"), df, folds=3).columns)[:3]
    ['fold', 'auc', 'accuracy']
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from edusim.kt.bkt_fit import BKTFitConfig
from edusim.kt.fitted import FittedModel
from edusim.kt.metrics import Metrics, evaluate
from edusim.kt.registry import KT_MODELS, FitRun
from edusim.kt.sequences import Level, Vocabulary, encode
from edusim.kt.train import TrainCallback, TrainConfig

__all__ = ["FitSpec", "KINDS", "kinds", "fit", "evaluate_model", "cross_validate"]


def kinds() -> list[str]:
    """Model kinds :func:`fit` accepts (the names of :data:`edusim.kt.registry.KT_MODELS`)."""
    return KT_MODELS.names()


KINDS = tuple(kinds())


@dataclass(frozen=True)
class FitSpec:
    """What to fit.

    Attributes:
        kind: A registered KT kind (``"bkt"``, ``"dkt"``, ``"sakt"``).
        level: Tokens are skills or questions.
        bkt: BKT settings (used when ``kind == "bkt"``).
        model: Neural model config overrides, e.g. ``{"hidden": 50}``.
        train: Neural training settings (default: :meth:`TrainConfig.recommended` for
            ``kind``, i.e. the model's recommended windows).
    """

    kind: str
    level: Level = Level.SKILL
    bkt: BKTFitConfig = field(default_factory=BKTFitConfig)
    model: Mapping = field(default_factory=dict)
    train: TrainConfig | None = None

    def __post_init__(self) -> None:
        KT_MODELS.entry(self.kind)  # an unknown kind raises, listing the valid ones
        object.__setattr__(self, "level", Level(self.level))
        if self.train is None:
            object.__setattr__(self, "train", TrainConfig.recommended(self.kind))


def fit(
    spec: FitSpec,
    train: pd.DataFrame,
    valid: pd.DataFrame | None = None,
    checkpoint_dir: str | os.PathLike | None = None,
    resume: bool = False,
    callback: TrainCallback | None = None,
) -> FittedModel:
    """Fit ``spec`` on the canonical frame ``train``.

    ``valid``, ``checkpoint_dir``, ``resume`` and ``callback`` apply to kinds that train in
    epochs (the neural ones, see :func:`edusim.kt.train.fit_neural`); BKT runs EM to
    convergence on ``train``.
    """
    vocab = Vocabulary.from_frame(train, spec.level)
    data = encode(train, vocab)
    held_out = None if valid is None else encode(valid, vocab)
    run = FitRun(held_out, checkpoint_dir, resume, callback)
    return KT_MODELS.load(spec.kind).fit_model(spec, data, vocab, run)


def evaluate_model(model: FittedModel, frame: pd.DataFrame, device: str = "auto") -> Metrics:
    """Metrics of ``model``'s predictions for every row of ``frame``."""
    data = encode(frame, model.vocab)
    return evaluate(data.correct, model.predict(data, device=device))


def cross_validate(
    spec: FitSpec, frame: pd.DataFrame, folds: int = 5, seed: int = 0
) -> pd.DataFrame:
    """``folds``-fold cross-validation split by learner (seeded).

    Returns:
        One row per fold: ``fold, auc, accuracy, rmse, log_loss, n, fit_seconds``.
    """
    if folds < 2:
        raise ValueError(f"folds must be >= 2, got {folds}")
    users = pd.Series(frame["user_id"].astype(str).unique())
    if len(users) < folds:
        raise ValueError(f"{len(users)} learners cannot fill {folds} folds")
    shuffled = users.sample(frac=1.0, random_state=seed).to_numpy()
    fold_of = pd.Series(pd.RangeIndex(len(shuffled)) % folds, index=shuffled)
    assignment = fold_of.reindex(frame["user_id"].astype(str)).to_numpy()
    rows = []
    for k in range(folds):
        start = time.perf_counter()
        model = fit(spec, frame[assignment != k])
        seconds = time.perf_counter() - start
        metrics = evaluate_model(model, frame[assignment == k], device=_device(spec))
        rows.append({"fold": k, **metrics.to_dict(), "fit_seconds": seconds})
    return pd.DataFrame(rows)


def _device(spec: FitSpec) -> str:
    return KT_MODELS.load(spec.kind).fit_device(spec)
