"""How edusim's batched environments turn ``reset(seed=...)`` into per-learner stream keys.

Every batched env (single = batch of one, vector = batch of N) gives learner ``i`` its own
counter-based random stream (:class:`edusim.streams.LearnerStreams`). A vector env reset with
``seed=s`` seeds learner ``i`` like a single env reset with ``seed=s + i``, which is what makes
the two exactly equal.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from edusim.streams import LearnerStreams

__all__ = ["reset_keys"]


def reset_keys(
    seed: int | Sequence[int] | None, n: int, np_random: np.random.Generator, first: bool
) -> np.ndarray | None:
    """Stream keys for resetting ``n`` learners, or ``None`` to continue the current streams.

    Args:
        seed: ``reset``'s seed: an int (learner ``i`` gets ``seed + i``), one seed per learner,
            or ``None``.
        n: Number of learners in the batch.
        np_random: The env's generator (already seeded by ``super().reset(seed=seed)``); it
            supplies keys on a first reset without a seed.
        first: Whether the env has never been reset.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> a = reset_keys(5, 3, rng, first=True)
        >>> bool(a[1] == reset_keys(6, 1, rng, first=True)[0])
        True
        >>> reset_keys(None, 3, rng, first=False) is None
        True
    """
    if seed is not None:
        seeds = np.arange(seed, seed + n) if isinstance(seed, int | np.integer) else seed
        seeds = np.asarray(seeds, dtype=np.int64)
        if seeds.shape != (n,):
            raise ValueError(f"need {n} seeds (or one int), got {seeds.size}")
        return LearnerStreams.from_seeds(seeds).keys
    if first:
        return np_random.integers(0, 2**63, size=n, dtype=np.int64).astype(np.uint64)
    return None
