"""Adam over stacked students: each row of a ``[K, P]`` tensor is one student's optimiser.

Adam is elementwise, so one update of the stacked rows is K independent updates; what would
couple the students is shared state, so the step count (and with it the bias correction) is
kept per student, gradient clipping is per student, and a student can be reset, copied or
restored alone. A student whose gradient is exactly zero (RL on a batch where every sample
failed) is not stepped: its weights, moments and step count stay as they are.

Example:
    >>> params = torch.zeros(2, 3)
    >>> opt = StackedAdam(2, 3, lr=0.1)
    >>> grad = torch.tensor([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])
    >>> opt.step(params, grad)
    >>> params.double().round(decimals=4).tolist(), opt.steps.tolist()
    ([[-0.1, 0.1, 0.0], [0.0, 0.0, 0.0]], [1, 0])
"""

from __future__ import annotations

import torch

__all__ = ["StackedAdam", "clip_rows"]


def clip_rows(grad: torch.Tensor, max_norm: float) -> torch.Tensor:
    """Scale each row of ``grad`` in place to norm at most ``max_norm``; return the norms.

    Example:
        >>> g = torch.tensor([[3.0, 4.0], [0.3, 0.4]])
        >>> clip_rows(g, 1.0).tolist(), g.double().round(decimals=4).tolist()
        ([5.0, 0.5], [[0.6, 0.8], [0.3, 0.4]])
    """
    norms = torch.linalg.vector_norm(grad, dim=1)
    grad.mul_((max_norm / (norms + 1e-6)).clamp_(max=1.0).unsqueeze(1))
    return norms


class StackedAdam:
    """Adam (with decoupled weight decay) for K students' flat parameter rows.

    Args:
        k: Number of students (rows).
        p: Parameters per student (columns).
        lr: Learning rate.
        betas: Adam's moment decay rates.
        eps: Adam's denominator term.
        weight_decay: Decoupled decay rate, applied where ``decay_mask`` is true.
        decay_mask: ``[P]`` bool (``None``: nowhere).
        device: Where the state lives.
    """

    def __init__(self, k: int, p: int, lr: float, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0,
                 decay_mask: torch.Tensor | None = None,
                 device: torch.device | str = "cpu") -> None:
        self.lr, self.betas, self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.exp_avg = torch.zeros(k, p, device=device)
        self.exp_avg_sq = torch.zeros(k, p, device=device)
        self.steps = torch.zeros(k, dtype=torch.long, device=device)
        self.decay = None
        if weight_decay and decay_mask is not None:
            self.decay = decay_mask.to(device=device, dtype=torch.float32) * weight_decay

    @torch.no_grad()
    def step(self, params: torch.Tensor, grad: torch.Tensor) -> None:
        """One update of ``params`` (``[K, P]``, in place) from ``grad``; zero rows are skipped."""
        beta1, beta2 = self.betas
        active = grad.ne(0).any(dim=1)
        self.steps += active
        t = self.steps.clamp(min=1).to(params.dtype)
        on = active.to(params.dtype).unsqueeze(1)
        self.exp_avg.lerp_(grad, on * (1 - beta1))
        self.exp_avg_sq.mul_(1 - on * (1 - beta2)).addcmul_(grad, grad, value=1 - beta2)
        step_size = (self.lr / (1 - beta1**t)).unsqueeze(1) * on
        denom = (self.exp_avg_sq / (1 - beta2**t).unsqueeze(1)).sqrt_().add_(self.eps)
        if self.decay is not None:
            params.mul_(1 - self.lr * self.decay * on)
        params.sub_(step_size * self.exp_avg / denom)

    def reset(self, members: torch.Tensor) -> None:
        """Forget the state of the students in ``members`` (indices or a ``[K]`` bool mask)."""
        self.exp_avg[members] = 0
        self.exp_avg_sq[members] = 0
        self.steps[members] = 0

    def copy_from(self, other: StackedAdam, dst: torch.Tensor, src: torch.Tensor) -> None:
        """Rows ``dst`` of this state become rows ``src`` of ``other``'s."""
        self.exp_avg[dst] = other.exp_avg[src]
        self.exp_avg_sq[dst] = other.exp_avg_sq[src]
        self.steps[dst] = other.steps[src]

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {"exp_avg": self.exp_avg, "exp_avg_sq": self.exp_avg_sq, "steps": self.steps}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        for name, value in state.items():
            getattr(self, name).copy_(value)
