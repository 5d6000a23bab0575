""":class:`~edusim.streams.LearnerStreams` on torch tensors (CPU or CUDA): the same numbers.

The same counter-based SplitMix64 streams, hashed with int64 tensor arithmetic (which wraps
modulo ``2**64`` like numpy's ``uint64``; right shifts are made logical with a mask), so a
learner keyed ``k`` draws bit for bit the same uniforms on numpy, torch-CPU and CUDA. That is
what lets a torch environment reproduce the numpy environment's trajectories.

Example:
    >>> import numpy as np, torch
    >>> from edusim.streams import LearnerStreams
    >>> keys = np.array([3, 2**63 + 5], dtype=np.uint64)
    >>> mine = TorchLearnerStreams(keys, device="cpu").random((2, 4))
    >>> bool(np.array_equal(mine.numpy(), LearnerStreams(keys).random((2, 4))))
    True
"""

from __future__ import annotations

import math

import numpy as np
import torch

__all__ = ["TorchLearnerStreams", "mix64_torch", "to_signed"]

_UNIT = 1.0 / 2**53


def to_signed(value: int) -> int:
    """A uint64 value as the int64 with the same bits."""
    return value - 2**64 if value >= 2**63 else value


_GOLDEN = to_signed(0x9E3779B97F4A7C15)
_M1 = to_signed(0xBF58476D1CE4E5B9)
_M2 = to_signed(0x94D049BB133111EB)
_STEP = to_signed(0xD1B54A32D192ED03)


def _shr(x: torch.Tensor, s: int) -> torch.Tensor:
    """Logical right shift of int64 bit patterns."""
    return (x >> s) & ((1 << (64 - s)) - 1)


def mix64_torch(x: torch.Tensor) -> torch.Tensor:
    """:func:`edusim.streams.mix64` on int64 tensors (bit patterns of uint64)."""
    x = x + _GOLDEN
    x = (x ^ _shr(x, 30)) * _M1
    x = (x ^ _shr(x, 27)) * _M2
    return x ^ _shr(x, 31)


class TorchLearnerStreams:
    """One reproducible random stream per learner, as tensors on ``device``.

    Args:
        keys: One unsigned 64-bit key per learner (numpy ``uint64``, or an int64 tensor of
            the same bits).
        device: Torch device of the draws.
    """

    def __init__(self, keys: np.ndarray | torch.Tensor, device: str | torch.device = "cpu"):
        self.device = torch.device(device)
        if isinstance(keys, torch.Tensor):
            self.keys = keys.to(device=self.device, dtype=torch.int64).reshape(-1).clone()
        else:
            bits = np.asarray(keys, dtype=np.uint64).reshape(-1).view(np.int64)
            self.keys = torch.as_tensor(bits.copy(), device=self.device)
        self.counters = torch.zeros_like(self.keys)

    def __len__(self) -> int:
        return self.keys.shape[0]

    def rekey(self, mask: torch.Tensor, keys: torch.Tensor) -> None:
        """Give the masked learners new keys (int64 bit patterns) and restart their counters."""
        self.keys[mask] = keys
        self.counters[mask] = 0

    def next_keys(self, mask: torch.Tensor | None = None) -> torch.Tensor:
        """Successor keys, as :meth:`edusim.streams.LearnerStreams.next_keys`."""
        keys = self.keys if mask is None else self.keys[mask]
        return mix64_torch(keys + _STEP)

    def bits(self, size: tuple[int, ...]) -> torch.Tensor:
        """Hashed 64-bit patterns of shape ``size`` (``size[0]`` = number of learners)."""
        size = tuple(int(s) for s in size)
        if size[0] != len(self):
            raise ValueError(f"size {size} must lead with the number of learners {len(self)}")
        position = torch.arange(math.prod(size[1:]), device=self.device, dtype=torch.int64)
        base = mix64_torch(self.keys ^ (self.counters * _STEP))
        out = mix64_torch(base[:, None] + position[None, :] * _GOLDEN)
        self.counters += 1
        return out.reshape(size)

    def random(self, size: int | tuple[int, ...]) -> torch.Tensor:
        """Uniform float64 in ``[0, 1)``: the same numbers as ``LearnerStreams.random``."""
        size = (size,) if isinstance(size, int) else tuple(size)
        return _shr(self.bits(size), 11).to(torch.float64) * _UNIT

    def standard_normal(self, size: int | tuple[int, ...]) -> torch.Tensor:
        """Standard normal float64 (Box-Muller, as ``LearnerStreams.standard_normal``)."""
        u1 = self.random(size)
        u2 = self.random(size)
        return torch.sqrt(-2.0 * torch.log1p(-u1)) * torch.cos(2.0 * math.pi * u2)
