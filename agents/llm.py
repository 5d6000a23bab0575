"""LLM teacher: the observation rendered as text, the next task asked of the chat layer.

Not one paper's algorithm but the extension point for language-model teachers: the teacher
describes the learner's state in plain text and asks :mod:`edusim.llm` which task comes next,
as a structured answer that is parsed and validated.

Which model answers is the chat layer's business (:func:`edusim.llm.settings_from_env`): with
no model configured it is the offline backend, which answers with this module's rule-based
policies (the *frontier* rule: the first skill, in prerequisite order, whose prerequisites
look mastered and which does not; on a task box, a random cell on the edge of the mastered
region). With an OpenAI-compatible server configured, a real model chooses.

Supported environments: tutoring environments with a curriculum (``edusim/Tutor-v0``: the
model names a skill, an item of it is drawn), task boxes (``edusim/TaskSpace-v0``: the
model gives a point) and the DataGen envs (the model allocates generated examples over
skills, from the env's text rendering; see :mod:`edusim.agents.llm_datagen`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from edusim.agents._lp import TaskBox
from edusim.agents.base import Teacher
from edusim.agents.llm_datagen import data_action
from edusim.envs.tutor_obs import TutorView
from edusim.llm import (
    ChatBackend,
    StructuredOutputError,
    backend_from_env,
    system,
    user,
)
from edusim.llm.task import StructuredTask

__all__ = [
    "LLMConfig", "LLMTeacher", "NextSkill", "NextTask", "NextSkillRequest", "NextTaskRequest",
]

_SYSTEM = (
    "You are an expert tutor planning practice for one student. Choose what the student "
    "should practise next to learn as much as possible. Reply with JSON only."
)


@dataclass(frozen=True)
class LLMConfig:
    """Attributes:
    backend: The chat backend; ``None`` uses :func:`edusim.llm.settings_from_env` (offline
        unless a model is configured).
    """

    backend: ChatBackend | None = None


@dataclass(frozen=True)
class NextSkill:
    """The skill to practise next, and why."""

    skill: str
    reason: str = ""


@dataclass(frozen=True)
class NextTask:
    """The task (a point of the task box) to practise next, and why."""

    task: list[float]
    reason: str = ""


class NextSkillRequest(StructuredTask[NextSkill]):
    """Which skill a tutoring-environment learner should practise next."""

    output_type = NextSkill

    def __init__(self, view: TutorView, obs: np.ndarray, threshold: float = 0.8) -> None:
        self.view, self.obs, self.threshold = view, obs, threshold

    def messages(self) -> list:
        graph = self.view.curriculum.graph
        rates, attempts = self.view.success_rates(self.obs), self.view.attempts(self.obs)
        lines = ["skill | prerequisites | recent success rate | attempts"]
        for k, skill in enumerate(graph.skills):
            pre = ", ".join(graph.prerequisites_of(skill)) or "-"
            lines.append(f"{skill} | {pre} | {rates[k]:.2f} | {int(attempts[k])}")
        return [system(_SYSTEM), user(
            "The student's record per skill (success rate over recent attempts):\n"
            + "\n".join(lines)
            + '\n\nWhich skill next? Reply as {"skill": "<one skill name>", "reason": "..."}'
        )]

    def parse(self, text: str) -> NextSkill:
        answer = super().parse(text)
        if answer.skill not in self.view.curriculum.graph:
            raise StructuredOutputError(f"unknown skill {answer.skill!r}", text, "NextSkill")
        return answer

    def offline(self, rng: np.random.Generator) -> NextSkill:
        graph = self.view.curriculum.graph
        rates, attempts = self.view.success_rates(self.obs), self.view.attempts(self.obs)
        mastered = (attempts >= 3) & (rates >= self.threshold - 1e-6)
        for skill in graph.topological_order():
            k = graph.index(skill)
            ready = all(mastered[graph.index(p)] for p in graph.prerequisites_of(skill))
            if ready and not mastered[k]:
                return NextSkill(skill, "frontier: prerequisites mastered, skill not yet")
        weakest = graph.skills[int(np.argmin(rates))]
        return NextSkill(weakest, "everything looks mastered: review the weakest skill")


class NextTaskRequest(StructuredTask[NextTask]):
    """Which point of a task box to practise next, from a competence-per-cell observation."""

    output_type = NextTask

    def __init__(
        self, box: TaskBox, obs: np.ndarray, grid: tuple[int, ...], threshold: float = 0.75
    ) -> None:
        self.box, self.obs, self.threshold = box, np.asarray(obs, np.float64), threshold
        self.grid = grid

    def messages(self) -> list:
        return [system(_SYSTEM), user(
            f"Tasks are points of the box [{self.box.low.tolist()}, {self.box.high.tolist()}]. "
            f"The first {len(self.grid)} coordinates select a cell of a {self.grid} grid. "
            f"The student's competence per cell (row-major, 0 to 1, mastered above "
            f"{self.threshold}) is:\n{np.array2string(self.obs, precision=2, separator=' ')}"
            '\n\nWhich task next? Reply as {"task": [numbers], "reason": "..."}'
        )]

    def parse(self, text: str) -> NextTask:
        answer = super().parse(text)
        task = np.asarray(answer.task, dtype=np.float64)
        if task.shape != self.box.low.shape or not (
            (task >= self.box.low) & (task <= self.box.high)).all():
            raise StructuredOutputError(f"task {answer.task} is not in the box", text, "NextTask")
        return answer

    def offline(self, rng: np.random.Generator) -> NextTask:
        # A random cell in progress (started, not mastered), else a uniform task.
        started = (self.obs > 0) & (self.obs <= self.threshold)
        if not started.any():
            return NextTask(self.box.uniform(rng).tolist(), "nothing in progress: explore")
        d, side = len(self.grid), np.asarray(self.grid)
        cell = np.array(np.unravel_index(int(rng.choice(np.flatnonzero(started))), self.grid))
        low, width = self.box.low, self.box.high - self.box.low
        point = np.concatenate([
            low[:d] + (cell + rng.random(d)) / side * width[:d], self.box.uniform(rng)[d:],
        ])
        return NextTask(self.box.clip(point).tolist(), "keep practising a cell in progress")


class LLMTeacher(Teacher):
    """Asks the :mod:`edusim.llm` chat layer for the next task, from a text rendering.

    Args:
        env: A tutoring environment with a curriculum, or a task-box environment.
        seed: Seed of the teacher's generator (item draws; the offline backend's policy).
        **config: :class:`LLMConfig` fields (``backend``).

    Example:
        >>> import gymnasium as gym, edusim
        >>> env = gym.make("edusim/Tutor-v0")
        >>> teacher = LLMTeacher(env, seed=0)
        >>> obs, _ = env.reset(seed=0)
        >>> env.unwrapped.curriculum.items[int(teacher.act(obs))].skills
        ('parts',)
    """

    config_class = LLMConfig

    def __init__(self, env: gym.Env, seed: int | None = None, **config: Any) -> None:
        super().__init__(env, seed, **config)
        backend = self.config.backend
        self.backend = backend_from_env(self.rng) if backend is None else backend
        self.last_answer: Any = None
        self.datagen = getattr(env.unwrapped, "datagen", None)  # DataGen envs: llm_datagen
        if self.datagen is not None:
            self.box = self.view = None
        elif isinstance(env.action_space, gym.spaces.Box):
            config = getattr(env.unwrapped, "config", None)
            if not hasattr(config, "cells_per_dim"):
                raise TypeError("the llm teacher needs a task-space grid, got "
                                f"{type(env.unwrapped).__name__}")
            self.grid = (config.cells_per_dim,) * config.n_dims
            self.box, self.view = TaskBox.of(env), None
        else:
            self.box, self.view = None, TutorView.of(env)
            self.items = self.view.items_by_skill()

    def act(self, obs: Any) -> Any:
        if self.datagen is not None:
            action, self.last_answer = data_action(self.datagen, self.backend, obs)
            return action
        obs = np.asarray(obs, dtype=np.float64)
        if self.view is None:
            answer = self.backend.answer(NextTaskRequest(self.box, obs, self.grid))
            self.last_answer = answer
            return self.box.cast(np.asarray(answer.value.task))
        answer = self.backend.answer(NextSkillRequest(self.view, obs))
        self.last_answer = answer
        skill = self.view.curriculum.graph.index(answer.value.skill)
        return np.int64(self.rng.choice(self.items[skill]))
