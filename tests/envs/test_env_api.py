"""The Gymnasium contract, checked for every registered edusim environment id."""

from __future__ import annotations

import copy
import pickle
import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import edusim  # noqa: F401
from edusim.envs import ENV_IDS

VECTOR_IDS = [i for i in ENV_IDS if gym.spec(i).vector_entry_point is not None]


def _rollout(env: gym.Env, seed: int, steps: int = 25) -> list:
    obs, _ = env.reset(seed=seed)
    actions = np.random.default_rng(123)
    trace = [np.asarray(obs).copy()]
    for _ in range(steps):
        action = _action(env, actions)
        obs, reward, terminated, truncated, _ = env.step(action)
        trace.append((np.asarray(obs).copy(), float(reward), terminated, truncated))
        if terminated or truncated:
            obs, _ = env.reset()
    return trace


def _action(env: gym.Env, rng: np.random.Generator):
    space = env.action_space
    if isinstance(space, gym.spaces.Discrete):
        return np.int64(rng.integers(space.n))
    return rng.uniform(space.low, space.high).astype(space.dtype)


def _same(a: list, b: list) -> bool:
    return all(
        np.array_equal(x, y) if isinstance(x, np.ndarray) else
        all(np.array_equal(u, v) for u, v in zip(x, y, strict=True))
        for x, y in zip(a, b, strict=True)
    )


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_check_env_passes_without_warnings(env_id: str) -> None:
    env = gym.make(env_id)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped, skip_render_check=True)
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_same_seed_same_trajectory_different_seed_different(env_id: str) -> None:
    a = _rollout(gym.make(env_id, max_episode_steps=10), seed=3)
    b = _rollout(gym.make(env_id, max_episode_steps=10), seed=3)
    c = _rollout(gym.make(env_id, max_episode_steps=10), seed=4)
    assert _same(a, b)
    if not gym.make(env_id).metadata.get("deterministic", False):  # seed-free by design
        assert not _same(a, c)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_pickle_and_deepcopy_preserve_the_future(env_id: str) -> None:
    env = gym.make(env_id)
    env.reset(seed=1)
    rng = np.random.default_rng(0)
    for _ in range(3):
        env.step(_action(env, rng))
    twins = [pickle.loads(pickle.dumps(env)), copy.deepcopy(env)]
    action = _action(env, rng)
    expected = env.step(action)
    for twin in twins:
        got = twin.step(action)
        assert np.array_equal(got[0], expected[0]) and got[1] == expected[1]


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_invalid_action_is_a_clear_error(env_id: str) -> None:
    env = gym.make(env_id)
    env.reset(seed=0)
    space = env.action_space
    bad = space.n + 5 if isinstance(space, gym.spaces.Discrete) else np.full(space.shape, 10.0)
    with pytest.raises(ValueError, match=r"\S"):
        env.step(bad)


@pytest.mark.parametrize("env_id", VECTOR_IDS)
def test_native_vector_env_equals_copies_of_the_single_env(env_id: str) -> None:
    n, horizon = 4, 6
    vec = gym.make_vec(
        env_id, num_envs=n, vectorization_mode="vector_entry_point", max_episode_steps=horizon
    )
    singles = [gym.make(env_id, max_episode_steps=horizon) for _ in range(n)]
    obs, _ = vec.reset(seed=10)
    expected = [s.reset(seed=10 + i)[0] for i, s in enumerate(singles)]
    assert np.array_equal(obs, np.stack(expected))
    rng = np.random.default_rng(0)
    pending = np.zeros(n, dtype=bool)
    for _ in range(2 * horizon + 3):  # crosses two autoresets
        actions = np.stack([_action(s, rng) for s in singles])
        obs, reward, terminated, truncated, _ = vec.step(actions)
        for i, single in enumerate(singles):
            if pending[i]:
                o, r, te, tr = single.reset()[0], 0.0, False, False
            else:
                o, r, te, tr, _ = single.step(actions[i])
            assert np.array_equal(obs[i], o), f"env {i} observation differs"
            assert np.isclose(reward[i], r, rtol=0, atol=1e-12)
            assert (terminated[i], truncated[i]) == (te, tr)
            pending[i] = te or tr
