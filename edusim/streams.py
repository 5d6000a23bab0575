"""Per-learner random streams that make a batch of N learners equal to N batches of one.

A single :class:`numpy.random.Generator` shared by a batch hands out numbers in batch order, so
the draws a learner sees depend on how many other learners share its batch. That breaks the
promise that ``make_vec(id, num_envs=N)`` behaves exactly like N copies of ``make(id)`` with
the same seeds. :class:`LearnerStreams` instead gives each learner its own counter-based stream
(a SplitMix64 hash of ``(key, counter, position)``): learner ``i``'s numbers depend only on its
key and on how many draws it has made, and a whole batch is hashed in a few vectorized numpy
operations, with no Python loop over learners.

It is a drop-in for the two ``Generator`` methods the learner models use (``random`` and
``standard_normal``), with the learner as the leading axis of every ``size``.

Example:
    >>> one = LearnerStreams.from_seeds([7])
    >>> many = LearnerStreams.from_seeds([3, 7, 11])
    >>> bool(one.random((1, 4))[0, 2] == many.random((3, 4))[1, 2])
    True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["LearnerStreams", "mix64"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_STEP = np.uint64(0xD1B54A32D192ED03)


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijective, well-mixed hash of unsigned 64-bit integers."""
    # Array arithmetic on uint64 wraps modulo 2**64 silently, as the hash needs.
    x = np.asarray(x, dtype=np.uint64).reshape(np.shape(x)) + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


class LearnerStreams:
    """One reproducible random stream per learner, drawn in batches.

    Args:
        keys: One unsigned 64-bit key per learner.
    """

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = np.array(keys, dtype=np.uint64).reshape(-1)
        self.counters = np.zeros_like(self.keys)

    @classmethod
    def from_seeds(cls, seeds: Sequence[int] | np.ndarray) -> LearnerStreams:
        """Streams whose keys are hashes of integer seeds (seed ``s`` always gives one key)."""
        return cls(mix64(np.asarray(seeds, dtype=np.int64).astype(np.uint64)))

    def __len__(self) -> int:
        return len(self.keys)

    def rekey(self, mask: np.ndarray, keys: np.ndarray) -> None:
        """Give the learners selected by ``mask`` new keys and restart their counters."""
        self.keys[mask] = np.asarray(keys, dtype=np.uint64)
        self.counters[mask] = 0

    def next_keys(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Deterministic successor keys (used for an unseeded reset of a learner)."""
        keys = self.keys if mask is None else self.keys[mask]
        return mix64(keys + _STEP)

    def _bits(self, size: tuple[int, ...]) -> np.ndarray:
        size = tuple(int(s) for s in np.atleast_1d(size))
        if size[0] != len(self.keys):
            raise ValueError(f"size {size} must lead with the number of learners {len(self.keys)}")
        per_row = int(np.prod(size[1:], dtype=np.int64))
        position = np.arange(per_row, dtype=np.uint64)
        base = mix64(self.keys ^ (self.counters * _STEP))
        bits = mix64(base[:, None] + position[None, :] * _GOLDEN)
        self.counters += np.uint64(1)
        return bits.reshape(size)

    def random(self, size: int | tuple[int, ...]) -> np.ndarray:
        """Uniform floats in ``[0, 1)`` of shape ``size`` (``size[0]`` = number of learners)."""
        size = (size,) if np.isscalar(size) else tuple(size)
        return (self._bits(size) >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)

    def standard_normal(self, size: int | tuple[int, ...]) -> np.ndarray:
        """Standard normal floats (Box-Muller) of shape ``size``."""
        u1 = self.random(size)
        u2 = self.random(size)
        return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)
