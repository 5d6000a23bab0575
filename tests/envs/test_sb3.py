"""Every registered environment trains with Stable-Baselines3 PPO (a short smoke run)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from edusim.envs import ENV_IDS

sb3 = pytest.importorskip("stable_baselines3")


@pytest.mark.parametrize("env_id", ENV_IDS)
def test_ppo_trains_a_few_thousand_steps(env_id: str) -> None:
    env = gym.make(env_id, max_episode_steps=50)
    model = sb3.PPO("MlpPolicy", env, n_steps=512, batch_size=128, n_epochs=2, seed=0,
                    device="cpu", verbose=0)
    model.learn(total_timesteps=2048)
    obs, _ = env.reset(seed=0)
    action, _ = model.predict(obs, deterministic=True)
    assert env.action_space.contains(np.asarray(action).astype(env.action_space.dtype))
