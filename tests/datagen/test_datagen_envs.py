"""The three DataGen environments: Gymnasium contract, seeding, vector form, actions, info."""

from __future__ import annotations

import copy
import pickle

import gymnasium as gym
import numpy as np
import pytest
import torch
from gymnasium.utils.env_checker import check_env

import edusim  # noqa: F401  (registers the ids)
from edusim.envs.core import InvalidActionError
from edusim.llm.testing import StubChatServer
from edusim.tasks import solve
from tests.datagen.conftest import IDS, TINY

INFO_KEYS = {"accuracy", "skill_accuracy", "examples", "rejected", "rejected_by", "known"}


def _sample(env, seed: int = 0) -> np.ndarray:
    """A random action from a seeded draw (the space's own generator is unseeded)."""
    env.action_space.seed(seed)
    return env.action_space.sample()


def _make(env_id, **kwargs):
    return gym.make(env_id, **{**TINY, **kwargs})


def _run(env, seed, rounds=2):
    obs, info = env.reset(seed=seed)
    out = [obs]
    rng = np.random.default_rng(0)
    for _ in range(rounds):
        action = env.action_space.sample() * 0 + rng.random(env.action_space.shape)
        action = np.clip(action, env.action_space.low, env.action_space.high).astype(np.float32)
        obs, reward, *_, info = env.step(action)
        out += [obs, reward, info["accuracy"], info["examples"]]
    return out, env.unwrapped.datagen.predicted.copy()


@pytest.mark.parametrize("env_id", IDS)
def test_contract_info_and_text(env_id):
    env = _make(env_id, render_mode="ansi")
    check_env(env.unwrapped, skip_render_check=False)
    obs, info = env.reset(seed=0)
    assert INFO_KEYS <= set(info) and set(info["skill_accuracy"]) == set(
        env.unwrapped.datagen.domain.skills)
    assert isinstance(env.render(), str) and env.render() == env.unwrapped.describe(obs)
    obs, reward, terminated, truncated, info = env.step(_sample(env))
    assert INFO_KEYS <= set(info) and not terminated
    assert info["examples"] + info["rejected"] >= 1
    assert reward == pytest.approx(info["accuracy"] - 0.0, abs=1.0)


@pytest.mark.parametrize("env_id", IDS)
def test_same_seed_same_run_other_seed_other_student(env_id):
    a, pa = _run(_make(env_id), seed=3)
    b, pb = _run(_make(env_id), seed=3)
    _, pc = _run(_make(env_id), seed=4)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert np.array_equal(pa, pb) and not np.array_equal(pa, pc)


@pytest.mark.parametrize("env_id", IDS)
def test_episode_is_the_registered_number_of_rounds_and_envs_pickle(env_id):
    env = _make(env_id, max_episode_steps=2)
    env.reset(seed=0)
    assert not env.step(_sample(env))[3]
    assert env.step(_sample(env))[3]  # truncated after 2 rounds
    assert gym.spec(env_id).max_episode_steps >= 5
    clone = pickle.loads(pickle.dumps(env.unwrapped))
    deep = copy.deepcopy(env.unwrapped)
    assert np.array_equal(clone.datagen.predicted, deep.datagen.predicted)


@pytest.mark.parametrize("env_id", IDS)
def test_vector_env_is_a_batch_of_single_envs(env_id):
    vec = gym.make_vec(env_id, num_envs=3, vectorization_mode="vector_entry_point", **TINY)
    singles = [_make(env_id) for _ in range(3)]
    obs, _ = vec.reset(seed=10)
    single_obs = [env.reset(seed=10 + i)[0] for i, env in enumerate(singles)]
    np.testing.assert_array_equal(obs, np.stack(single_obs))
    actions = np.stack([_sample(env, i) for i, env in enumerate(singles)])
    obs, reward, *_, info = vec.step(actions)
    for i, env in enumerate(singles):
        s_obs, s_reward, *_, s_info = env.step(actions[i])
        assert s_info["examples"] == info["examples"][i]
        assert s_reward == pytest.approx(reward[i], abs=0.02)
        assert s_info["accuracy"] == pytest.approx(info["accuracy"][i], abs=0.02)


@pytest.mark.parametrize(("env_id", "bad"), [
    ("edusim/DataGenSkillList-v0", np.full(6, 2.0)),
    ("edusim/DataGenSkillList-v0", np.ones(5)),
    ("edusim/DataGenSkillList-v0", np.full(6, np.nan)),
    ("edusim/DataGenOpen-v0", np.r_[np.ones(12), 0, 3, 0.5]),
    ("edusim/DataGenOpen-v0", np.ones(14)),
    ("edusim/DataGenOpen-v0", np.r_[-np.ones(12), 0, 0, 0.5]),
    ("edusim/DataGenSkillTree-v0", np.r_[0.0, np.full(18, 1.5)]),
    ("edusim/DataGenSkillTree-v0", np.ones(3)),
])
def test_invalid_actions_raise_a_clear_error(env_id, bad):
    env = _make(env_id)
    env.reset(seed=0)
    with pytest.raises(InvalidActionError):
        env.step(np.asarray(bad, np.float32))


