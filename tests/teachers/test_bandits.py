"""Skill bandits (EXP3/TSCL, ZPDES) on Tutor-v0."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import edusim  # noqa: F401
from edusim import agents
from edusim.agents.exp3 import slope


def _items(name: str, seed: int, steps: int = 150, episodes: int = 1, **config) -> list[int]:
    env = gym.make("edusim/Tutor-v0")
    teacher = agents.make(name, env, seed=seed, **config)
    out = []
    for episode in range(episodes):
        obs, _ = env.reset(seed=episode)
        for _ in range(steps):
            item = teacher.act(obs)
            assert env.action_space.contains(item)
            obs, reward, terminated, truncated, _ = env.step(item)
            teacher.observe(item, reward, obs)
            out.append(int(item))
            if terminated or truncated:
                break
    return out


@pytest.mark.parametrize(("name", "config"), [("exp3", {}), ("exp3", {"progress": "reward"}),
                                              ("zpdes", {})])
def test_same_seed_and_outcomes_give_the_same_items(name: str, config: dict) -> None:
    a, b = _items(name, 1, episodes=2, **config), _items(name, 1, episodes=2, **config)
    c = _items(name, 2, **config)
    assert a == b
    assert a[: len(c)] != c


def test_zpdes_only_practises_the_zone_of_proximal_development() -> None:
    env = gym.make("edusim/Tutor-v0")
    teacher = agents.make("zpdes", env, seed=0)
    graph = env.unwrapped.curriculum.graph
    items = env.unwrapped.curriculum.items
    obs, _ = env.reset(seed=0)
    for _ in range(100):
        zone = {graph.skills[k] for k in np.flatnonzero(teacher.zpd(obs))}
        item = teacher.act(obs)
        assert set(items[int(item)].skills) <= zone or not zone
        obs, reward, *_ = env.step(item)
        teacher.observe(item, reward, obs)
    assert (teacher.weights >= teacher.config.min_weight).all()


def test_exp3_probabilities_keep_exploring_and_shift_to_progress() -> None:
    env = gym.make("edusim/Tutor-v0")
    teacher = agents.make("exp3", env, seed=0, gamma=0.2)
    k = teacher.n_skills
    for _ in range(30):  # skill 0 keeps progressing, in the teacher's own bookkeeping
        teacher.skill_probabilities(None)
        teacher.learn(0, np.array([0.0, 0.2, 0.4, 0.6, 0.8]), 0.0)
    p = teacher.skill_probabilities(None)
    assert p.sum() == pytest.approx(1.0) and p.min() >= 0.2 / k - 1e-12
    assert p[0] == p.max() and p[0] > 2 / k


def test_a_new_learner_clears_the_per_learner_history() -> None:
    env = gym.make("edusim/Tutor-v0")
    teacher = agents.make("exp3", env, seed=0)
    obs, _ = env.reset(seed=0)
    for _ in range(10):
        item = teacher.act(obs)
        obs, reward, *_ = env.step(item)
        teacher.observe(item, reward, obs)
    assert any(len(r) for r in teacher.rates)
    obs, _ = env.reset(seed=1)
    teacher.act(obs)
    assert not any(len(r) for r in teacher.rates)


@pytest.mark.parametrize("name", ["exp3", "zpdes"])
def test_invalid_actions_and_environments_raise(name: str) -> None:
    env = gym.make("edusim/Tutor-v0")
    teacher = agents.make(name, env, seed=0)
    obs, _ = env.reset(seed=0)
    with pytest.raises(ValueError, match="item index"):
        teacher.observe(10_000, 0.0, obs)
    with pytest.raises(ValueError, match="curriculum"):
        agents.make(name, gym.make("edusim/TaskSpace-v0"), seed=0)


def test_unknown_progress_signal_is_rejected() -> None:
    with pytest.raises(ValueError, match="vibes"):
        agents.make("exp3", gym.make("edusim/Tutor-v0"), progress="vibes")


def test_slope() -> None:
    assert slope(np.array([1.0])) == 0.0
    assert slope(np.array([3.0, 2.0, 1.0])) == pytest.approx(-1.0)
