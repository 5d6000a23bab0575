"""Learning-progress teachers on TaskSpace-v0: determinism, box errors, building blocks."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import edusim  # noqa: F401
from edusim import agents
from edusim.agents._lp import NearestNeighbourRewards, TaskOutsideBoxError, proportional_choice
from edusim.agents.riac import window_alp
from tests.helpers import play

FAST = {
    "random": {},
    "alp-gmm": {"fit_rate": 30, "gmm_sizes": (2, 3)},
    "covar-gmm": {"fit_rate": 20, "gmm_sizes": (2, 3)},
    "riac": {"max_region_size": 20},
    "llm": {},
}


def _run(name: str, seed: int, steps: int = 120, env_seed: int = 0, **env_kwargs) -> np.ndarray:
    env = gym.make("edusim/TaskSpace-v0", **env_kwargs)
    teacher = agents.make(name, env, seed=seed, **FAST[name])
    obs, _ = env.reset(seed=env_seed)
    return np.array(play(env, teacher, obs, steps))


@pytest.mark.parametrize("name", sorted(FAST))
def test_same_seed_and_outcomes_give_the_same_tasks(name: str) -> None:
    a, b, c = _run(name, 1), _run(name, 1), _run(name, 2)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", ["alp-gmm", "covar-gmm", "riac"])
def test_reset_with_the_seed_replays_the_run(name: str) -> None:
    env = gym.make("edusim/TaskSpace-v0")
    teacher = agents.make(name, env, seed=5, **FAST[name])

    def episode() -> list:
        obs, _ = env.reset(seed=0)
        teacher.reset(5)
        out = []
        for _ in range(60):
            task = teacher.act(obs)
            obs, reward, *_ = env.step(task)
            teacher.observe(task, reward, obs)
            out.append(task)
        return out

    assert np.array_equal(episode(), episode())


@pytest.mark.parametrize("name", ["alp-gmm", "covar-gmm", "riac"])
@pytest.mark.parametrize("task", [[1.5, 0.2], [0.2, -0.01], [0.2, 0.2, 0.2]])
def test_observing_a_task_outside_the_box_raises(name: str, task: list[float]) -> None:
    teacher = agents.make(name, gym.make("edusim/TaskSpace-v0"), seed=0)
    with pytest.raises(TaskOutsideBoxError):
        teacher.observe(np.array(task), 0.0, None)


@pytest.mark.parametrize("name", ["alp-gmm", "covar-gmm", "riac"])
def test_teachers_need_a_task_box(name: str) -> None:
    with pytest.raises(ValueError, match="Box"):
        agents.make(name, gym.make("edusim/Tutor-v0"), seed=0)


@pytest.mark.parametrize("name", ["alp-gmm", "covar-gmm"])
@pytest.mark.parametrize(("bad", "reason"), [
    ({"fit_rate": 5}, "fit_rate 5 is smaller than a mixture size"),  # default sizes reach 10
    ({"random_task_ratio": 1.5}, r"random_task_ratio must lie in \[0, 1\], got 1.5"),
    ({"gmm_sizes": (0, 2)}, r"gmm_sizes must be positive integers, got \(0, 2\)"),
])
def test_mixture_teachers_check_their_shared_settings(name, bad, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        agents.make(name, gym.make("edusim/TaskSpace-v0"), **bad)


def test_bad_config_is_rejected() -> None:
    env = gym.make("edusim/TaskSpace-v0")
    with pytest.raises(ValueError):
        agents.make("riac", env, not_an_option=1)


def test_learning_progress_teachers_beat_random_on_a_small_grid() -> None:
    kwargs = {"cells_per_dim": 4, "learning_rate": 0.05}
    scores = {}
    for name in ("random", "alp-gmm", "riac"):
        env = gym.make("edusim/TaskSpace-v0", **kwargs)
        teacher = agents.make(name, env, seed=0, **FAST[name])
        obs, info = env.reset(seed=0)
        for _ in range(600):
            task = teacher.act(obs)
            obs, reward, _, _, info = env.step(task)
            teacher.observe(task, reward, obs)
        scores[name] = info["score"]
    assert scores["alp-gmm"] > scores["random"] and scores["riac"] > scores["random"], scores


def test_alp_gmm_samples_near_the_progress_after_fitting() -> None:
    env = gym.make("edusim/TaskSpace-v0")
    teacher = agents.make("alp-gmm", env, seed=0, fit_rate=40, gmm_sizes=(2, 3),
                          random_task_ratio=0.0)
    rng = np.random.default_rng(0)
    for i in range(40):  # progress only near the origin
        task = rng.random(2) * (0.2 if i % 2 else 1.0)
        teacher.observe(task, (i % 4 == 1) * 1.0 if task.max() < 0.2 else 0.0, None)
    tasks = np.array([teacher.act(None) for _ in range(200)])
    assert np.median(tasks.max(axis=1)) < 0.3


def test_nearest_neighbour_rewards_match_brute_force() -> None:
    rng = np.random.default_rng(0)
    index = NearestNeighbourRewards(3, buffer_size=16)
    tasks, rewards = [], []
    for _ in range(100):
        task, reward = rng.random(3), rng.random()
        if tasks:
            nearest = int(np.argmin(((np.array(tasks) - task) ** 2).sum(axis=1)))
            assert index.nearest_reward(task) == rewards[nearest]
        index.add(task, reward)
        tasks.append(task)
        rewards.append(reward)
    assert index.tree is not None and len(index) == 100


def test_proportional_choice_follows_the_weights() -> None:
    rng = np.random.default_rng(0)
    draws = [proportional_choice(np.array([1.0, 3.0, 0.0]), rng) for _ in range(4000)]
    counts = np.bincount(draws, minlength=3)
    assert counts[2] == 0 and 0.7 < counts[1] / 4000 < 0.8
    assert proportional_choice(np.zeros(3), rng) in (0, 1, 2)


def test_window_alp_and_riac_splits_partition_the_parent() -> None:
    assert window_alp(np.array([0.0, 1.0]), 10) == 0.0
    assert window_alp(np.array([0.0, 0.0, 0.0, 1.0, 1.0, 1.0]), 6) == 1.0
    env = gym.make("edusim/TaskSpace-v0")
    teacher = agents.make("riac", env, seed=0, max_region_size=20)
    rng = np.random.default_rng(1)
    for _ in range(300):
        task = rng.random(2)
        teacher.observe(task, float(task[0] > 0.5) * rng.random(), None)
    assert len(teacher.regions) > 3
    for region in teacher.regions:
        if region.children is not None:
            left, right = (teacher.regions[c] for c in region.children)
            d = region.split_dim
            assert left.high[d] == right.low[d] == region.threshold
            assert left.low[d] == region.low[d] and right.high[d] == region.high[d]
