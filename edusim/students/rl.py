"""RL from binary rewards for K students: REINFORCE with a leave-one-out baseline (RLOO).

Each step draws ``batch`` problems per student from its own problem set, samples ``n_samples``
answers per problem at the sampling temperature, scores them 0/1, and follows the policy
gradient ``mean((r_i - b_i) * grad log p(answer_i))``. RLOO's baseline ``b_i`` is the mean
reward of the problem's other samples (Kool et al. 2019; Ahmadian et al. 2024), so a problem
whose samples all fail (or all succeed) contributes nothing. This is why RL on a hard set at
0% success is stuck (SOAR): with every reward 0 the gradient is exactly zero, and
:class:`~edusim.students.optim.StackedAdam` leaves such a student untouched.

Example:
    >>> advantages(torch.tensor([[[1.0, 0.0, 0.0, 1.0]]]), RLMethod.RLOO).tolist()
    [[[0.6666666865348816, -0.6666666865348816, -0.6666666865348816, 0.6666666865348816]]]
    >>> advantages(torch.zeros(1, 1, 4), RLMethod.RLOO).abs().sum().item()
    0.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import torch

from edusim.students.config import RLMethod
from edusim.students.data import Tokens, answer_mask, as_prompts, as_student_data, draw_index

if TYPE_CHECKING:
    from edusim.students.batched import BatchedStudents

__all__ = ["advantages", "exact_match_reward", "rl_fit"]

#: ``(prompts [K, B, Lp], samples [K, B, S, La], index [K, B]) -> rewards [K, B, S]`` in {0, 1}.
RewardFn = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


def advantages(rewards: torch.Tensor, method: RLMethod) -> torch.Tensor:
    """Per-sample advantages ``[K, B, S]`` of ``rewards`` under ``method``."""
    if method is RLMethod.REINFORCE:
        return rewards
    s = rewards.shape[-1]
    if s < 2:
        raise ValueError("RLOO needs at least 2 samples per problem")
    return (rewards - rewards.mean(-1, keepdim=True)) * (s / (s - 1))


def exact_match_reward(references: torch.Tensor) -> RewardFn:
    """Reward 1 for a sample equal to the reference answer (``[K, N, La]``) of its problem.

    Example:
        >>> refs = torch.tensor([[[4, 1], [5, 1]]])                    # K=1, N=2, La=2
        >>> samples = torch.tensor([[[[4, 1], [4, 0]]]])                # problem 0, S=2
        >>> exact_match_reward(refs)(None, samples, torch.tensor([[0]])).tolist()
        [[[1.0, 0.0]]]
    """

    def reward(prompts: torch.Tensor, samples: torch.Tensor, index: torch.Tensor
               ) -> torch.Tensor:
        refs = references.to(samples.device)
        picked = refs.gather(1, index.to(refs.device).unsqueeze(-1).expand(-1, -1,
                                                                            refs.shape[-1]))
        return samples.eq(picked.unsqueeze(2)).all(-1).float()

    return reward


def rl_fit(students: BatchedStudents, prompts: Tokens, answers: Tokens | None = None,
           reward_fn: RewardFn | None = None, steps: int | None = None,
           batch: int | None = None, n_samples: int | None = None,
           temperature: float | None = None, method: RLMethod | str | None = None
           ) -> torch.Tensor:
    """Train ``students`` by RL on ``prompts``; returns the mean reward ``[steps, K]``.

    Args:
        students: The batch to train (its RL optimiser state persists across calls).
        prompts: Problems, shared ``[N, Lp]`` or per student ``[K, N, Lp]``.
        answers: Reference answers; the reward is then an exact match against them.
        reward_fn: A :data:`RewardFn` instead of ``answers`` (exactly one of the two).
        steps, batch, n_samples, temperature, method: Default to the config's ``rl_*``
            settings and ``temperature``.
    """
    cfg = students.config
    steps = cfg.rl_steps if steps is None else steps
    batch = cfg.rl_batch if batch is None else batch
    n_samples = cfg.rl_samples if n_samples is None else n_samples
    temperature = cfg.temperature if temperature is None else temperature
    method = cfg.rl_method if method is None else RLMethod(method)
    if (answers is None) == (reward_fn is None):
        raise ValueError("rl_fit needs exactly one of answers (exact-match reward) or reward_fn")
    k = students.n_students
    problems = as_prompts(prompts, k, cfg)
    if answers is not None:
        refs = as_student_data(problems, answers, k, cfg).answers
        reward_fn = exact_match_reward(refs)
    counts = torch.full((k,), problems.shape[1])
    history = []
    for _ in range(steps):
        index = draw_index(counts, batch, students._generators)
        chosen = problems.gather(1, index.unsqueeze(-1).expand(-1, -1, cfg.prompt_len))
        samples, _ = students.sample(chosen, n_samples, temperature)
        rewards = reward_fn(chosen, samples, index).to(students.device).float()
        if rewards.shape != samples.shape[:3]:
            raise ValueError(f"reward_fn returned shape {tuple(rewards.shape)}, expected "
                             f"{tuple(samples.shape[:3])}")
        adv = advantages(rewards, method)
        flat_prompts = chosen.to(students.device).unsqueeze(2).expand(
            -1, -1, n_samples, -1).reshape(k, -1, cfg.prompt_len)
        flat_samples = samples.reshape(k, -1, cfg.answer_len)
        logp = students._answer_logprobs(flat_prompts, flat_samples, temperature)
        logp = (logp * answer_mask(flat_samples, cfg.eos_id)).sum(-1)
        loss = -(adv.reshape(k, -1) * logp).mean(-1)
        students._step(students._rl_opt, loss.sum())
        history.append(rewards.mean((1, 2)))
    if not history:
        return torch.zeros(0, k)
    return torch.stack(history).cpu()
