"""Stacked parameters: every student's weights are one row of a ``[K, P]`` tensor.

A model declares its parameters as :class:`ParamSpec` rows; a :class:`Layout` places them side
by side in one flat row per student. The row is what the optimiser, gradient clipping,
snapshots, member copies and checkpoints act on (one tensor, whatever the model); the model
reads named ``[K, *shape]`` views of it (``torch.split``, whose backward is one concatenation).

Example:
    >>> layout = Layout([ParamSpec("w", (2, 3)), ParamSpec("b", (3,), init="zeros")])
    >>> layout.size
    9
    >>> row = layout.initial_row(torch.Generator().manual_seed(0))
    >>> row.shape, bool((row[6:] == 0).all())
    (torch.Size([9]), True)
    >>> views = layout.views(torch.stack([row, row]))
    >>> views["w"].shape, views["b"].shape
    (torch.Size([2, 2, 3]), torch.Size([2, 3]))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

__all__ = ["Layout", "ParamSpec"]


@dataclass(frozen=True)
class ParamSpec:
    """One parameter of one student.

    Attributes:
        name: Name the model reads it by.
        shape: Shape for one student.
        init: ``"normal"`` (mean 0, ``std``), ``"zeros"`` or ``"ones"``.
        std: Standard deviation of a normal init.
        decay: Whether weight decay applies (weight matrices only).
    """

    name: str
    shape: tuple[int, ...]
    init: str = "normal"
    std: float = 0.02
    decay: bool = False

    def __post_init__(self) -> None:
        if self.init not in ("normal", "zeros", "ones"):
            raise ValueError(f"parameter {self.name!r}: unknown init {self.init!r}")

    @property
    def numel(self) -> int:
        return math.prod(self.shape)


class Layout:
    """Where each parameter lies in a student's flat row.

    Args:
        specs: The parameters, in the order their initial values are drawn.
    """

    def __init__(self, specs: Sequence[ParamSpec]) -> None:
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate parameter names in {names}")
        self.specs = tuple(specs)
        self.sizes = [s.numel for s in self.specs]
        self.size = sum(self.sizes)

    def initial_row(self, generator: torch.Generator) -> torch.Tensor:
        """One student's initial parameters (CPU, float32), drawn from ``generator`` in order."""
        parts = []
        for spec in self.specs:
            if spec.init == "normal":
                parts.append(torch.randn(spec.numel, generator=generator) * spec.std)
            else:
                fill = torch.zeros if spec.init == "zeros" else torch.ones
                parts.append(fill(spec.numel))
        return torch.cat(parts)

    def decay_mask(self) -> torch.Tensor:
        """``[P]`` bool: the entries weight decay applies to."""
        return torch.cat([torch.full((s.numel,), s.decay) for s in self.specs])

    def views(self, flat: torch.Tensor) -> dict[str, torch.Tensor]:
        """Named ``[K, *shape]`` views of ``flat`` (``[K, P]``); gradients flow back to it."""
        k = flat.shape[0]
        pieces = torch.split(flat, self.sizes, dim=1)
        return {s.name: p.view(k, *s.shape) for s, p in zip(self.specs, pieces, strict=True)}