def test_skill_list_allocation_is_what_the_student_gets():
    env = _make("edusim/DataGenSkillList-v0")
    env.reset(seed=0)
    env.step(np.array([1, 0, 0, 0, 0, 1], np.float32))
    core = env.unwrapped.datagen
    per_skill = np.bincount(core.domain.skill_of[np.flatnonzero(core.counts[0])],
                            weights=core.counts[0][core.counts[0] > 0], minlength=6)
    assert per_skill.tolist() == [12, 0, 0, 0, 0, 12]


def test_open_env_follows_the_plan_and_counts_what_cannot_exist():
    env = _make("edusim/DataGenOpen-v0")
    env.reset(seed=0)
    core = env.unwrapped.datagen
    mix = np.zeros(12)
    mix[core.domain.subskill_index("add/carry")] = 1.0
    mix[core.domain.subskill_index("sub/borrow")] = 1.0
    info = env.step(core.plan_action(mix, (1, 1), 20))[4]  # no borrowing with one digit
    assert info["examples"] == 10 and info["rejected_by"]["infeasible"] == 10
    assert core.counts[0, core.domain.subskill_index("add/carry")] == 10
    errors = core.errors(env.unwrapped._get_obs())
    assert errors and all(student != correct for _, student, correct in errors)


def test_tree_explore_opens_sub_skills_and_exploit_ignores_hidden_ones():
    env = _make("edusim/DataGenSkillTree-v0", render_mode="ansi")
    obs, _ = env.reset(seed=0)
    core = env.unwrapped.datagen
    assert obs[-12:].sum() == 0 and core.explorable(obs)[:6].all()
    explore_add = core.action_for(np.eye(18)[0], explore=True)
    obs, *_, info = env.step(explore_add)
    assert obs[-12:].tolist()[:2] == [1.0, 0.0] and info["examples"] == 24
    assert core.counts[0, 0] == 24  # all to add/no-carry, the sub-skill just opened
    env.step(core.action_for(np.eye(18)[6 + 3]))  # sub/borrow: hidden, so the skills share
    assert core.counts[0].sum() == 48 and core.counts[0, 3] == 0
    assert "- add/no-carry:" in env.render() and "1 sub-skill(s) not yet explored" in env.render()


def test_inferred_skills_report_their_agreement():
    env = _make("edusim/DataGenSkillList-v0", skill_labels="inferred")
    env.reset(seed=0)
    core = env.unwrapped.datagen
    assert core.arms == [f"skill-{c}" for c in range(6)]
    assert 0.3 < core.skill_agreement["ari"] <= 1.0
    info = env.step(np.eye(6, dtype=np.float32)[0])[4]
    assert info["examples"] == 24
    assert set(core.clusters.predict(core.history[0][0].prompts)) == {0}


def test_llm_engine_examples_pass_the_quality_check(monkeypatch):
    def reply(messages):
        return ('{"examples": [{"question": "2+2=", "answer": "4"}, '
                '{"question": "2+2=", "answer": "5"}, {"question": "two", "answer": "2"}]}')

    with StubChatServer(reply=reply) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        monkeypatch.setenv("EDUSIM_LLM_MODEL", "stub-model")
        env = _make("edusim/DataGenSkillList-v0", engine="llm", budget=3)
        env.reset(seed=0)
        info = env.step(np.eye(6, dtype=np.float32)[0])[4]
    assert info["examples"] == 1 and info["rejected"] == 2
    assert info["rejected_by"]["wrong_answer"] == 1 and info["rejected_by"]["unparsable"] == 1


def test_known_flags_and_accuracy_come_from_the_students_answers(monkeypatch):
    env = _make("edusim/DataGenSkillList-v0")
    env.reset(seed=0)
    core = env.unwrapped.datagen
    fmt = core.domain.format

    def oracle(prompts):  # a student that answers everything right
        rows = [[fmt.encode_answer(solve(fmt.decode_prompt(p))) if p.any()
                 else np.zeros(fmt.answer_len, np.int64) for p in row]
                for row in prompts.reshape(-1, *prompts.shape[-2:]).numpy()]
        return torch.from_numpy(np.array(rows))

    monkeypatch.setattr(core.students, "predict", oracle)
    obs, reward, *_, info = env.step(np.ones(6, np.float32))
    assert info["known"] == info["examples"] == 24
    assert info["accuracy"] == 1.0 and reward == 1.0 and obs[:6].tolist() == [1.0] * 6
