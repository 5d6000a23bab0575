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

import math
from collections.abc import Sequence

import numpy as np

from edusim.one_learner import BATCHED, fast_path

__all__ = ["LearnerStreams", "mix64"]

# Constants as 0-d arrays: numpy 2 combines an array with an ``np.uint64`` scalar several times
# more slowly than with a 0-d array, and the hash runs on every draw.
_GOLDEN_INT = 0x9E3779B97F4A7C15
_M1_INT = 0xBF58476D1CE4E5B9
_M2_INT = 0x94D049BB133111EB
_STEP_INT = 0xD1B54A32D192ED03
_GOLDEN = np.array(_GOLDEN_INT, dtype=np.uint64)
_M1 = np.array(_M1_INT, dtype=np.uint64)
_M2 = np.array(_M2_INT, dtype=np.uint64)
_STEP = np.array(_STEP_INT, dtype=np.uint64)
_SHIFTS = tuple(np.array(s, dtype=np.uint64) for s in (30, 27, 31, 11))
_ONE = np.array(1, dtype=np.uint64)
_MASK64 = (1 << 64) - 1
_UNIT = 1.0 / 2**53
_INTS = (int, np.integer)
#: Most numbers per draw that a one-learner stream hashes in plain Python (``_random_one``).
_SCALAR_DRAWS = 8


def mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijective, well-mixed hash of unsigned 64-bit integers."""
    # Array arithmetic on uint64 wraps modulo 2**64 silently, as the hash needs.
    s30, s27, s31, _ = _SHIFTS
    x = np.asarray(x, dtype=np.uint64).reshape(np.shape(x)) + _GOLDEN
    x = (x ^ (x >> s30)) * _M1
    x = (x ^ (x >> s27)) * _M2
    return x ^ (x >> s31)


def _mix64_int(x: int) -> int:
    """:func:`mix64` of one Python int in ``[0, 2**64)`` (same bits, no numpy call)."""
    x = (x + _GOLDEN_INT) & _MASK64
    x = ((x ^ (x >> 30)) * _M1_INT) & _MASK64
    x = ((x ^ (x >> 27)) * _M2_INT) & _MASK64
    return x ^ (x >> 31)


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
        size = tuple(int(s) for s in size)
        if size[0] != len(self.keys):
            raise ValueError(f"size {size} must lead with the number of learners {len(self.keys)}")
        position = np.arange(math.prod(size[1:]), dtype=np.uint64)
        base = mix64(self.keys ^ (self.counters * _STEP))
        bits = mix64(base[:, None] + position[None, :] * _GOLDEN)
        self.counters += _ONE
        return bits.reshape(size)

    def _random_one(self, size: int | tuple[int, ...]) -> np.ndarray:
        """:meth:`random` of a one-learner stream, hashed with Python ints: a single env
        draws a few numbers per step, for which numpy's per-call cost dwarfs the arithmetic.
        The same floats: 53-bit ints convert exactly and the scale is a power of 2."""
        size = (size,) if isinstance(size, _INTS) else tuple(size)
        count = math.prod(size[1:])
        if size[0] != 1 or len(self.keys) != 1 or count > _SCALAR_DRAWS:
            return BATCHED
        key, counter = int(self.keys[0]), int(self.counters[0])
        base = _mix64_int(key ^ ((counter * _STEP_INT) & _MASK64))
        self.counters[0] = (counter + 1) & _MASK64
        values = [
            (_mix64_int((base + p * _GOLDEN_INT) & _MASK64) >> 11) * _UNIT for p in range(count)
        ]
        if len(size) <= 2:  # (1,) or (1, count): no reshape needed
            return np.array(values if len(size) == 1 else [values])
        return np.array(values).reshape(size)

    @fast_path(_random_one)
    def random(self, size: int | tuple[int, ...]) -> np.ndarray:
        """Uniform floats in ``[0, 1)`` of shape ``size`` (``size[0]`` = number of learners)."""
        size = (size,) if isinstance(size, _INTS) else tuple(size)
        return (self._bits(size) >> _SHIFTS[3]).astype(np.float64) * _UNIT

    def standard_normal(self, size: int | tuple[int, ...]) -> np.ndarray:
        """Standard normal floats (Box-Muller) of shape ``size``."""
        u1 = self.random(size)
        u2 = self.random(size)
        return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)
