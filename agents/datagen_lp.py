"""Learning-progress bandit over skills: feed the arms whose accuracy is moving.

After the learning-progress teachers of Oudeyer et al. (2007) and the ALP bandits of Portelas
et al. (2020), applied to data allocation: the learning progress of an arm is the absolute
change of its weakness (1 - held-out accuracy, or its share of sampled errors) between
consecutive rounds, tracked as an exponential moving average. The budget goes to arms in
proportion to ``softmax(progress / temperature)`` mixed with ``epsilon`` uniform exploration;
arms never fed keep an optimistic initial progress. On the skill tree, with probability
``explore_rate`` a round explores the skills that still hide sub-skills.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents._datagen import DataGenTeacher

__all__ = ["LPAllocationConfig", "LPAllocationTeacher"]


@dataclass(frozen=True)
class LPAllocationConfig:
    """Attributes:
    smoothing: Weight of the newest progress in the moving average.
    temperature: Softmax temperature over progress.
    epsilon: Share of uniform exploration over arms.
    explore_rate: Probability of an explore round where the env can explore.
    optimism: Initial progress of every arm.
    """

    smoothing: float = 0.5
    temperature: float = 0.05
    epsilon: float = 0.2
    explore_rate: float = 0.3
    optimism: float = 0.1


class LPAllocationTeacher(DataGenTeacher):
    """Allocation by learning progress per arm (an absolute-change bandit).

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/DataGenSkillList-v0", eval_per_subskill=1,
        ...                student={"d_model": 8, "n_heads": 2, "n_layers": 1, "steps": 1})
        >>> teacher = LPAllocationTeacher(env, seed=0)
        >>> before = np.zeros(13, np.float32)
        >>> after = before.copy(); after[2] = 0.5                  # mul moved
        >>> teacher.observe(teacher.act(before), 0.1, after)
        >>> int(np.argmax(teacher.act(after)))
        2
    """

    config_class = LPAllocationConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.progress = np.full(len(self.arms), self.config.optimism)
        self._last: np.ndarray | None = None

    def reset(self, seed: int | None = None) -> None:
        super().reset(seed)
        self._last = None  # a new student; what was learned about arms is kept

    def plan(self, obs: Any) -> tuple[np.ndarray, bool]:
        cfg = self.config
        need = self.datagen.weakness(obs)
        self._last = need
        shown = ~np.isnan(need)
        explorable = self.datagen.explorable(obs) & shown
        if explorable.any() and self.rng.random() < cfg.explore_rate:
            return explorable.astype(np.float64), True
        z = np.where(shown, self.progress / cfg.temperature, -np.inf)
        p = np.exp(z - z[shown].max())
        p = (1 - cfg.epsilon) * p / p.sum() + cfg.epsilon * shown / shown.sum()
        return p, False

    def observe(self, action: Any, reward: float, next_obs: Any) -> None:
        if self._last is None:
            return
        need = self.datagen.weakness(next_obs)
        moved = np.abs(np.nan_to_num(need - self._last))
        seen = ~np.isnan(need) & ~np.isnan(self._last)
        a = self.config.smoothing
        self.progress = np.where(seen, (1 - a) * self.progress + a * moved, self.progress)
