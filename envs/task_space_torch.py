"""``edusim/TaskSpaceTorch-v0``: the task box with a real torch learner.

Same task box, grid, actions, observation and score as ``edusim/TaskSpace-v0``, but the
learner is a small neural network, so forgetting and transfer between cells are real rather
than scripted. Each cell is a region of one function-learning problem: the target is
``y(x) = sin(2 pi (1 + frequency * mean(x)) * sum(x))`` over the first ``n_dims``
coordinates, smooth near the origin and faster-varying further out. Practising a task trains
the network ``sgd_steps`` Adam steps on ``batch_size`` points drawn uniformly in the task's
cell. A cell's competence is ``clip(1 - MSE / Var, 0, 1)`` on fixed evaluation points of the
cell (``Var``: the target's variance over the whole box). Unlearnable cells give fresh random
labels at every practice, so nothing learned there lasts.

N learners are N networks whose weights are stacked along a leading axis and trained together
with batched matrix products; each learner draws its initial weights and its training points
from its own stream, so a batch of N behaves like N batches of one (up to float rounding).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from edusim.envs.core import BatchVectorEnv
from edusim.envs.task_space import TaskSpaceEnv
from edusim.envs.task_space_batch import TaskSpaceBatch, TaskSpaceConfig

__all__ = [
    "TorchTaskSpaceConfig",
    "TorchTaskSpaceBatch",
    "TaskSpaceTorchEnv",
    "TaskSpaceTorchVectorEnv",
]


@dataclass(frozen=True)
class TorchTaskSpaceConfig(TaskSpaceConfig):
    """:class:`TaskSpaceConfig` plus the network and its training; ``learning_rate`` is
    Adam's step size here.

    Attributes:
        hidden: Width of the two hidden layers.
        sgd_steps: Optimizer steps per practice.
        batch_size: Training points per step, drawn in the practised cell.
        eval_points: Fixed evaluation points per cell.
        frequency: How much faster the target varies far from the origin.
        device: Torch device of the networks.
    """

    n_dims: int = 2
    cells_per_dim: int = 5
    learning_rate: float = 0.02
    hidden: int = 32
    sgd_steps: int = 2
    batch_size: int = 16
    eval_points: int = 8
    frequency: float = 3.0
    device: str = "cpu"

    def __post_init__(self) -> None:
        super().__post_init__()
        if min(self.hidden, self.sgd_steps, self.batch_size, self.eval_points) < 1:
            raise ValueError("hidden, sgd_steps, batch_size and eval_points must be >= 1")
        if not math.isfinite(self.frequency):
            raise ValueError(f"frequency must be a finite number, got {self.frequency}")

    def target(self, x: np.ndarray) -> np.ndarray:
        """The function to learn, on points ``(..., n_dims)``."""
        return np.sin(2 * np.pi * (1 + self.frequency * x.mean(axis=-1)) * x.sum(axis=-1))


class TorchTaskSpaceBatch(TaskSpaceBatch):
    """N networks learning the cells of the task box (see the module docstring)."""

    config_class = TorchTaskSpaceConfig

    def __init__(self, config: TorchTaskSpaceConfig, n: int) -> None:
        super().__init__(config, n)
        self.device = torch.device(config.device)
        cells, m, d = config.n_cells, config.eval_points, config.n_dims
        corner = np.array(np.unravel_index(np.arange(cells), (config.cells_per_dim,) * d)).T
        offsets = np.random.default_rng(0).random((cells, m, d))  # the same for every learner
        points = (corner[:, None, :] + offsets) / config.cells_per_dim
        target = config.target(points)
        self.cell_corner = corner
        self.eval_x = self._tensor(points.reshape(1, cells * m, d))
        self.eval_y = target  # (cells, m), replaced by noise in unlearnable cells
        self.eval_var = float(target.var())
        self.params: list[torch.Tensor] = []
        self.moments: list[tuple[torch.Tensor, torch.Tensor]] = []
        self.adam_steps = torch.zeros(n, 1, 1, device=self.device)
        self.targets = np.broadcast_to(target, (n, cells, m)).copy()

    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(array, dtype=torch.float32, device=self.device)

    def reset(self, mask: np.ndarray, keys: np.ndarray | None) -> None:
        super().reset(mask, keys)
        cfg, n = self.config, self.n
        shapes = [(cfg.n_dims, cfg.hidden), (1, cfg.hidden), (cfg.hidden, cfg.hidden),
                  (1, cfg.hidden), (cfg.hidden, 1), (1, 1)]
        fresh = []
        for shape in shapes:  # He-style scale for weights, zero biases
            scale = np.sqrt(2.0 / shape[0]) if shape[0] > 1 else 0.0
            fresh.append(scale * self.streams.standard_normal((n, *shape)))
        noise = self.streams.standard_normal((n, cfg.n_cells, cfg.eval_points))
        self.targets = np.where(self.learnable[:, :, None], self.eval_y[None], noise)
        with torch.no_grad():
            if not self.params:
                self.params = [self._tensor(w).requires_grad_() for w in fresh]
                self.moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in self.params]
            rows = torch.as_tensor(mask, device=self.device)
            for p, (m, v), w in zip(self.params, self.moments, fresh, strict=True):
                p[rows] = self._tensor(w)[rows]
                m[rows], v[rows] = 0.0, 0.0
            self.adam_steps[rows] = 0.0
        self._measure()

    def _adam_step(self, lr: float, b1: float = 0.9, b2: float = 0.999) -> None:
        """One Adam step per learner (own step count, so resets stay per learner)."""
        with torch.no_grad():
            self.adam_steps += 1
            c1, c2 = 1 - b1**self.adam_steps, 1 - b2**self.adam_steps
            for p, (m, v) in zip(self.params, self.moments, strict=True):
                m.mul_(b1).add_(p.grad, alpha=1 - b1)
                v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                p -= lr * (m / c1) / ((v / c2).sqrt() + 1e-8)
                p.grad = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w1, b1, w2, b2, w3, b3 = self.params
        h = torch.tanh(torch.bmm(x, w1) + b1)
        h = torch.tanh(torch.bmm(h, w2) + b2)
        return (torch.bmm(h, w3) + b3).squeeze(-1)

    def step(self, tasks: np.ndarray, resetting: np.ndarray | None = None) -> np.ndarray:
        cfg, rows = self.config, np.arange(self.n)
        cells = self.cells_of(tasks)
        size = (self.n, cfg.sgd_steps, cfg.batch_size)
        u = self.streams.random((*size, cfg.n_dims))
        x = (self.cell_corner[cells][:, None, None, :] + u) / cfg.cells_per_dim
        labels = np.where(self.learnable[rows, cells][:, None, None], cfg.target(x),
                          self.streams.standard_normal(size))
        x, labels = self._tensor(x), self._tensor(labels)
        for step in range(cfg.sgd_steps):
            loss = ((self.forward(x[:, step]) - labels[:, step]) ** 2).mean(1).sum()
            loss.backward()
            self._adam_step(cfg.learning_rate)
        self._measure()
        self.steps += 1
        reward = self.competence[rows, cells].copy()
        if cfg.noise > 0.0:
            reward = np.clip(reward + cfg.noise * self.streams.standard_normal((self.n,)), 0, 1)
        return reward

    def _measure(self) -> None:
        """Competence of every cell on its evaluation points."""
        cfg = self.config
        with torch.no_grad():
            x = self.eval_x.expand(self.n, -1, -1)
            pred = self.forward(x).cpu().numpy().reshape(self.n, cfg.n_cells, cfg.eval_points)
        mse = ((pred - self.targets) ** 2).mean(axis=2)
        self.competence[:, :-1] = np.clip(1.0 - mse / self.eval_var, 0.0, 1.0)


class TaskSpaceTorchEnv(TaskSpaceEnv):
    """:class:`~edusim.envs.task_space.TaskSpaceEnv` whose learner is a torch network.

    ## Description
    See :mod:`edusim.envs.task_space_torch`: each cell of the grid is a region of a
    function-learning problem and a practice is a few optimizer steps on that region.

    ## Action Space, Observation Space, Rewards, Episode End
    As ``edusim/TaskSpace-v0`` (the reward is the practised cell's measured competence).
    ``TaskSpaceTorch-v0`` is truncated after 2,000 tasks.

    ## Arguments
    ``gymnasium.make("edusim/TaskSpaceTorch-v0", n_dims=2, cells_per_dim=5, n_distractors=0,
    unlearnable=0.0, learning_rate=0.02, mastery_threshold=0.75, noise=0.0, hidden=32,
    sgd_steps=2, batch_size=16, eval_points=8, frequency=3.0, device="cpu")``; see
    :class:`TorchTaskSpaceConfig`.

    ## Version History
    * v0: Initial version.

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/TaskSpaceTorch-v0", cells_per_dim=3)
        >>> obs, info = env.reset(seed=0)
        >>> rewards = [env.step(np.array([0.1, 0.1], dtype=np.float32))[1] for _ in range(60)]
        >>> bool(np.mean(rewards[-10:]) > np.mean(rewards[:10]))
        True
    """

    #: ``vector_atol``: its vector form equals single envs up to this (float rounding of
    #: batched products, amplified by training).
    metadata = {"render_modes": ["rgb_array"], "render_fps": 4, "vector_atol": 1e-4}
    core = TorchTaskSpaceBatch


class TaskSpaceTorchVectorEnv(BatchVectorEnv):
    """``num_envs`` copies of :class:`TaskSpaceTorchEnv`: ``num_envs`` networks trained in
    one batched call per step (stacked weights, batched matrix products).

    Row ``i`` behaves like ``TaskSpaceTorchEnv`` reset with seed ``s + i`` up to float
    rounding of the batched products (autoreset as :class:`~edusim.envs.core.BatchVectorEnv`).

    Example:
        >>> import gymnasium as gym, edusim
        >>> envs = gym.make_vec("edusim/TaskSpaceTorch-v0", num_envs=3, cells_per_dim=3,
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> obs.shape
        (3, 9)
    """

    core = TorchTaskSpaceBatch
