"""Hand-written proposers for ``edusim/SelfCurriculum-v0``: SOAR's baselines that do not learn.

* :class:`HardOnlyTeacher` (SOAR's Hard-Only): every proposal is the hard training split
  itself. Since the student never solves those problems, RL from binary rewards gets no
  gradient; run in the environment's loop it spends the same compute as the learning
  teachers (the paper's compute-matched Hard-Only).
* :class:`LadderTeacher`: an easy-to-hard ladder written by hand: additions one digit longer
  every ``steps_per_rung`` steps, the ``g`` proposals spread over carry variants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents.base import Teacher
from edusim.envs.self_curriculum import view_of

__all__ = ["HardOnlyTeacher", "LadderConfig", "LadderTeacher"]


class HardOnlyTeacher(Teacher):
    """Proposes the hard training problems every step.

    Example:
        >>> from edusim.envs.self_curriculum import SelfCurriculumEnv
        >>> HardOnlyTeacher(SelfCurriculumEnv(proposals=2)).act(None)[:, 4].tolist()
        [1.0, 1.0]
    """

    def __init__(self, env: gym.Env, seed: int | None = None) -> None:
        super().__init__(env, seed)
        self.view, self.space = view_of(env)

    def act(self, obs: Any) -> np.ndarray:
        proposals = np.zeros((self.view.proposals, self.space.size), np.float32)
        proposals[:, 4] = 1.0
        return proposals


@dataclass(frozen=True)
class LadderConfig:
    """Settings of :class:`LadderTeacher`.

    Attributes:
        start_digits: Longest numbers of the first rung (the pretraining length).
        steps_per_rung: Steps before the ladder moves one digit up.
    """

    start_digits: int = 2
    steps_per_rung: int = 3

    def __post_init__(self) -> None:
        if self.start_digits < 1 or self.steps_per_rung < 1:
            raise ValueError("start_digits and steps_per_rung must be >= 1")


class LadderTeacher(Teacher):
    """Additions one digit longer every few steps, from the pretraining length upwards.

    Example:
        >>> from edusim.envs.self_curriculum import SelfCurriculumEnv
        >>> env = SelfCurriculumEnv(proposals=3)
        >>> teacher = LadderTeacher(env, steps_per_rung=1)
        >>> [env.unwrapped._batch.runs.space.describe(p) for p in teacher.act(None)]
        ... # doctest: +NORMALIZE_WHITESPACE
        ['addition, 2-3 digits, 1 operation, without carries',
         'addition, 2-3 digits, 1 operation', 'addition, 2-3 digits, 1 operation, with carries']
    """

    config_class = LadderConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.view, self.space = view_of(env)
        self.t = 0

    def reset(self, seed: int | None = None) -> None:
        super().reset(seed)
        self.t = 0

    def act(self, obs: Any) -> np.ndarray:
        top = self.space.max_digits
        rung = self.t // self.config.steps_per_rung
        high = min(self.config.start_digits + 1 + rung, top)
        low = max(1, high - 1)
        g = self.view.proposals
        proposals = np.zeros((g, self.space.size), np.float32)
        proposals[:, 0] = (low - 0.5) / top  # level k is [(k - 1) / top, k / top)
        proposals[:, 1] = (high - 0.5) / top
        proposals[:, 3] = (np.arange(g) % 3 + 0.5) / 3  # no carry, any, carry
        self.t += 1
        return proposals
