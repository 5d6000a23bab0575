"""Every registered environment trains with Stable-Baselines3 PPO, and the native vector
envs as SB3 ``VecEnv``s (``edusim.envs.as_sb3_vec_env``) behave as ``DummyVecEnv``s of them."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from edusim.envs import ENV_IDS, ENVS

sb3 = pytest.importorskip("stable_baselines3")

#: Each env's settings for these tests: small students where a step trains them.
QUICK = {i: dict(ENVS[i].metadata["quick_kwargs"]) for i in ENV_IDS}


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_ppo_trains_a_few_rollouts(env_id: str) -> None:
    # a step of an env that trains students takes ~0.1 s even with its quick settings:
    # two rollouts of 64 there, four of 512 elsewhere
    n_steps = 64 if QUICK[env_id] else 512
    env = gym.make(env_id, max_episode_steps=50, **QUICK[env_id])
    model = sb3.PPO("MlpPolicy", env, n_steps=n_steps, batch_size=n_steps // 4, n_epochs=2,
                    seed=0, device="cpu", verbose=0)
    model.learn(total_timesteps=(2 if QUICK[env_id] else 4) * n_steps)
    obs, _ = env.reset(seed=0)
    action, _ = model.predict(obs, deterministic=True)
    assert env.action_space.contains(np.asarray(action).astype(env.action_space.dtype))


VECTOR_IDS = [i for i in ENV_IDS if gym.spec(i).vector_entry_point is not None]


def _pair(env_id: str, n: int, horizon: int):
    from stable_baselines3.common.vec_env import DummyVecEnv

    from edusim.envs import as_sb3_vec_env

    adapted = as_sb3_vec_env(gym.make_vec(env_id, num_envs=n, max_episode_steps=horizon,
                                          vectorization_mode="vector_entry_point",
                                          **QUICK[env_id]))
    dummy = DummyVecEnv([lambda: gym.make(env_id, max_episode_steps=horizon,
                                          **QUICK[env_id])] * n)
    return adapted, dummy


@pytest.mark.parametrize("env_id", VECTOR_IDS)
def test_the_adapter_steps_like_dummy_vec_env_of_single_envs(env_id: str) -> None:
    n, horizon = 3, 4
    adapted, dummy = _pair(env_id, n, horizon)
    atol = gym.make(env_id, **QUICK[env_id]).metadata.get("vector_atol", 0.0)
    adapted.seed(7)
    dummy.seed(7)
    obs = adapted.reset()
    assert obs.shape == (n, *adapted.observation_space.shape)
    np.testing.assert_allclose(obs, dummy.reset(), rtol=0, atol=atol)
    rng = np.random.default_rng(0)
    ends = 0
    for _ in range(2 * horizon + 1):  # two autoresets
        actions = np.stack([_draw(dummy, rng) for _ in range(n)])
        got, want = adapted.step(actions), dummy.step(actions)
        np.testing.assert_allclose(got[0], want[0], rtol=0, atol=atol)
        np.testing.assert_allclose(got[1], want[1], rtol=0, atol=max(atol, 1e-6))
        assert got[2].tolist() == want[2].tolist() and len(got[3]) == n
        for mine, theirs in zip(got[3], want[3], strict=True):
            assert ("terminal_observation" in mine) == ("terminal_observation" in theirs)
            if "terminal_observation" in mine:
                ends += 1
                np.testing.assert_allclose(mine["terminal_observation"],
                                           theirs["terminal_observation"], rtol=0, atol=atol)
                assert mine["TimeLimit.truncated"] == theirs["TimeLimit.truncated"]
    assert ends == 2 * n


def _draw(venv, rng: np.random.Generator):
    space = venv.action_space
    if isinstance(space, gym.spaces.Discrete):
        return np.int64(rng.integers(space.n))
    return rng.uniform(space.low, space.high).astype(space.dtype)


def test_the_adapter_reaches_the_batched_env() -> None:
    adapted, _ = _pair("edusim/Tutor-v0", 4, 10)
    assert adapted.get_attr("num_envs") == [4] * 4
    assert adapted.get_attr("num_envs", indices=[0, 2]) == [4, 4]
    curricula = adapted.env_method("__getattribute__", "curriculum", indices=1)
    assert len(curricula) == 1 and curricula[0].n_skills > 0
    adapted.set_attr("label", "x")
    assert adapted.get_attr("label") == ["x"] * 4
    assert adapted.env_is_wrapped(gym.Wrapper) == [False] * 4
    assert adapted.seed(3) == [3, 4, 5, 6]
    first = adapted.reset()
    adapted.seed(3)
    assert np.array_equal(adapted.reset(), first)


def test_ppo_learns_the_same_on_the_adapter_as_on_dummy_vec_env() -> None:
    import torch

    params = []
    for venv in _pair("edusim/Tutor-v0", 4, 20):
        model = sb3.PPO("MlpPolicy", venv, n_steps=32, batch_size=64, n_epochs=1, seed=0,
                        device="cpu")
        model.learn(total_timesteps=256)
        params.append(torch.cat([p.detach().flatten() for p in model.policy.parameters()]))
    assert torch.equal(params[0], params[1])


def test_train_teacher_trains_ppo_on_1024_learners_in_one_batched_env(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from edusim.cli import app
    from edusim.envs.sb3 import SB3VecEnv

    seen = []
    init = SB3VecEnv.__init__
    monkeypatch.setattr(SB3VecEnv, "__init__",
                        lambda self, venv: (seen.append(venv.num_envs), init(self, venv))[1])
    out = tmp_path / "ppo.zip"
    result = CliRunner().invoke(app, ["train-teacher", "--env", "edusim/Tutor-v0", "--steps",
                                      "2048", "--num-envs", "1024", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and seen == [1024]


def test_the_adapter_hands_sb3_numpy_from_a_torch_env() -> None:
    pytest.importorskip("torch")
    from edusim.envs import as_sb3_vec_env

    envs = [as_sb3_vec_env(gym.make_vec("edusim/Tutor-v0", num_envs=3, max_episode_steps=2,
                                        vectorization_mode="vector_entry_point", **extra))
            for extra in ({}, {"device": "cpu"})]
    for venv in envs:
        venv.seed(1)
    first = [venv.reset() for venv in envs]
    assert isinstance(first[1], np.ndarray) and np.array_equal(*first)
    for _ in range(3):  # one autoreset
        steps = [venv.step(np.array([0, 1, 2])) for venv in envs]
        assert np.array_equal(steps[0][0], steps[1][0]) and steps[1][0].dtype == np.float32
        assert steps[0][2].tolist() == steps[1][2].tolist()
