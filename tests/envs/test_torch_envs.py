"""Torch learners and envs (``device=...``) against the numpy path, on the CPU.

The streams are bit-identical (:mod:`edusim.torch_streams`), so the same keys give the same
trajectories: observations exactly, rewards to float rounding of summation order. CUDA runs
the same code (``benchmarks/gpu_check.py`` on a machine with a GPU).
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

torch = pytest.importorskip("torch")

import edusim  # noqa: E402, F401
from edusim.learners.kss import kss_curriculum  # noqa: E402
from edusim.streams import LearnerStreams  # noqa: E402
from edusim.torch_streams import TorchLearnerStreams  # noqa: E402
from tests.envs.curricula import MULTI  # noqa: E402


def test_torch_streams_draw_the_numpy_numbers() -> None:
    keys = np.array([0, 1, 2**63, 2**64 - 1, 12345], dtype=np.uint64)
    a, b = LearnerStreams(keys), TorchLearnerStreams(keys)
    for size in [(5,), (5, 7), (5, 2, 3)]:
        assert np.array_equal(a.random(size), b.random(size).numpy())
    np.testing.assert_allclose(a.standard_normal((5, 4)), b.standard_normal((5, 4)).numpy(),
                               rtol=0, atol=1e-12)
    mask = np.array([True, False, True, False, True])
    assert np.array_equal(a.next_keys(mask).view(np.int64),
                          b.next_keys(torch.as_tensor(mask)).numpy())


VARIANTS = {
    "bkt": {},
    "logistic": {"learner": "logistic"},
    "logistic-multi-skill": {"learner": "logistic", "curriculum": MULTI, "window": 2},
    "bkt-multi-skill-forgetting": {"curriculum": MULTI, "heterogeneity": 0.7, "learner_params": {
        "p_forget": 0.1, "forget_on": "practice", "p_learn": 0.4}},
    "bkt-step-forgetting-mastery": {"curriculum": MULTI, "learner_params": {"p_forget": 0.1},
                                    "observe_mastery": True},
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_torch_vector_tutor_env_follows_the_numpy_one(variant: str) -> None:
    kwargs, n, horizon = VARIANTS[variant], 16, 7
    # BKT answers and observations are exact; logistic ones see exp's last bit
    atol = 1e-6 if kwargs.get("learner") == "logistic" else 0.0
    make = lambda **extra: gym.make_vec(  # noqa: E731
        "edusim/Tutor-v0", num_envs=n, vectorization_mode="vector_entry_point",
        max_episode_steps=horizon, **kwargs, **extra)
    numpy_env, torch_env = make(), make(device="cpu")
    obs, info = numpy_env.reset(seed=5)
    tobs, tinfo = torch_env.reset(seed=5)
    assert isinstance(tobs, torch.Tensor)
    np.testing.assert_allclose(obs, tobs.numpy(), rtol=0, atol=atol)
    rng = np.random.default_rng(0)
    for _ in range(3 * horizon + 2):  # autoresets included
        actions = rng.integers(0, numpy_env.single_action_space.n, size=n)
        want, got = numpy_env.step(actions), torch_env.step(torch.as_tensor(actions))
        np.testing.assert_allclose(want[0], got[0].numpy(), rtol=0, atol=atol)
        np.testing.assert_allclose(want[1], got[1].numpy(), rtol=0, atol=1e-12)
        assert np.array_equal(want[3], got[3].numpy())
        for key in ("post_test", "mastery", "correct"):
            np.testing.assert_allclose(want[4][key], got[4][key].numpy(), rtol=0,
                                       atol=max(atol, 1e-12))


def test_torch_env_rejects_bad_actions_and_models_without_a_torch_form() -> None:
    env = gym.make_vec("edusim/Tutor-v0", num_envs=2, vectorization_mode="vector_entry_point",
                       device="cpu")
    env.reset(seed=0)
    with pytest.raises(ValueError, match="not an item index"):
        env.step(torch.tensor([0, 10_000]))
    with pytest.raises(ValueError, match="integer item indices"):
        env.step(torch.tensor([0.5, 1.0]))
    with pytest.raises(ValueError, match="no torch form"):
        gym.make_vec("edusim/Tutor-v0", num_envs=2, vectorization_mode="vector_entry_point",
                     device="cpu", learner="kss", curriculum=kss_curriculum())


@pytest.mark.parametrize("kwargs", [{}, {"learner_mode": "mutate", "pool_size": 3},
                                    {"observe_mastery": True, "pool_seed": None}])
def test_torch_vector_kss_env_follows_the_numpy_one(kwargs: dict) -> None:
    n = 8
    make = lambda **extra: gym.make_vec(  # noqa: E731
        "edusim/KSS-v0", num_envs=n, vectorization_mode="vector_entry_point", **kwargs, **extra)
    numpy_env, torch_env = make(), make(device="cpu")
    obs, info = numpy_env.reset(seed=3)
    tobs, tinfo = torch_env.reset(seed=3)
    assert np.array_equal(obs, tobs.numpy())
    rng = np.random.default_rng(0)
    for _ in range(45):  # two autoresets (20 steps an episode)
        actions = rng.integers(0, 10, size=n)
        want, got = numpy_env.step(actions), torch_env.step(torch.as_tensor(actions))
        assert np.array_equal(want[0], got[0].numpy())
        np.testing.assert_allclose(want[1], got[1].numpy(), rtol=0, atol=1e-12)
        assert np.array_equal(want[3], got[3].numpy())
        for key, value in want[4].items():
            np.testing.assert_allclose(value, got[4][key].numpy(), rtol=0, atol=1e-12)
