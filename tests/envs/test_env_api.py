"""The environment contract, checked for every registered edusim id (and a few variants).

This is the one implementation of the contract: an env module adds no copy of it. Each case
is an id with registry kwargs; every registered id appears with its defaults.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
import warnings
from typing import Any

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import edusim  # noqa: F401
from edusim.envs import ENV_IDS, ENVS
from edusim.envs.core import take_row
from edusim.one_learner import batched_only
from tests.envs.curricula import MULTI

#: Settings that take other code paths: (id, kwargs).
VARIANTS = [
    ("edusim/Tutor-v0", {"observe_mastery": True}),
    ("edusim/Tutor-v0", {"curriculum": MULTI, "heterogeneity": 0.7, "learner_params": {
        "p_forget": 0.1, "forget_on": "practice", "p_learn": 0.4}}),
    ("edusim/Tutor-v0", {"curriculum": MULTI, "learner_params": {"p_forget": 0.1},
                         "observe_mastery": True}),
    ("edusim/TutorLogistic-v0", {"curriculum": MULTI, "window": 2}),
    ("edusim/KSS-v0", {"observe_mastery": True}),
    ("edusim/KSS-v0", {"learner_mode": "mutate", "pool_size": 3}),
    ("edusim/KSS-v0", {"pool_seed": None}),
    ("edusim/KSS-v0", {"pool_seed": None, "pool_size": None}),
    ("edusim/KSS-v0", {"pool_seed": None, "learner_mode": "mutate", "pool_size": 2}),
    ("edusim/TaskSpace-v0", {"cells_per_dim": 3, "unlearnable": 0.3, "noise": 0.05,
                             "learning_rate": 0.2}),
]
#: Registered ids with their defaults, except envs that declare quick settings for tests.
QUICK = {i: dict(ENVS[i].metadata["quick_kwargs"]) for i in ENV_IDS}
CASES = [(i, QUICK[i]) for i in ENV_IDS] + VARIANTS
NAMES = ["-".join([i, *kw]) for i, kw in CASES]
VECTOR_CASES = [c for c in CASES if gym.spec(c[0]).vector_entry_point is not None]
VECTOR_NAMES = [n for n, c in zip(NAMES, CASES, strict=True) if c in VECTOR_CASES]


def _seed_free(env_id: str, kwargs: dict) -> bool:
    """Envs that draw nothing from the seed, or whose quick settings make every seed alike
    (tests/selfcurriculum checks that seeds matter there)."""
    quick = kwargs == QUICK[env_id] and ENVS[env_id].metadata["quick_seed_free"]
    return quick or gym.make(env_id, **kwargs).metadata.get("deterministic", False)


def _make(env_id: str) -> gym.Env:
    return gym.make(env_id, **QUICK[env_id])


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


@pytest.mark.parametrize(("env_id", "kwargs"), CASES, ids=NAMES)
def test_check_env_passes_without_warnings(env_id: str, kwargs: dict) -> None:
    env = gym.make(env_id, **kwargs)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped, skip_render_check=True)
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize(("env_id", "kwargs"), CASES, ids=NAMES)
def test_same_seed_same_trajectory_different_seed_different(env_id: str, kwargs: dict) -> None:
    a = _rollout(gym.make(env_id, max_episode_steps=10, **kwargs), seed=3)
    b = _rollout(gym.make(env_id, max_episode_steps=10, **kwargs), seed=3)
    c = _rollout(gym.make(env_id, max_episode_steps=10, **kwargs), seed=4)
    assert _same(a, b)
    if not _seed_free(env_id, kwargs):
        assert not _same(a, c)


@pytest.mark.parametrize(("env_id", "kwargs"), CASES, ids=NAMES)
def test_one_learner_fast_paths_change_no_trajectory(env_id: str, kwargs: dict) -> None:
    fast = _rollout(gym.make(env_id, max_episode_steps=10, **kwargs), seed=5)
    with batched_only():
        batched = _rollout(gym.make(env_id, max_episode_steps=10, **kwargs), seed=5)
    assert _same(fast, batched)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_any_non_negative_int_seeds_a_reset(env_id: str) -> None:
    big = 2**70
    a, b = _rollout(_make(env_id), seed=big, steps=5), _rollout(_make(env_id), big, 5)
    assert _same(a, b)
    if not _seed_free(env_id, QUICK[env_id]):
        assert not _same(a, _rollout(_make(env_id), seed=big + 1, steps=5))
    with pytest.raises(gym.error.Error, match="greater or equal to zero"):
        _make(env_id).reset(seed=-1)
    if gym.spec(env_id).vector_entry_point is not None:  # row i is the single env at big + i
        vec = gym.make_vec(env_id, num_envs=3, vectorization_mode="vector_entry_point",
                           **QUICK[env_id])
        rows = vec.reset(seed=2**64 - 2)[0]  # crosses 2**64 within the batch
        singles = [_make(env_id).reset(seed=2**64 - 2 + i)[0] for i in range(3)]
        assert _close(rows, np.stack(singles), _make(env_id).metadata.get("vector_atol", 0))


@pytest.mark.parametrize(("env_id", "kwargs"), CASES, ids=NAMES)
def test_pickle_and_deepcopy_preserve_the_future(env_id: str, kwargs: dict) -> None:
    env = gym.make(env_id, **kwargs)
    env.reset(seed=1)
    rng = np.random.default_rng(0)
    for _ in range(3):
        env.step(_action(env, rng))
    twins = [pickle.loads(pickle.dumps(env)), copy.deepcopy(env)]
    actions = [_action(env, rng) for _ in range(4)]
    expected = [env.step(a) for a in actions]
    for twin in twins:
        for action, want in zip(actions, expected, strict=True):
            got = twin.step(action)
            assert np.array_equal(got[0], want[0]) and got[1] == want[1]


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_invalid_action_is_a_clear_error(env_id: str) -> None:
    env = _make(env_id)
    env.reset(seed=0)
    space = env.action_space
    bad = space.n + 5 if isinstance(space, gym.spaces.Discrete) else np.full(space.shape, 10.0)
    with pytest.raises(ValueError, match=r"\S"):
        env.step(bad)


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_step_before_reset_raises(env_id: str) -> None:
    with pytest.raises(gym.error.ResetNeeded):
        _make(env_id).unwrapped.step(_make(env_id).action_space.sample())


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_an_unknown_argument_is_named_with_the_valid_ones(env_id: str) -> None:
    with pytest.raises(TypeError, match=r"unknown argument 'no_such_knob'; valid arguments: \w"):
        gym.make(env_id, no_such_knob=1)
    if gym.spec(env_id).vector_entry_point is not None:
        with pytest.raises(TypeError, match="no_such_knob"):
            gym.make_vec(env_id, num_envs=2, vectorization_mode="vector_entry_point",
                         no_such_knob=1)


def _assert_info_close(row: Any, single: Any, atol: float, key: str) -> None:
    """One row of a vector env's info equals the single env's value (nested dicts too;
    sums over a row may round differently in a batch, hence ``atol`` of at least 1e-12)."""
    if isinstance(single, dict):
        assert isinstance(row, dict) and row.keys() == single.keys(), key
        for name, value in single.items():
            _assert_info_close(row[name], value, atol, f"{key}.{name}")
        return
    assert _close(np.asarray(row), np.asarray(single), atol), key


def _close(x, y, atol: float) -> bool:
    if atol == 0:
        return np.array_equal(x, y)
    return np.allclose(x, y, rtol=0, atol=atol)


@pytest.mark.parametrize(("env_id", "kwargs"), VECTOR_CASES, ids=VECTOR_NAMES)
def test_native_vector_env_equals_copies_of_the_single_env(env_id: str, kwargs: dict) -> None:
    n, horizon = 4, 6
    vec = gym.make_vec(env_id, num_envs=n, vectorization_mode="vector_entry_point",
                       max_episode_steps=horizon, **kwargs)
    singles = [gym.make(env_id, max_episode_steps=horizon, **kwargs) for _ in range(n)]
    atol = singles[0].metadata.get("vector_atol", 0.0)  # torch learners: float rounding
    obs, info = vec.reset(seed=10)
    firsts = [s.reset(seed=10 + i) for i, s in enumerate(singles)]
    assert _close(obs, np.stack([o for o, _ in firsts]), atol)
    rng = np.random.default_rng(0)
    pending = np.zeros(n, dtype=bool)
    for _ in range(2 * horizon + 3):  # crosses two autoresets
        actions = np.stack([_action(s, rng) for s in singles])
        obs, reward, terminated, truncated, info = vec.step(actions)
        for i, single in enumerate(singles):
            if pending[i]:
                (o, inf), r, te, tr = single.reset(), 0.0, False, False
            else:
                o, r, te, tr, inf = single.step(actions[i])
            assert _close(obs[i], o, atol), f"env {i} observation differs"
            assert np.isclose(reward[i], r, rtol=0, atol=max(atol, 1e-12))
            assert (terminated[i], truncated[i]) == (te, tr)
            for key, value in inf.items():  # the single env's info, one value per row
                _assert_info_close(take_row(info[key], i), value, max(atol, 1e-12), key)
            pending[i] = te or tr


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_a_nan_setting_is_refused_by_name(env_id: str) -> None:
    """Issue 12.17: ``heterogeneity=nan`` made every reward NaN; TaskSpace's ``noise`` and
    TaskSpaceTorch's ``frequency`` took NaN too. Every float setting of every env refuses it."""
    config = _make(env_id).unwrapped.config
    floats = [f.name for f in dataclasses.fields(config) if "float" in str(f.type)]
    if not floats:
        pytest.skip(f"{env_id} has no float setting")
    for name in floats:
        value = getattr(config, name)
        nan = [float("nan"), *value[1:]] if isinstance(value, tuple) else float("nan")
        with pytest.raises(ValueError, match=name):
            gym.make(env_id, **{**QUICK[env_id], name: nan})
