"""The ``llm`` teacher's policy on the DataGen envs: the rendered observation in, a plan out.

The chat layer gets the env's text rendering of the observation (per-skill accuracies and data
shares, a skill tree, or a sample of the student's errors) and the names it may allocate over,
and replies with weights per name and whether to explore. Offline (no model configured), the
rule-based planner reads the **same text**: it parses the accuracy lines (``- add: 0.42 |
0.17``) or the error lines (``- 12+35= | 46 | 47``, labelled by the solver), gives each name
a weight of ``1 - accuracy`` (errors + 0.5 on the open env), keeps a floor of 0.05 for
mastered names, and on a tree explores skills below 0.9 that still hide sub-skills.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from edusim.llm import Answer, ChatBackend, StructuredOutputError, system, user
from edusim.llm.task import StructuredTask
from edusim.tasks import ParseError, parse

__all__ = ["DataPlan", "DataPlanRequest", "data_action"]

_SYSTEM = (
    "You plan training data for a small model that is learning arithmetic. Each round you "
    "split a budget of generated examples over skills so that its held-out accuracy rises "
    "as much as possible. Reply with JSON only."
)
_ACCURACY = re.compile(r"^\s*- ([a-z][\w/-]*): ([0-9.]+) \| ([0-9.]+)$")
_HIDDEN = re.compile(r"\((\d+) sub-skill\(s\) not yet explored\)")
_ERROR = re.compile(r"^- (.+?) \| (.*?) \| (.+)$")


@dataclass(frozen=True)
class DataPlan:
    """Weights per arm name, whether to explore, and why."""

    weights: dict[str, float] = field(default_factory=dict)
    explore: bool = False
    reason: str = ""


class DataPlanRequest(StructuredTask[DataPlan]):
    """What data to generate next, from the text of a DataGen observation."""

    output_type = DataPlan

    def __init__(self, text: str, arms: list[str], can_explore: bool) -> None:
        self.text, self.arms, self.can_explore = text, list(arms), can_explore

    def messages(self) -> list:
        explore = ('Set "explore": true to open the sub-skills of the skills you weight '
                   "instead. " if self.can_explore else "")
        return [system(_SYSTEM), user(
            f"{self.text}\n\nNames you can allocate over: {', '.join(self.arms)}. {explore}"
            'Reply as {"weights": {"<name>": <weight 0..1>, ...}, "explore": false, '
            '"reason": "..."}')]

    def parse(self, text: str) -> DataPlan:
        plan = super().parse(text)
        unknown = [name for name in plan.weights if name not in self.arms]
        if unknown:
            raise StructuredOutputError(f"unknown names {unknown}", text, "DataPlan")
        return plan

    def offline(self, rng: np.random.Generator) -> DataPlan:
        accuracy, hidden, errors, skill = {}, set(), {}, None
        for line in self.text.splitlines():
            if m := _ACCURACY.match(line):
                accuracy[m[1]] = float(m[2])
                skill = m[1] if "/" not in m[1] else skill
            elif (m := _HIDDEN.search(line)) and skill is not None:
                hidden.add(skill)
            elif m := _ERROR.match(line):
                try:
                    name = parse(m[1]).subskill
                except ParseError:
                    continue
                errors[name] = errors.get(name, 0) + 1
        if errors or not accuracy:  # the open env: weight by sampled errors
            return DataPlan({a: errors.get(a, 0) + 0.5 for a in self.arms}, False,
                            "more data where the sampled errors are")
        if self.can_explore:
            weak = [s for s in hidden if accuracy.get(s, 1.0) < 0.9]
            if weak:
                return DataPlan({s: 1.0 - accuracy[s] for s in weak}, True,
                                "open the sub-skills of weak skills")
        return DataPlan({a: max(0.05, 1.0 - accuracy[a]) for a in self.arms if a in accuracy},
                        False, "more data where accuracy is low")


def data_action(datagen: Any, backend: ChatBackend, obs: Any) -> tuple[np.ndarray, Answer]:
    """The env action the backend's plan gives for ``obs`` (``datagen``: the env's teacher
    interface, ``env.unwrapped.datagen``), and the backend's answer."""
    can_explore = bool(datagen.explorable(obs).any())
    answer = backend.answer(DataPlanRequest(datagen.text(obs), datagen.arms, can_explore))
    weights = np.array([answer.value.weights.get(a, 0.0) for a in datagen.arms])
    return datagen.action_for(weights, answer.value.explore and can_explore), answer
