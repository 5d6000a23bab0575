"""Prediction metrics for knowledge tracing: AUC, accuracy, RMSE and log-loss.

Example:
    >>> import numpy as np
    >>> m = evaluate(np.array([True, False, True, False]), np.array([0.9, 0.2, 0.6, 0.7]))
    >>> round(m.auc, 3), m.accuracy
    (0.75, 0.75)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import roc_auc_score

__all__ = ["Metrics", "evaluate"]

_EPS = 1e-7


@dataclass(frozen=True)
class Metrics:
    """Scores of predicted probabilities against observed correctness."""

    auc: float
    accuracy: float
    rmse: float
    log_loss: float
    n: int

    def to_dict(self, prefix: str = "") -> dict[str, float]:
        """The metrics as a flat dict with keys ``prefix + name``."""
        return {prefix + k: v for k, v in asdict(self).items()}


def evaluate(correct: np.ndarray, p: np.ndarray) -> Metrics:
    """Metrics of predictions ``p`` for outcomes ``correct`` (1-D arrays of one length).

    AUC is ``nan`` when only one class occurs.

    Raises:
        ValueError: On mismatched shapes, no predictions, or probabilities outside ``[0, 1]``.
    """
    y = np.asarray(correct, dtype=bool).ravel()
    p = np.asarray(p, dtype=np.float64).ravel()
    if y.shape != p.shape or y.size == 0:
        raise ValueError(f"need equal, non-empty outcomes and predictions, got {y.size}, {p.size}")
    if not np.isfinite(p).all() or (p < 0).any() or (p > 1).any():
        raise ValueError("predictions must be finite probabilities in [0, 1]")
    auc = float(roc_auc_score(y, p)) if 0 < y.sum() < y.size else float("nan")
    clipped = np.clip(p, _EPS, 1 - _EPS)
    log_loss = -float(np.mean(np.where(y, np.log(clipped), np.log1p(-clipped))))
    return Metrics(
        auc=auc,
        accuracy=float(np.mean((p >= 0.5) == y)),
        rmse=float(np.sqrt(np.mean((p - y) ** 2))),
        log_loss=log_loss,
        n=int(y.size),
    )
