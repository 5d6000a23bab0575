"""Small numeric helpers shared across models."""

from __future__ import annotations

import numpy as np

__all__ = ["logit", "sigmoid"]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function.

    Example:
        >>> float(sigmoid(np.array(0.0)))
        0.5
    """
    return 1.0 / (1.0 + np.exp(-x))


def logit(p: np.ndarray) -> np.ndarray:
    """Log-odds of a probability in (0, 1)."""
    p = np.asarray(p, dtype=np.float64)
    return np.log(p) - np.log1p(-p)
