"""SelfCurriculum-v0: the hard set is measured at zero, the loop rewards and promotes, teachers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from edusim.envs.core import InvalidActionError
from edusim.envs.self_curriculum import SelfCurriculumEnv, view_of
from edusim.selfcurriculum import (
    HardSetError,
    ProposalSpace,
    SelfCurriculumConfig,
    SelfCurriculumRuns,
    vendi_score,
)
from edusim.selfcurriculum.evaluate import (
    KS,
    full_data_student,
    hard_only_student,
    hard_pass_at_k,
    promoted_data_student,
    promoted_student,
)

#: A run that takes well under a second a step on two cores.
TINY = dict(pretrain_examples=400, pretrain_steps=40, hard_digits=(2, 2), hard_candidates=64,
            fail_n=8, hard_size=8, proposals=2, trainings=2, problems=16, inner_steps=2,
            inner_batch=4, inner_samples=2, eval_samples=2, d_model=16, n_layers=1)


def _sample(env, seed: int = 0) -> np.ndarray:
    """A random action from a seeded draw (the space's own generator is unseeded)."""
    env.action_space.seed(seed)
    return env.action_space.sample()


@pytest.fixture(scope="module")
def env():
    env = SelfCurriculumEnv(render_mode="ansi", **TINY)
    env.reset(seed=0)
    return env


def _trace(seed: int, steps: int = 3, **extra):
    env = SelfCurriculumEnv(**TINY, **extra)
    obs, info = env.reset(seed=seed)
    rng = np.random.default_rng(5)
    out = [obs, info["hard_success"]]
    for _ in range(steps):
        obs, reward, *_ , info = env.step(rng.random(env.action_space.shape).astype(np.float32))
        out += [obs, reward, info["proposal_rewards"].copy()]
    return out


def _equal(a, b) -> bool:
    return all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, b, strict=True))


def test_hard_set_is_failed_by_the_pretrained_student(env):
    runs = env.unwrapped._batch.runs
    info = env.unwrapped._get_info()
    assert info["initial_hard_success"] == info["hard_success"]
    # selected by fail@N on the student itself: resampling finds (almost) nothing right
    counts = runs.baseline.take([0])
    counts.reseed([7])
    from edusim.selfcurriculum import success_counts
    solved = success_counts(counts, runs.q_r[:1], runs.q_r_answers[:1], 8)
    assert solved.float().mean() < 0.1


def test_same_seed_same_run_and_another_seed_differs():
    a, b, c = _trace(3), _trace(3), _trace(4)
    assert _equal(a, b)
    assert not _equal(a, c)


def test_step_rewards_are_grounded_improvements_and_promotion_follows_tau(env):
    runs = env.unwrapped._batch.runs
    before = runs.q_r_success[0]
    obs, reward, terminated, truncated, info = env.step(_sample(env))
    assert not terminated and not truncated
    assert info["examples"] == TINY["proposals"] * TINY["problems"]
    assert reward == pytest.approx(info["proposal_rewards"].mean())
    assert (info["proposal_rewards"] >= -before - 1e-12).all()
    view, _ = view_of(env)
    assert np.allclose(view.last_rewards(obs), np.clip(info["proposal_rewards"], -1, 1))


def test_promotion_when_moving_average_passes_tau():
    always = SelfCurriculumEnv(**{**TINY, "tau": -1.0, "window": 1})
    always.reset(seed=1)
    info = always.step(_sample(always))[-1]
    assert info["promoted"] and info["promotions"] == 1
    assert len(always.unwrapped._batch.runs.d_best[0]) == 1
    never = SelfCurriculumEnv(**{**TINY, "tau": 1.0})
    never.reset(seed=1)
    for _ in range(3):
        info = never.step(_sample(never))[-1]
    assert info["promotions"] == 0 and not info["promoted"]


