"""RL from binary rewards: no signal at 0% success, learning where the base has some."""

from __future__ import annotations

import pytest
import torch

from edusim.students import RLMethod, make_students
from edusim.students.rl import advantages
from tests.students.toy import SMALL, addition

PROMPTS, ANSWERS = addition(200, seed=0)


def _success(students, n_samples: int = 16) -> torch.Tensor:
    tokens, _ = students.sample(PROMPTS, n_samples)
    return tokens.eq(ANSWERS[None, :, None]).all(-1).float().mean((1, 2))


def test_count_correct_counts_the_samples_that_match() -> None:
    students = make_students("mlp", seeds=[0, 1], **SMALL)
    students.fit(PROMPTS, ANSWERS, steps=80)
    twin = students.clone()  # same generator state: draws the same samples
    counts = students.count_correct(PROMPTS, ANSWERS, 16)
    assert counts.shape == (2, 200) and 0 < int(counts.sum()) < 2 * 200 * 16
    torch.testing.assert_close(counts.float().mean(1) / 16, _success(twin))


@pytest.mark.parametrize("method", ["rloo", "reinforce"])
@pytest.mark.parametrize("value", [0.0, 1.0])
def test_constant_rewards_give_no_update(method, value) -> None:
    students = make_students(seeds=[0, 1], **SMALL)
    students.fit(PROMPTS, ANSWERS, steps=5)
    before = students.flat.detach().clone()

    def reward_fn(prompts, samples, index):
        return torch.full(samples.shape[:3], value)

    rewards = students.rl_fit(PROMPTS, reward_fn=reward_fn, steps=3, method=method)
    assert rewards.shape == (3, 2)
    if value == 0.0 or method == "rloo":  # REINFORCE without a baseline learns from all-1
        assert torch.equal(students.flat, before)
        assert students._rl_opt.steps.tolist() == [0, 0]
    else:
        assert not torch.equal(students.flat, before)


def test_rloo_advantages_sum_to_zero_per_problem() -> None:
    rewards = (torch.rand(2, 5, 6, generator=torch.Generator().manual_seed(0)) < 0.4).float()
    adv = advantages(rewards, RLMethod.RLOO)
    torch.testing.assert_close(adv.sum(-1), torch.zeros(2, 5))
    loo = torch.stack([rewards[..., i] - torch.cat([rewards[..., :i], rewards[..., i + 1:]],
                                                   -1).mean(-1) for i in range(6)], -1)
    torch.testing.assert_close(adv, loo)


@pytest.mark.parametrize("kind", ["transformer", "mlp"])
def test_rloo_raises_success_where_the_base_has_some(kind) -> None:
    students = make_students(kind, seeds=[0, 1], **SMALL)
    students.fit(PROMPTS, ANSWERS, steps=80)
    before = _success(students)
    assert bool((before > 0.1).all()) and bool((before < 0.8).all()), before
    students.rl_fit(PROMPTS, ANSWERS, steps=40, batch=16, n_samples=8)
    after = _success(students)
    assert bool((after > before + 0.05).all()), (before, after)


def test_rl_of_a_batch_equals_each_student_alone() -> None:
    batch = make_students("mlp", seeds=[3, 4], **SMALL)
    rewards = batch.rl_fit(PROMPTS, ANSWERS, steps=4, batch=8, n_samples=4)
    for k, seed in enumerate([3, 4]):
        alone = make_students("mlp", seeds=[seed], **SMALL)
        torch.testing.assert_close(alone.rl_fit(PROMPTS, ANSWERS, steps=4, batch=8,
                                                n_samples=4)[:, 0], rewards[:, k])
        torch.testing.assert_close(alone.flat[0], batch.flat[k], rtol=1e-4, atol=1e-5)


def test_rl_fit_needs_exactly_one_reward_source() -> None:
    students = make_students(**SMALL)
    with pytest.raises(ValueError, match="exactly one of answers"):
        students.rl_fit(PROMPTS)
    with pytest.raises(ValueError, match="reward_fn returned shape"):
        students.rl_fit(PROMPTS, reward_fn=lambda p, s, i: torch.zeros(3), steps=1)
