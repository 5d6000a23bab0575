"""Teachers of SelfCurriculum-v0: RLOO moves toward rewarded proposals; baselines; LLM proposer."""

from __future__ import annotations

import numpy as np
import pytest

from edusim import agents
from edusim.envs.self_curriculum import SelfCurriculumEnv
from edusim.llm import StructuredOutputError

ENV = SelfCurriculumEnv(proposals=4)  # built, never reset: the teachers only read its spaces


def _obs_with(rewards, proposals) -> np.ndarray:
    obs = np.zeros(ENV.observation_space.shape, np.float32)
    obs[2] = 0.1
    obs[3:7] = rewards
    obs[7:] = np.asarray(proposals).ravel()
    return obs


def test_rloo_proposer_shifts_probability_to_the_rewarded_level():
    teacher = agents.make("rloo-proposer", ENV, seed=0)
    for _ in range(30):
        action = teacher.act(None)
        # reward long numbers: proposals whose digits_high is in the top bin
        rewards = (teacher._levels[:, 1] == 4).astype(float)
        teacher.observe(action, float(rewards.mean()), _obs_with(rewards, action))
    assert teacher.probabilities()[1, 4] > 0.5
    assert teacher.probabilities()[0].max() < 0.5  # unrewarded parameters stay spread


def test_rloo_proposer_without_signal_does_not_move():
    teacher = agents.make("rloo-proposer", ENV, seed=0)
    action = teacher.act(None)
    teacher.observe(action, 0.0, _obs_with(np.zeros(4), action))
    assert np.allclose(teacher.logits, 0.0)


def test_same_seed_same_proposals():
    a = [agents.make("rloo-proposer", ENV, seed=3).act(None) for _ in range(2)]
    assert np.array_equal(a[0], a[1])
    assert not np.array_equal(a[0], agents.make("rloo-proposer", ENV, seed=4).act(None))


def test_ladder_climbs_and_hard_only_reuses_the_hard_split():
    ladder = agents.make("ladder", ENV, seed=0, steps_per_rung=1)
    space = ENV.unwrapped._batch.runs.space
    highs = [space.digits(ladder.act(None)[0])[1] for _ in range(4)]
    assert highs == sorted(highs) and highs[0] < highs[-1]
    assert all(space.uses_hard(p) for p in agents.make("hard-only", ENV).act(None))


def test_self_curriculum_teachers_are_only_offered_for_that_env():
    import gymnasium as gym

    usable = agents.compatible(gym.make("edusim/Tutor-v0"))
    assert not {"rloo-proposer", "ladder", "hard-only", "llm-proposer"} & set(usable)
    assert {"rloo-proposer", "ladder", "hard-only", "llm-proposer"} <= set(
        agents.compatible(ENV))


def test_llm_proposer_offline_keeps_the_best_proposal():
    teacher = agents.make("llm-proposer", ENV, seed=0)
    first = teacher.act(np.zeros(ENV.observation_space.shape, np.float32))
    assert first.shape == (4, 5) and ENV.action_space.contains(first)
    best = np.array([0.3, 0.6, 0.0, 0.9, 0.0], np.float32)
    others = np.zeros((4, 5), np.float32)
    others[2] = best
    nxt = teacher.act(_obs_with([0.0, -0.1, 0.2, 0.0], others))
    assert np.allclose(nxt[0, :3], best[:3])  # the winner is kept (carry re-drawn)


def test_llm_proposer_rejects_malformed_replies():
    from edusim.agents.llm_proposer import ProposalsRequest

    teacher = agents.make("llm-proposer", ENV, seed=0)
    request = ProposalsRequest(teacher.view, teacher.space, np.zeros(ENV.observation_space.shape))
    assert "digits_low" in request.messages()[-1].content
    with pytest.raises(StructuredOutputError, match="need 4 proposals"):
        request.parse('{"proposals": [[0.1, 0.2, 0.3, 0.4, 0.5]]}')
    with pytest.raises(StructuredOutputError):
        request.parse('{"proposals": [[2, 2, 2, 2, 2], [0,0,0,0,0], [0,0,0,0,0], [0,0,0,0,0]]}')
    ok = request.parse('{"proposals": ' + str([[0.5] * 5] * 4) + ', "reason": "r"}')
    assert len(ok.proposals) == 4


def test_run_teacher_and_baselines_smoke():
    from edusim.envs import ENVS
    from edusim.experiments.self_curriculum import run_baselines, run_teacher

    quick = dict(ENVS["edusim/SelfCurriculum-v0"].metadata["quick_kwargs"])
    result = run_teacher("rloo-proposer", seed=1, steps=2, env_kwargs=quick, n_samples=4,
                         ks=(1, 4))
    assert [t["step"] for t in result.trace] == [1, 2]
    assert all(t["diversity"] >= 1.0 for t in result.trace)
    assert result.pass_at_k["PS"][1] <= result.pass_at_k["PS"][4]
    base = run_baselines(seed=1, steps=1, env_kwargs=quick, n_samples=4, ks=(1,))
    assert set(base) == {"Hard-Only", "Hard-Only x g*r", "Full data"}