def test_hard_only_gets_no_gradient_when_every_sample_fails(env):
    runs = env.unwrapped._batch.runs
    student = hard_only_student(runs, 0, steps=0)
    before = student.flat.detach().clone()
    # RL on problems with reference answers nobody can produce: all rewards 0, no update
    impossible = torch.full_like(runs.q_r_answers[0], 5)
    student.rl_fit(runs.q_r[0], impossible, steps=2)
    assert torch.equal(student.flat.detach(), before)


def test_intrinsic_reward_is_learnability():
    env = SelfCurriculumEnv(**TINY, reward="intrinsic")
    env.reset(seed=2)
    info = env.step(_sample(env))[-1]
    assert ((info["proposal_rewards"] >= 0) & (info["proposal_rewards"] <= 1)).all()


def test_wrong_and_malformed_rates_change_the_data():
    runs = SelfCurriculumRuns(SelfCurriculumConfig(**{**TINY, "malformed_rate": 1.0}), 1)
    params = np.array([0.3, 0.3, 0.0, 0.5, 0.0])
    prompts, answers, bad = runs.proposal_data(0, params)
    assert bad == TINY["problems"]
    clean = SelfCurriculumRuns(SelfCurriculumConfig(**TINY), 1)
    p2, _, bad2 = clean.proposal_data(0, params)
    assert bad2 == 0 and not torch.equal(prompts, p2)


def test_invalid_actions_and_settings_raise(env):
    with pytest.raises(InvalidActionError, match="proposals"):
        env.step(np.full(env.action_space.shape, 2.0, np.float32))
    with pytest.raises(InvalidActionError):
        env.step(np.zeros((1, 5), np.float32))
    for bad, reason in (({"wrong_rate": float("nan")}, r"wrong_rate must be in \[0, 1\], got nan"),
                        ({"malformed_rate": 1.5}, r"malformed_rate must be in \[0, 1\]"),
                        ({"proposals": 0}, "proposals must be >= 1, got 0"),
                        ({"pretrain_steps": -1}, "pretrain_steps must be >= 0, got -1"),
                        ({"inner_samples": 1}, "inner_samples must be >= 2"),
                        ({"reward": "fun"}, "fun")):
        with pytest.raises(ValueError, match=reason):
            SelfCurriculumConfig(**bad)
    with pytest.raises(TypeError, match="unknown argument"):
        SelfCurriculumEnv(proposal=3)


def test_too_few_failed_candidates_is_a_clear_error():
    env = SelfCurriculumEnv(**{**TINY, "hard_size": 300, "hard_candidates": 16})
    with pytest.raises(HardSetError, match="hard_digits"):
        env.reset(seed=0)


def test_evaluation_students_and_pass_at_k(env):
    runs = env.unwrapped._batch.runs
    for student in (promoted_student(runs), promoted_data_student(runs),
                    hard_only_student(runs, steps=1), full_data_student(runs, examples=64,
                                                                         steps=2)):
        table = hard_pass_at_k(runs, 0, student, n_samples=32)
        values = [table[k] for k in KS]
        assert all(0.0 <= v <= 1.0 for v in values)
        assert values == sorted(values)  # pass@k never falls with k


def test_render_names_proposals_in_words(env):
    action = np.full(env.action_space.shape, 0.3, dtype=np.float32)  # parameters, not hard set
    action[1, 4] = 0.9  # the second proposal: the hard training problems themselves
    env.step(action)
    text = env.render()
    assert "hard practice problems" in text and "addition" in text
    assert "the hard training problems themselves" in text


def test_proposal_space_and_vendi():
    space = ProposalSpace(max_digits=4, max_depth=2)
    assert space.digits(np.array([0.9, 0.1, 0, 0, 0])) == (4, 4)
    assert space.spec(np.array([0.0, 0.3, 0.9, 1.0, 0.0]), 5).depth == 2
    with pytest.raises(ValueError, match="lie in"):
        space.check(np.array([0, 0, 0, 0, 1.5]))
    same = np.zeros((6, 5))
    assert vendi_score(same) == pytest.approx(1.0)
    spread = np.eye(5)
    assert vendi_score(spread) == pytest.approx(5.0, rel=1e-3)
