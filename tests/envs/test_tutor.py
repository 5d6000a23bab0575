"""``edusim/Tutor-v0`` beyond the contract: settings checks and the observation decoder."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import edusim  # noqa: F401  (registers the ids)
from edusim.envs.tutor_obs import TutorObs, TutorView


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -0.5])
def test_heterogeneity_must_be_a_finite_non_negative_number(bad: float) -> None:
    with pytest.raises(ValueError, match="heterogeneity must be a finite number"):
        gym.make("edusim/Tutor-v0", heterogeneity=bad)
    with pytest.raises(ValueError, match="heterogeneity"):
        gym.make_vec("edusim/Tutor-v0", num_envs=2, vectorization_mode="vector_entry_point",
                     heterogeneity=bad)


def test_the_decoder_reads_back_what_the_env_wrote() -> None:
    env = gym.make("edusim/Tutor-v0", observe_mastery=True)
    obs, _ = env.reset(seed=0)
    view = TutorView.of(env)
    items = np.random.default_rng(0).integers(0, env.action_space.n, size=30)
    answers = {}
    for item in items:
        obs, _, _, _, info = env.step(item)
        for skill in np.flatnonzero(view.curriculum.q_matrix[item]):
            answers.setdefault(skill, []).append(info["correct"])
    counts = np.zeros(view.n_skills)
    rates = np.zeros(view.n_skills)
    for skill, seen in answers.items():
        counts[skill] = len(seen)
        rates[skill] = np.mean(seen[-env.unwrapped.config.window:])
    assert np.array_equal(view.attempts(obs), counts)
    np.testing.assert_allclose(view.success_rates(obs), rates, atol=1e-6)
    assert obs[view.time] == pytest.approx(30 / 200)
    assert np.array_equal(obs[view.mastery_slice], info["mastery_per_skill"].astype(np.float32))
    assert view.size == obs.shape[0]


def test_the_decoder_reads_a_batch_and_rejects_other_envs() -> None:
    layout = TutorObs(n_skills=2, attempts_cap=10)
    batch = np.array([[0.5, 1.0, 0.3, 0.1, 0.0], [0.0, 0.25, 1.0, 0.0, 0.5]])
    assert layout.attempts(batch).tolist() == [[3.0, 1.0], [10.0, 0.0]]
    with pytest.raises(TypeError, match="tutoring environment"):
        TutorView.of(gym.make("edusim/KSS-v0"))
