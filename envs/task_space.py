"""``edusim/TaskSpace-v0``: a teacher picks tasks as points of a continuous parameter box."""

from __future__ import annotations

import numpy as np

from edusim.envs.core import BatchEnv, BatchVectorEnv
from edusim.envs.task_space_batch import TaskSpaceBatch

__all__ = ["TaskSpaceEnv", "TaskSpaceVectorEnv", "competence_image"]


def competence_image(
    competence: np.ndarray, learnable: np.ndarray | None = None, scale: int = 16
) -> np.ndarray:
    """An RGB picture of a competence map (first two dimensions; max over the others).

    Cells go from white (0) to dark green (1); unlearnable cells are dark red. Row 0 of the
    picture is the top: the first task coordinate runs down, the second runs right.

    Example:
        >>> competence_image(np.zeros((3, 3)), scale=2).shape
        (6, 6, 3)
    """
    grid = np.asarray(competence, dtype=np.float64)
    mask = np.ones_like(grid, dtype=bool) if learnable is None else np.asarray(learnable, bool)
    if grid.ndim == 1:
        grid, mask = grid[:, None], mask[:, None]
    extra = tuple(range(2, grid.ndim))
    grid, mask = grid.max(axis=extra), mask.any(axis=extra)
    white, green, red = np.array([255, 255, 255]), np.array([0, 100, 0]), np.array([120, 0, 0])
    rgb = white + grid[..., None] * (green - white)
    rgb = np.where(mask[..., None], rgb, red)
    return np.kron(rgb, np.ones((scale, scale, 1))).astype(np.uint8)


class TaskSpaceEnv(BatchEnv):
    """Curriculum over a continuous task box with a grid learner (the ALP-GMM toy space).

    ## Description
    A simulated learner must master the cells of a grid laid over the task box
    ``[0, 1]^n_dims``. Practising a task raises its cell's competence, but only once a
    previous neighbouring cell is mastered, so competence has to spread outwards from the
    origin cell; some cells may be unlearnable. Modelled on the toy environment of Portelas
    et al. (2019); see :mod:`edusim.envs.task_space_batch` for the exact rules.

    ## Action Space
    ``Box(0, 1, (n_dims + n_distractors,), float32)``: the task. Distractor coordinates change
    nothing. A task outside the box raises
    :class:`~edusim.envs.core.InvalidActionError`.

    ## Observation Space
    ``Box(0, 1, (cells_per_dim ** n_dims,), float32)``: the learner's competence per cell
    (row-major over the grid), as a post-test over every cell would measure it.
    Task-sampling teachers ignore it; RL teachers learn from it.

    ## Rewards
    The competence of the practised cell after practice, in ``[0, 1]`` (plus clipped Gaussian
    noise with ``noise > 0``): the signal learning-progress teachers learn from.

    ## Starting State
    Zero competence everywhere; the unlearnable cells are drawn from the reset seed.

    ## Episode End
    Never terminates; the registry's ``max_episode_steps`` (20,000 for ``TaskSpace-v0``, as in
    the paper) truncates it. ``info["score"]`` is the percentage of mastered cells.

    ## Arguments
    ``gymnasium.make("edusim/TaskSpace-v0", n_dims=2, cells_per_dim=10, n_distractors=0,
    unlearnable=0.0, learning_rate=0.01, mastery_threshold=0.75, noise=0.0,
    render_mode=None)``: the fields of
    :class:`~edusim.envs.task_space_batch.TaskSpaceConfig`.

    ## Version History
    * v0: Initial version.

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/TaskSpace-v0")
        >>> obs, info = env.reset(seed=0)
        >>> _, reward, *_ , info = env.step(np.array([0.05, 0.05], dtype=np.float32))
        >>> round(reward, 2), info["score"]
        (0.01, 0.0)
    """

    #: ``deterministic``: with the defaults (no unlearnable cells, no noise) the dynamics use
    #: no randomness at all, as in the paper's toy space, so the seed changes nothing.
    metadata = {"render_modes": ["rgb_array"], "render_fps": 4, "deterministic": True}

    core = TaskSpaceBatch

    def competence_map(self) -> np.ndarray:
        """Competence per cell, shape ``(cells_per_dim,) * n_dims``."""
        return self._batch.competence_map()[0].copy()

    def learnable_map(self) -> np.ndarray:
        """Which cells can be learned, shape ``(cells_per_dim,) * n_dims``."""
        return self._batch.learnable[0].reshape(self.competence_map().shape).copy()

    def render(self) -> np.ndarray | None:
        if self.render_mode != "rgb_array":
            return None
        return competence_image(self.competence_map(), self.learnable_map())


class TaskSpaceVectorEnv(BatchVectorEnv):
    """``num_envs`` independent copies of :class:`TaskSpaceEnv` in one batch.

    With ``reset(seed=s)``, learner ``i`` behaves exactly like ``TaskSpaceEnv`` reset with seed
    ``s + i`` and given the same tasks (autoreset as :class:`~edusim.envs.core.BatchVectorEnv`).

    Example:
        >>> import gymnasium as gym, edusim
        >>> envs = gym.make_vec("edusim/TaskSpace-v0", num_envs=3,
        ...                     vectorization_mode="vector_entry_point")
        >>> obs, info = envs.reset(seed=0)
        >>> obs.shape
        (3, 100)
    """

    core = TaskSpaceBatch
