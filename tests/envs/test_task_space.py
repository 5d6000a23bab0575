"""TaskSpace-v0 dynamics: unlocking order, unlearnable cells, errors, vector == singles."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import edusim  # noqa: F401
from edusim.envs.core import InvalidActionError
from edusim.envs.task_space import TaskSpaceEnv, competence_image
from edusim.envs.task_space_batch import TaskSpaceBatch, TaskSpaceConfig, previous_neighbours


def _centre(cell: tuple[int, ...], cells: int = 10, extra: int = 0) -> np.ndarray:
    return np.concatenate([(np.array(cell) + 0.5) / cells, np.full(extra, 0.3)]).astype(
        np.float32
    )


def _practise(env: TaskSpaceEnv, cell: tuple[int, ...], times: int, extra: int = 0) -> float:
    reward = 0.0
    for _ in range(times):
        _, reward, *_ = env.step(_centre(cell, env.config.cells_per_dim, extra))
    return reward


def test_a_cell_grows_only_after_a_previous_neighbour_is_mastered() -> None:
    env = TaskSpaceEnv()
    env.reset(seed=0)
    assert _practise(env, (0, 1), 10) == 0.0  # locked
    assert _practise(env, (0, 0), 74) == pytest.approx(0.74)
    assert _practise(env, (1, 1), 5) == 0.0  # origin at 0.74: still locked
    _practise(env, (0, 0), 1)  # origin reaches the threshold 0.75
    assert _practise(env, (1, 1), 3) == pytest.approx(0.03)  # diagonal neighbour unlocked
    assert _practise(env, (0, 1), 1) == pytest.approx(0.01)
    assert _practise(env, (2, 2), 1) == 0.0  # its neighbours are not mastered


def test_score_counts_cells_above_the_threshold() -> None:
    env = TaskSpaceEnv(cells_per_dim=2)
    env.reset(seed=0)
    _practise(env, (0, 0), 75)
    _, _, _, _, info = env.step(_centre((0, 0), 2))  # 0.76 > 0.75
    assert info["score"] == 25.0
    assert _practise(env, (0, 0), 500) == 1.0  # capped


def test_unlearnable_cells_never_improve_and_the_origin_is_learnable() -> None:
    env = TaskSpaceEnv(cells_per_dim=4, unlearnable=0.5, learning_rate=0.5)
    env.reset(seed=3)
    learnable = env.learnable_map()
    assert learnable[0, 0] and not learnable.all()
    _practise(env, (0, 0), 2)
    for cell in zip(*np.nonzero(~learnable), strict=True):
        assert _practise(env, tuple(int(c) for c in cell), 3) == 0.0
    env.reset(seed=4)
    assert not np.array_equal(env.learnable_map(), learnable)


def test_distractor_coordinates_change_nothing() -> None:
    a, b = TaskSpaceEnv(n_distractors=3), TaskSpaceEnv(n_distractors=3)
    a.reset(seed=0)
    b.reset(seed=0)
    assert a.action_space.shape == (5,)
    for step in range(80):
        task = _centre((0, 0), extra=3)
        other = task.copy()
        other[2:] = np.random.default_rng(step).random(3)
        assert a.step(task)[1] == b.step(other)[1]


@pytest.mark.parametrize("task", [[1.2, 0.5], [-0.1, 0.5], [np.nan, 0.5], [0.5, 0.5, 0.5]])
def test_tasks_outside_the_box_raise(task: list[float]) -> None:
    env = TaskSpaceEnv()
    env.reset(seed=0)
    with pytest.raises(InvalidActionError):
        env.step(np.array(task, dtype=np.float32))


def test_step_before_reset_raises() -> None:
    with pytest.raises(gym.error.ResetNeeded):
        TaskSpaceEnv().step(np.zeros(2, dtype=np.float32))


def test_the_box_edges_fall_in_the_border_cells() -> None:
    batch = TaskSpaceBatch(TaskSpaceConfig(cells_per_dim=10), n=3)
    cells = batch.cells_of(np.array([[0.0, 0.0], [1.0, 1.0], [0.1, 0.95]]))
    assert cells.tolist() == [0, 99, 19]


def test_previous_neighbours_in_three_dimensions() -> None:
    table = previous_neighbours(3, 3)
    assert table.shape == (27, 7)
    assert sorted(table[13].tolist()) == [0, 1, 3, 4, 9, 10, 12]  # cell (1, 1, 1)
    assert (table[0] == 27).all()  # the origin has none (sentinel)


def test_render_draws_the_competence_map() -> None:
    env = gym.make("edusim/TaskSpace-v0", render_mode="rgb_array", cells_per_dim=4)
    env.reset(seed=0)
    for _ in range(50):
        env.step(_centre((0, 0), 4))
    image = env.render()
    assert image.shape == (64, 64, 3) and image.dtype == np.uint8
    assert image[0, 0, 0] < image[-1, -1, 0]  # the practised origin cell is greener
    assert competence_image(np.zeros((2, 2, 2)), scale=1).shape == (2, 2, 3)


@pytest.mark.parametrize("bad", [{"n_dims": 0}, {"unlearnable": 1.0}, {"learning_rate": 0.0},
                                 {"mastery_threshold": 1.5}, {"noise": -1.0},
                                 {"n_dims": 7, "cells_per_dim": 10}])
def test_bad_settings_raise(bad: dict) -> None:
    with pytest.raises(ValueError):
        TaskSpaceEnv(**bad)


def test_torch_learner_learns_the_practised_cell_and_batches_like_singles() -> None:
    from edusim.envs.task_space_torch import TorchTaskSpaceBatch, TorchTaskSpaceConfig

    config = TorchTaskSpaceConfig(cells_per_dim=3, unlearnable=0.4)
    pair, one = TorchTaskSpaceBatch(config, n=2), TorchTaskSpaceBatch(config, n=1)
    keys = np.array([11, 12], dtype=np.uint64)
    pair.reset(np.ones(2, bool), keys)
    one.reset(np.ones(1, bool), keys[1:])
    task = np.array([[0.1, 0.1]])
    first = None
    for step in range(100):
        rewards = pair.step(np.repeat(task, 2, axis=0))
        first = rewards if first is None else first
        if step < 3:  # same numbers up to float rounding (which chaotic training amplifies)
            single = one.step(task)
            np.testing.assert_allclose(rewards[1], single[0], atol=1e-5)
            np.testing.assert_allclose(pair.observation()[1], one.observation()[0], atol=1e-5)
    assert rewards[0] > max(first[0], 0.5)
    env = gym.make("edusim/TaskSpaceTorch-v0", cells_per_dim=3)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (9,) and env.observation_space.contains(obs)
