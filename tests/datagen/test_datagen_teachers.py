"""The DataGen teachers in the three DataGen envs."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import edusim  # noqa: F401
from edusim import agents
from edusim.agents.llm_datagen import DataPlanRequest
from edusim.llm.testing import StubChatServer
from tests.datagen.conftest import IDS, TINY
from tests.helpers import play

TEACHERS = ["uniform-alloc", "weakest-first", "lp-alloc", "state-free", "llm"]


def _rollout(env, teacher, seed, rounds=2):
    obs, _ = env.reset(seed=seed)
    teacher.reset(seed=seed)
    return np.stack(play(env, teacher, obs, rounds))


@pytest.mark.parametrize("env_id", IDS)
@pytest.mark.parametrize("name", TEACHERS)
def test_every_teacher_acts_in_every_env_reproducibly(env_id, name):
    env = gym.make(env_id, **TINY)
    a = _rollout(env, agents.make(name, env, seed=1), seed=0)
    b = _rollout(env, agents.make(name, env, seed=1), seed=0)
    np.testing.assert_array_equal(a, b)
    assert name in agents.compatible(env)


def test_datagen_teachers_refuse_other_envs():
    tutor = gym.make("edusim/Tutor-v0")
    for name in TEACHERS[:-1]:
        with pytest.raises(ValueError, match="DataGen"):
            agents.make(name, tutor, seed=0)


@pytest.mark.parametrize(("name", "bad", "reason"), [
    ("weakest-first", {"top": 0}, "top must be >= 1, got 0"),
    ("state-free", {"concentration": 0.0}, "concentration must be > 0, got 0.0"),
])
def test_datagen_teacher_configs_reject_bad_values(name, bad, reason):
    env = gym.make("edusim/DataGenSkillList-v0", **TINY)
    with pytest.raises(ValueError, match=reason):
        agents.make(name, env, seed=0, **bad)


def test_weakest_first_feeds_the_weakest_and_explores_it_on_the_tree():
    env = gym.make("edusim/DataGenSkillTree-v0", **TINY)
    obs, _ = env.reset(seed=0)
    obs = obs.copy()
    obs[:6] = [0.9, 0.8, 0.1, 0.7, 0.6, 0.5]
    action = agents.make("weakest-first", env, seed=0).act(obs)
    assert action[0] == 1.0 and int(np.argmax(action[1:])) == 2  # explore mul


def test_state_free_never_looks_at_feedback_and_differs_by_seed():
    env = gym.make("edusim/DataGenSkillList-v0", **TINY)
    teacher = agents.make("state-free", env, seed=0)
    rng = np.random.default_rng(0)
    first = teacher.act(rng.random(13))
    for _ in range(3):
        teacher.observe(first, rng.random(), rng.random(13))
        np.testing.assert_array_equal(teacher.act(rng.random(13)), first)
    assert not np.array_equal(agents.make("state-free", env, seed=1).act(None), first)


def test_lp_alloc_moves_budget_to_arms_that_progress():
    env = gym.make("edusim/DataGenSkillList-v0", **TINY)
    teacher = agents.make("lp-alloc", env, seed=0, epsilon=0.0)
    obs = np.zeros(13, np.float32)
    for _ in range(3):
        action = teacher.act(obs)
        nxt = obs.copy()
        nxt[4] += 0.2  # only "equation" improves
        teacher.observe(action, 0.03, nxt)
        obs = nxt
    assert int(np.argmax(teacher.act(obs))) == 4


def test_llm_offline_planner_reads_the_rendered_text():
    text = ("Held-out accuracy 0.40. Per skill (accuracy | share of the data so far):\n"
            "- add: 0.90 | 0.50\n- mul: 0.10 | 0.50\n- word: 1.00 | 0.00")
    plan = DataPlanRequest(text, ["add", "mul", "word"], False).offline(np.random.default_rng(0))
    assert plan.weights == pytest.approx({"add": 0.1, "mul": 0.9, "word": 0.05})
    errors = "A sample of 2 ...:\n- 12+35= | 46 | 47\n- 18+5= | 13 | 23"
    plan = DataPlanRequest(errors, ["add/no-carry", "add/carry"], False).offline(None)
    assert plan.weights == {"add/no-carry": 1.5, "add/carry": 1.5}
    tree = "Skill tree (...):\n- add: 0.30 | 0.00\n  (2 sub-skill(s) not yet explored)\n" \
           "- mul: 0.95 | 0.00\n  (2 sub-skill(s) not yet explored)"
    plan = DataPlanRequest(tree, ["add", "mul"], True).offline(None)
    assert plan.explore and plan.weights == pytest.approx({"add": 0.7})


def test_llm_teacher_asks_a_chat_model_for_the_plan():
    env = gym.make("edusim/DataGenSkillList-v0", **TINY)
    obs, _ = env.reset(seed=0)
    with StubChatServer(reply='{"weights": {"mul": 1.0, "add": 0.5}, "reason": "x"}') as server:
        teacher = agents.make("llm", env, seed=0, backend=server.backend())
        action = teacher.act(obs)
        prompt = server.requests[0].body["messages"][-1]["content"]
    assert action.tolist() == [0.5, 0.0, 1.0, 0.0, 0.0, 0.0]
    assert "- compare: 0.00 | 0.00" in prompt and "Names you can allocate over" in prompt


def test_ppo_trains_on_the_skill_list_env_and_plays(tmp_path):
    pytest.importorskip("stable_baselines3")
    from edusim.agents.ppo import train_ppo

    path = train_ppo("edusim/DataGenSkillList-v0", steps=8, out=tmp_path / "ppo.zip", seed=0,
                     env_kwargs=TINY, max_episode_steps=4, n_envs=2)
    env = gym.make("edusim/DataGenSkillList-v0", **TINY)
    actions = _rollout(env, agents.make("ppo", env, seed=0, path=str(path)), seed=0)
    again = _rollout(env, agents.make("ppo", env, seed=0, path=str(path)), seed=0)
    np.testing.assert_array_equal(actions, again)
