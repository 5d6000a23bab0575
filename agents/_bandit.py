"""The loop shared by the skill-bandit teachers (EXP3 learning progress, ZPDES).

On a tutoring environment the arms are the curriculum's skills: a teacher picks a skill, then
a practice item of that skill at random. After each practice it reads the learner's recent
success rate on that skill from the observation; the learning progress of a skill is how that
rate moves over its last ``window`` practices. A new learner (an observation with no attempts
at all) clears these per-learner histories; what the bandit learned about skills is kept.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import deque
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents.base import Teacher
from edusim.envs.tutor_obs import TutorView

__all__ = ["SkillBanditTeacher"]


class SkillBanditTeacher(Teacher):
    """Base of the skill bandits; subclasses define :meth:`skill_probabilities` and
    :meth:`learn`, and a ``config_class`` with a ``window``."""

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.view = TutorView.of(env)
        self.n_skills = self.view.curriculum.n_skills
        self.items = self.view.items_by_skill()
        self.item_skill = np.full(self.view.curriculum.n_items, -1)
        for skill, items in enumerate(self.items):
            self.item_skill[items] = skill
        self._new_learner()

    def _new_learner(self) -> None:
        self.rates: list[deque[float]] = [
            deque(maxlen=self.config.window) for _ in range(self.n_skills)
        ]

    @abstractmethod
    def skill_probabilities(self, obs: np.ndarray) -> np.ndarray:
        """Probability of practising each skill next."""

    @abstractmethod
    def learn(self, skill: int, rates: np.ndarray, reward: float) -> None:
        """Update the bandit after a practice of ``skill``; ``rates`` are its recent success
        rates, oldest first, and ``reward`` the environment's reward for the practice."""

    def act(self, obs: Any) -> np.int64:
        obs = np.asarray(obs, dtype=np.float64)
        if not self.view.attempts(obs).any():
            self._new_learner()
        p = self.skill_probabilities(obs)
        skill = int(self.rng.choice(self.n_skills, p=p))
        return np.int64(self.rng.choice(self.items[skill]))

    def observe(self, action: Any, reward: float, next_obs: Any) -> None:
        item = int(action)
        if not 0 <= item < len(self.item_skill):
            n = len(self.item_skill)
            raise ValueError(f"action {action!r} is not an item index in [0, {n})")
        skill = int(self.item_skill[item])
        if skill < 0:
            return  # an item this teacher never picks (several skills): nothing to learn
        self.rates[skill].append(float(self.view.success_rates(np.asarray(next_obs))[skill]))
        self.learn(skill, np.fromiter(self.rates[skill], float), float(reward))
