"""How edusim's batched environments turn ``reset(seed=...)`` into per-row stream keys.

Every batched env (single = batch of one, vector = batch of N) gives row ``i`` its own
counter-based random stream (:class:`edusim.streams.LearnerStreams`). A vector env reset with
``seed=s`` seeds row ``i`` like a single env reset with ``seed=s + i``, which is what makes
the two exactly equal. Any non-negative int is a seed, as in Gymnasium's own envs: seeds
below ``2**64`` are hashed as they are, larger ones are folded to 64 bits first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from edusim.streams import LearnerStreams, mix64

__all__ = ["reset_keys", "seed_keys"]

_WORD = 2**64


def seed_keys(seeds: Sequence[int] | np.ndarray) -> np.ndarray:
    """One ``uint64`` stream key per non-negative int seed (any size), deterministically.

    Example:
        >>> bool(seed_keys([5])[0] == LearnerStreams.from_seeds([5]).keys[0])
        True
        >>> seed_keys([2**70, 2**70 + 1]).dtype
        dtype('uint64')
    """
    values = [int(s) for s in seeds]
    if any(s < 0 for s in values):
        raise ValueError(f"seeds must be non-negative ints, got {min(values)}")
    if all(s < _WORD for s in values):  # vectorised, the common case
        return mix64(np.array(values, dtype=np.uint64))
    return np.array(  # each seed keyed as it would be alone: a batch crossing 2**64 agrees
        [int(mix64(np.array([s], dtype=np.uint64))[0]) if s < _WORD else _fold(s)
         for s in values], dtype=np.uint64)


def _fold(seed: int) -> int:
    """A seed of any size as one 64-bit key: its 64-bit words hashed in turn."""
    key = np.zeros(1, dtype=np.uint64)
    while True:
        key = mix64(key ^ np.uint64(seed % _WORD))
        seed //= _WORD
        if not seed:
            return int(mix64(key ^ np.uint64(0xA5A5A5A5A5A5A5A5))[0])


def reset_keys(
    seed: int | Sequence[int] | None, n: int, np_random: np.random.Generator, first: bool
) -> np.ndarray | None:
    """Stream keys for resetting ``n`` rows, or ``None`` to continue the current streams.

    Args:
        seed: ``reset``'s seed: an int (row ``i`` gets ``seed + i``), one seed per row, or
            ``None``.
        n: Number of rows in the batch.
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
        if isinstance(seed, int | np.integer):
            if seed < 0:
                raise ValueError(f"seed must be a non-negative int, got {seed}")
            if seed + n <= 2**63:  # the common case, without a Python loop over rows
                return LearnerStreams.from_seeds(np.arange(int(seed), int(seed) + n)).keys
            seeds: Sequence[int] = range(int(seed), int(seed) + n)
        else:
            seeds = list(seed)
        if len(seeds) != n:
            raise ValueError(f"need {n} seeds (or one int), got {len(seeds)}")
        return seed_keys(seeds)
    if first:
        return np_random.integers(0, 2**63, size=n, dtype=np.int64).astype(np.uint64)
    return None
