"""SOAR's grounded meta-RL teacher: RLOO over the ``g`` proposals of each step.

Sundaram et al. (2026), "Teaching Models to Teach Themselves: Reasoning at the Edge of
Learnability". The paper's teacher is a language model that writes problems; here the
teacher's policy is a distribution over the generator parameters of
``edusim/SelfCurriculum-v0`` (:mod:`edusim.selfcurriculum.proposals`), one categorical over
``bins`` levels per parameter. Each step, as in the paper's outer loop:

1. sample ``g`` proposals from the policy (one dataset each);
2. the environment trains ``r`` students on each and rewards each proposal with their
   improvement on the hard problems ``Q_R`` (grounded), or with learnability (Intrinsic-T);
3. RLOO: each proposal's advantage is its reward minus the mean of the other ``g - 1``, and
   the policy follows ``mean_k(adv_k * grad log pi(proposal_k))``. The advantages are divided
   by their standard deviation across the step (as GRPO does) so that the step size does not
   depend on the reward's scale, which is small here (a few problems of ``Q_R``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents.base import Teacher
from edusim.envs.self_curriculum import view_of

__all__ = ["RLOOProposerConfig", "RLOOProposerTeacher"]


@dataclass(frozen=True)
class RLOOProposerConfig:
    """Settings of :class:`RLOOProposerTeacher`.

    Attributes:
        bins: Levels of each proposal parameter.
        lr: Step size of the policy-gradient update on the logits.
    """

    bins: int = 5
    lr: float = 0.5

    def __post_init__(self) -> None:
        if self.bins < 2 or not self.lr > 0:
            raise ValueError("bins must be >= 2 and lr > 0")


class RLOOProposerTeacher(Teacher):
    """Learns which problem sets unlock the student, from the rewards of its own proposals.

    Example:
        >>> import numpy as np
        >>> from edusim.envs.self_curriculum import SelfCurriculumEnv
        >>> env = SelfCurriculumEnv(proposals=2)       # built, not reset: no training yet
        >>> teacher = RLOOProposerTeacher(env, seed=0)
        >>> proposals = teacher.act(None)
        >>> proposals.shape, bool(((proposals >= 0) & (proposals <= 1)).all())
        ((2, 5), True)
    """

    config_class = RLOOProposerConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.view, self.space = view_of(env)
        self.logits = np.zeros((self.space.size, self.config.bins))
        self._levels: np.ndarray | None = None

    def probabilities(self) -> np.ndarray:
        """``(P, bins)`` the policy: the chance of each level of each parameter."""
        z = np.exp(self.logits - self.logits.max(1, keepdims=True))
        return z / z.sum(1, keepdims=True)

    def act(self, obs: Any) -> np.ndarray:
        g, bins = self.view.proposals, self.config.bins
        probs = self.probabilities()
        # one level per (proposal, parameter), by inverse CDF of a uniform draw
        draws = self.rng.random((g, self.space.size, 1))
        self._levels = (draws > probs.cumsum(1)[None]).sum(-1).clip(0, bins - 1)
        jitter = self.rng.random((g, self.space.size))
        return ((self._levels + jitter) / bins).astype(np.float32)

    def observe(self, action: Any, reward: float, next_obs: Any) -> None:
        if self._levels is None:
            return
        rewards = self.view.last_rewards(np.asarray(next_obs))
        g = len(rewards)
        advantage = rewards - (rewards.sum() - rewards) / max(g - 1, 1)  # leave-one-out
        spread = advantage.std()
        if spread < 1e-12:
            return  # every proposal did as well as the others: no signal
        advantage = advantage / spread
        probs = self.probabilities()
        onehot = np.eye(self.config.bins)[self._levels]  # (g, P, bins)
        grad = (advantage[:, None, None] * (onehot - probs[None])).mean(0)
        self.logits += self.config.lr * grad
