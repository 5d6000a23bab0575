"""State-free baseline: one fixed generation plan, written without looking at the student.

DataEnvGym (Khan et al., 2025) compares its teachers with a data-generation policy that never
sees the student's state; the finding is that teachers which see it do better. Here the fixed
plan is a random allocation over the arms drawn once from the teacher's seed (a symmetric
Dirichlet), then repeated every round whatever happens (on the skill tree: over the skills,
which exist from the start).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents._datagen import DataGenTeacher

__all__ = ["StateFreeConfig", "StateFreeTeacher"]


@dataclass(frozen=True)
class StateFreeConfig:
    """Attributes:
    concentration: Dirichlet concentration of the plan (large: close to uniform).
    """

    concentration: float = 1.0

    def __post_init__(self) -> None:
        if not self.concentration > 0:
            raise ValueError(f"concentration must be > 0, got {self.concentration}")


class StateFreeTeacher(DataGenTeacher):
    """Repeats one plan drawn at the start, never reading feedback.

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/DataGenSkillList-v0", eval_per_subskill=1,
        ...                student={"d_model": 8, "n_heads": 2, "n_layers": 1, "steps": 1})
        >>> teacher = StateFreeTeacher(env, seed=0)
        >>> bool((teacher.act(None) == teacher.act(None)).all())
        True
    """

    config_class = StateFreeConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self._draw()

    def _draw(self) -> None:
        shown = ~np.isnan(self.datagen.weakness(self.datagen.observation()[0]))
        weights = np.zeros(len(self.arms))
        weights[shown] = self.rng.dirichlet(np.full(int(shown.sum()), self.config.concentration))
        self.weights = weights

    def reset(self, seed: int | None = None) -> None:
        super().reset(seed)
        if seed is not None:
            self._draw()

    def plan(self, obs: Any) -> tuple[np.ndarray, bool]:
        return self.weights, False
