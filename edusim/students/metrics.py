"""pass@k: the chance that at least one of k answers is correct, estimated without bias.

From n samples of which c are correct, ``pass@k = 1 - C(n - c, k) / C(n, k)`` (Chen et al.
2021, "Evaluating Large Language Models Trained on Code"), computed through log-gamma.

Example:
    >>> pass_at_k([10, 10, 10], [0, 1, 10], 1).round(3).tolist()
    [0.0, 0.1, 1.0]
    >>> round(float(pass_at_k(10, 1, 5)), 6)
    0.5
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import gammaln

__all__ = ["pass_at_k"]


def pass_at_k(n: npt.ArrayLike, c: npt.ArrayLike, k: int) -> np.ndarray:
    """Unbiased pass@k per problem from ``n`` samples with ``c`` correct (arrays broadcast).

    Raises:
        ValueError: When ``k > n`` or the counts are out of range.
    """
    n_arr, c_arr = np.broadcast_arrays(np.asarray(n, dtype=np.int64),
                                       np.asarray(c, dtype=np.int64))
    if k < 1 or (n_arr < k).any():
        raise ValueError(f"pass@{k} needs k >= 1 and at least k samples per problem")
    if (c_arr < 0).any() or (c_arr > n_arr).any():
        raise ValueError("correct counts must lie in [0, n]")
    # C(n - c, k) / C(n, k) through log-gamma; it is 0 when n - c < k.
    free = n_arr - c_arr
    ratio = np.exp(gammaln(free + 1) - gammaln(np.maximum(free - k, 0) + 1)
                   - gammaln(n_arr + 1) + gammaln(n_arr - k + 1))
    # exp(log-gamma) rounds: keep the estimate a probability
    return np.where(free < k, 1.0, np.clip(1.0 - ratio, 0.0, 1.0))
