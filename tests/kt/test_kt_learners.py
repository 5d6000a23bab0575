"""Fitted BKT, DKT and SAKT as learner models inside edusim/Tutor-v0."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import edusim  # noqa: F401  (registers the environments)
from edusim.curriculum import load_builtin
from edusim.kt import BKTFitConfig, FitSpec, TrainConfig, fit, save_model
from edusim.kt.fitted_learner import (
    NeuralKTLearner,
    fitted_curriculum,
    learner_from_model,
)
from edusim.learners import BKTLearner, make

from .conftest import TRUE_PARAMS

TINY = {"dkt": {"hidden": 12, "embedding": 12}, "sakt": {"dim": 12, "heads": 2}}


@pytest.fixture(scope="module", params=sorted(TINY))
def neural(request, small_frame):
    spec = FitSpec(request.param, model=TINY[request.param],
                   train=TrainConfig(epochs=1, window=10, batch_size=32, device="cpu"))
    return fit(spec, small_frame)


def test_neural_learner_is_a_valid_batched_learner(neural):
    learner = learner_from_model(neural)
    assert isinstance(learner, NeuralKTLearner)
    rng = np.random.default_rng(0)
    state = learner.init_state(4, rng)
    items = np.array([0, 1, 2, 0])
    p = learner.p_correct(state, items)
    assert p.shape == (4,) and ((p > 0) & (p < 1)).all()
    np.testing.assert_allclose(learner.p_correct_matrix(state, items)[np.arange(4), np.arange(4)],
                               p)
    after = learner.update(state, items, np.array([True, False, True, True]), rng)
    assert not np.allclose(learner.p_correct(after, items), p)
    assert learner.mastery(after).shape == (4, learner.n_skills)


def _check(env):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped, skip_render_check=True)
    assert [str(w.message) for w in caught] == []


def test_neural_backed_tutor_env_passes_check_env(neural):
    curriculum = fitted_curriculum(neural.vocab)
    env = gym.make("edusim/Tutor-v0", curriculum=curriculum, learner=learner_from_model(neural))
    _check(env)
    obs, _ = env.reset(seed=1)
    trajectory = [env.step(a)[1] for a in (0, 1, 2, 1)]
    env.reset(seed=1)
    assert [env.step(a)[1] for a in (0, 1, 2, 1)] == trajectory


def test_registered_fitted_learner_loads_from_a_model_file(neural, tmp_path):
    path = tmp_path / "model.pt"
    save_model(neural, path)
    curriculum = fitted_curriculum(neural.vocab)
    env = gym.make("edusim/Tutor-v0", curriculum=curriculum, learner="fitted",
                   learner_params={"path": str(path)})
    env.reset(seed=0)
    _, reward, terminated, truncated, _ = env.step(0)
    assert np.isfinite(reward) and not terminated and not truncated
    vec = gym.make_vec("edusim/Tutor-v0", num_envs=3, vectorization_mode="vector_entry_point",
                       curriculum=curriculum, learner="fitted", learner_params={"path": str(path)})
    vec.reset(seed=0)
    obs, rewards, *_ = vec.step(np.array([0, 1, 2]))
    assert obs.shape[0] == 3 and rewards.shape == (3,)


def test_fitted_learner_rejects_a_foreign_curriculum(neural):
    with pytest.raises(ValueError, match="unknown to the fitted model"):
        NeuralKTLearner(neural, load_builtin("fractions"))


def test_fitted_bkt_becomes_a_bkt_learner_with_its_parameters(bkt_frame):
    model = fit(FitSpec("bkt", bkt=BKTFitConfig(restarts=2, device="cpu")), bkt_frame)
    learner = make("fitted", fitted_curriculum(model.vocab), path=_saved(model))
    assert isinstance(learner, BKTLearner)
    np.testing.assert_allclose(learner.p_learn, TRUE_PARAMS["p_learn"], atol=0.05)
    env = gym.make("edusim/Tutor-v0", curriculum=learner.curriculum, learner=learner)
    _check(env)


def _saved(model):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "bkt.pt"
    save_model(model, path)
    return str(path)


def test_question_level_model_simulates_over_its_questions(small_frame):
    spec = FitSpec("dkt", level="question", model=TINY["dkt"],
                   train=TrainConfig(epochs=1, window=10, batch_size=32, device="cpu"))
    model = fit(spec, small_frame)
    curriculum = fitted_curriculum(model.vocab)
    assert {i.id for i in curriculum.items} == set(small_frame["item_id"])
    learner = learner_from_model(model, curriculum)
    state = learner.init_state(2, np.random.default_rng(0))
    assert learner.mastery(state).shape == (2, curriculum.n_skills)
    with pytest.raises(ValueError, match="skill-level"):
        learner_from_model(fit(FitSpec("bkt", level="question"), small_frame))
