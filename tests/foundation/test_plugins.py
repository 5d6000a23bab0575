""""One file plus one registry line": a teacher and a learner model added with nothing but the
registries' public ``register()``, then run through the same loop as the shipped ones."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np
import pytest

import edusim  # noqa: F401  (registers the environments)
from edusim import agents, learners
from edusim.curriculum import Curriculum, load_builtin
from edusim.experiments import evaluate
from edusim.experiments.rollout import rollout
from edusim.learners import LearnerModel, RandomSource
from edusim.registry import Entry

# -- the new teacher: what a newcomer's agents/in_order.py would hold -------------------------


@dataclass(frozen=True)
class InOrderConfig:
    """Attributes:
    start: The first item given.
    """

    start: int = 0


class InOrderTeacher(agents.Teacher):
    """Gives the items one after another, from ``start``."""

    config_class = InOrderConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        self.t = 0

    def act(self, obs: Any) -> np.int64:
        self.t += 1
        return np.int64((self.config.start + self.t - 1) % self.action_space.n)


# -- the new learner model: what a newcomer's edusim/learners/quick.py would hold -------------


@dataclass(frozen=True)
class QuickParams:
    """Attributes:
    guess: P(correct) without the item's skills.
    spread: Unused by the dynamics; the population-spread knob the env's heterogeneity sets.
    """

    guess: float = 0.2
    spread: float = 0.0


@dataclass
class QuickState:
    known: np.ndarray  # (n, K) bool


class QuickLearner(LearnerModel[QuickState]):
    """Learns every skill of an item the first time it practises it."""

    params_class = QuickParams
    spread_field = "spread"

    def __init__(self, curriculum: Curriculum, params: QuickParams | None = None) -> None:
        self.params = params or QuickParams()
        self.q = curriculum.all_items.q_matrix(curriculum.graph)
        self.n_items, self.n_skills = self.q.shape

    def init_state(self, n: int, rng: RandomSource) -> QuickState:
        return QuickState(np.zeros((n, self.n_skills), dtype=bool))

    def p_correct_matrix(self, state: QuickState, items: np.ndarray) -> np.ndarray:
        ready = ~(self.q[items][None, :, :] & ~state.known[:, None, :]).any(axis=-1)
        return np.where(ready, 1.0, self.params.guess)

    def p_correct(self, state: QuickState, items: np.ndarray) -> np.ndarray:
        items = self.check_items(items)
        ready = ~(self.q[items] & ~state.known).any(axis=1)
        return np.where(ready, 1.0, self.params.guess)

    def update(self, state: QuickState, items, correct, rng: RandomSource) -> QuickState:
        return QuickState(state.known | self.q[self.check_items(items)])

    def mastery(self, state: QuickState) -> np.ndarray:
        return state.known.astype(np.float64)


# -- the registry lines ---------------------------------------------------------------------


@pytest.fixture
def registered() -> Iterator[None]:
    agents.register("in-order", Entry(f"{__name__}:InOrderTeacher", "In order",
                                      "Gives the items one after another.",
                                      {"supports": ("discrete",), "family": "baseline"}))
    learners.register("quick", Entry(f"{__name__}:QuickLearner", "Quick",
                                     "Learns a skill the first time it practises it."))
    try:
        yield
    finally:
        agents.TEACHERS.unregister("in-order")
        learners.LEARNERS.unregister("quick")


def test_a_registered_teacher_is_listed_built_and_evaluated(registered) -> None:
    env = gym.make("edusim/Tutor-v0")
    assert "in-order" in agents.names() and "in-order" in agents.names("baseline")
    assert "in-order" in agents.compatible(env)
    assert "in-order" not in agents.compatible(gym.make("edusim/TaskSpace-v0"))  # Box actions
    teacher = agents.make("in-order", env, seed=0, start=5)
    assert teacher.name == "in-order" and [int(teacher.act(None)) for _ in range(2)] == [5, 6]
    with pytest.raises(ValueError, match="no setting 'stop'; its settings are: start"):
        agents.make("in-order", env, stop=3)
    frame = evaluate("edusim/Tutor-v0", ["in-order", "random"], seeds=2, workers=1)
    assert list(frame["teacher"].unique()) == ["in-order", "random"] and len(frame) == 4


def test_a_registered_learner_model_runs_in_the_tutor_env(registered) -> None:
    assert learners.names()[-1] == "quick" and learners.spread_field("quick") == "spread"
    model = learners.make("quick", load_builtin("fractions"), guess=0.3)
    assert isinstance(model, QuickLearner) and model.params.guess == 0.3
    with pytest.raises(ValueError, match="no setting 'gues'"):
        learners.make("quick", load_builtin("fractions"), gues=0.3)
    env = gym.make("edusim/Tutor-v0", learner="quick", heterogeneity=0.5)  # sets "spread"
    results = rollout(env, agents.make("in-order", env, seed=0), seed=0)
    # Every item of the curriculum is practised once in order within 100 steps: all learned.
    assert results[0].final_mastery == pytest.approx(1.0)
    assert results[0].learning_gain > 0.5
