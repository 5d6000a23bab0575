"""pass@k equals its combinatorial definition."""

from __future__ import annotations

import math

import numpy as np
import pytest

from edusim.students import pass_at_k


def test_pass_at_k_matches_the_combinatorial_formula() -> None:
    n = np.array([[32, 32, 32, 40], [5, 8, 128, 128]])
    c = np.array([[0, 1, 20, 40], [2, 3, 1, 64]])
    for k in (1, 4, 5):
        expected = np.vectorize(lambda ni, ci, k=k: 1 - math.comb(ni - ci, k) / math.comb(ni, k))
        np.testing.assert_allclose(pass_at_k(n, c, k), expected(n, c), rtol=1e-9, atol=1e-12)


def test_pass_at_k_rejects_bad_counts() -> None:
    with pytest.raises(ValueError, match="at least k samples"):
        pass_at_k([3], [1], 4)
    with pytest.raises(ValueError, match=r"\[0, n\]"):
        pass_at_k([3], [4], 1)
