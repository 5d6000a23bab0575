"""The planning agents as structured tasks of the chat layer.

Each agent is a :class:`~edusim.llm.StructuredTask`: on a language-model backend it prompts
and parses (validating every skill and item id against the curriculum), on the offline backend
it runs the rule-based policy. Callers use ``backend.answer(task)`` and never branch on the
backend.

* :class:`DraftTask` and :class:`ReviseTask` (the planner/optimizer) return a
  :class:`PlanDecision`: review skills, worked-example ids and practice ids.
* :class:`AnalyseTask` (the question analyst) returns a :class:`MistakeReport`.
* :class:`EvaluateTask` (the evaluator) returns :class:`~edusim.planning.PlanScores` from a
  rubric prompt.

Example:
    >>> from edusim.curriculum import load_builtin
    >>> from edusim.llm import OfflineBackend
    >>> from edusim.planning import simulate_profile
    >>> c = load_builtin("fractions")
    >>> task = DraftTask(c, simulate_profile(c, n_learners=5), ("add_like",))
    >>> OfflineBackend().answer(task).value.example_ids
    ('add_like-1',)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from edusim.curriculum import Curriculum
from edusim.llm import StructuredOutputError, StructuredTask, parse_structured, system, user
from edusim.llm.base import Message
from edusim.planning.analyst import error_rate, likely_mistakes, solve_item
from edusim.planning.builder import item_by_id
from edusim.planning.evaluator import CRITERIA, PlanScores, Thresholds, evaluate_offline
from edusim.planning.plan import LessonPlan, Mistake, MistakeType, PlanSpec
from edusim.planning.planner import PlannerConfig, draft_spec, revise_spec
from edusim.planning.profile import GroupProfile

__all__ = [
    "PlanDecision",
    "ExampleMistakes",
    "MistakeReport",
    "DraftTask",
    "ReviseTask",
    "AnalyseTask",
    "EvaluateTask",
]


@dataclass(frozen=True)
class PlanDecision:
    """What a planner decides; the targets are fixed by the request."""

    review_skills: tuple[str, ...] = ()
    example_ids: tuple[str, ...] = ()
    practice_ids: tuple[str, ...] = ()
    analyse: bool = True
    changes: tuple[str, ...] = ()

    def to_spec(self, targets: Sequence[str]) -> PlanSpec:
        return PlanSpec(
            tuple(targets),
            self.review_skills,
            self.example_ids,
            self.practice_ids,
            self.analyse,
            self.changes,
        )

    @classmethod
    def from_spec(cls, spec: PlanSpec) -> PlanDecision:
        return cls(
            spec.review_skills, spec.example_ids, spec.practice_ids, spec.analysed, spec.changes
        )


@dataclass(frozen=True)
class ExampleMistakes:
    """Likely mistakes on one worked example."""

    item_id: str
    mistakes: tuple[Mistake, ...] = field(default=())


@dataclass(frozen=True)
class MistakeReport:
    """The analyst's answer: mistakes per example."""

    examples: tuple[ExampleMistakes, ...] = ()

    def by_item(self) -> dict[str, tuple[Mistake, ...]]:
        return {e.item_id: e.mistakes for e in self.examples}


def _mastery_lines(curriculum: Curriculum, profile: GroupProfile, skills: Sequence[str]) -> str:
    graph = curriculum.graph
    return "\n".join(
        f"- {s} ({graph.name(s)}): mastery {profile.mastery_of(s):.2f}; "
        f"prerequisites {list(graph.prerequisites_of(s))}"
        for s in skills
    )


def _scope(curriculum: Curriculum, targets: Sequence[str]) -> list[str]:
    """Targets, their prerequisites and theirs, in prerequisite order."""
    graph = curriculum.graph
    near = set(targets)
    for _ in range(2):
        near |= {p for s in near for p in graph.prerequisites_of(s)}
    return [s for s in graph.topological_order() if s in near]


def _catalogue(curriculum: Curriculum, skills: Sequence[str]) -> str:
    wanted = set(skills)
    rows = [
        {"id": i.id, "skills": list(i.skills), "difficulty": i.difficulty, "text": i.text}
        for i in curriculum.items
        if set(i.skills) <= wanted
    ]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)


_PLANNER_SYSTEM = (
    "You are an expert mathematics teacher planning one lesson for a specific class. "
    "You choose which prerequisite skills to review, which curriculum items to show as "
    "worked examples and which to give as practice, in teaching order. Use only skill ids and "
    "item ids from the lists you are given. Reply with one JSON object and nothing else."
)
_DECISION_SHAPE = (
    '{"review_skills": [skill ids], "example_ids": [item ids], "practice_ids": [item ids], '
    '"analyse": true, "changes": ["what you changed and why"]}'
)


class _DecisionTask(StructuredTask[PlanDecision]):
    output_type = PlanDecision
    max_tokens = 1200

    def __init__(
        self,
        curriculum: Curriculum,
        profile: GroupProfile,
        targets: Sequence[str],
        config: PlannerConfig | None = None,
    ) -> None:
        self.curriculum, self.profile, self.targets = curriculum, profile, tuple(targets)
        self.config = config or PlannerConfig()

    def _context(self) -> str:
        scope = _scope(self.curriculum, self.targets)
        return (
            f"Curriculum: {self.curriculum.name}. Lesson length: "
            f"{self.config.duration_minutes:g} minutes (about 2-3 minutes per item).\n"
            f"Target skills: {list(self.targets)}\n"
            f"The class ({self.profile.n_learners} learners) and the skills in scope:\n"
            f"{_mastery_lines(self.curriculum, self.profile, scope)}\n"
            f"Items you may use (one JSON object per line):\n{_catalogue(self.curriculum, scope)}"
        )

    def parse(self, text: str) -> PlanDecision:
        decision = parse_structured(text, PlanDecision)
        graph = self.curriculum.graph
        bad_skills = [s for s in decision.review_skills if s not in graph]
        ids = {i.id for i in self.curriculum.items}
        bad_items = [i for i in (*decision.example_ids, *decision.practice_ids) if i not in ids]
        if bad_skills or bad_items:
            raise StructuredOutputError(
                f"unknown skill ids {bad_skills} / item ids {bad_items} "
                f"(not in curriculum {self.curriculum.name!r})",
                text,
                "PlanDecision",
            )
        if not decision.example_ids and not decision.practice_ids:
            raise StructuredOutputError("the plan names no items", text, "PlanDecision")
        return decision


class DraftTask(_DecisionTask):
    """The planner's first draft for ``targets``."""

    def messages(self) -> list[Message]:
        return [
            system(_PLANNER_SYSTEM),
            user(
                f"{self._context()}\n\nWrite the first draft of the plan as JSON: {_DECISION_SHAPE}"
            ),
        ]

    def offline(self, rng: np.random.Generator) -> PlanDecision:
        return PlanDecision.from_spec(draft_spec(self.curriculum, self.targets))


class ReviseTask(_DecisionTask):
    """The optimizer's revision of ``spec`` given its ``scores`` and feedback."""

    def __init__(
        self,
        curriculum: Curriculum,
        profile: GroupProfile,
        spec: PlanSpec,
        scores: PlanScores,
        plan_markdown: str,
        config: PlannerConfig | None = None,
    ) -> None:
        super().__init__(curriculum, profile, spec.target_skills, config)
        self.spec, self.scores, self.plan_markdown = spec, scores, plan_markdown

    def messages(self) -> list[Message]:
        scores = ", ".join(f"{c} {getattr(self.scores, c):g}" for c in CRITERIA)
        feedback = "\n".join(f"- {f}" for f in self.scores.feedback) or "- (none)"
        return [
            system(_PLANNER_SYSTEM),
            user(
                f"{self._context()}\n\nCurrent plan:\n{self.plan_markdown}\n\n"
                f"Evaluator scores (0-100): {scores}\nFeedback:\n{feedback}\n\n"
                f"Revise the plan to raise the weakest scores without lowering the others. "
                f"Reply as JSON: {_DECISION_SHAPE}"
            ),
        ]

    def offline(self, rng: np.random.Generator) -> PlanDecision:
        spec = revise_spec(self.curriculum, self.profile, self.spec, self.scores, self.config)
        return PlanDecision.from_spec(spec)


class AnalyseTask(StructuredTask[MistakeReport]):
    """The question analyst: likely mistakes on each worked example of ``plan``."""

    output_type = MistakeReport
    max_tokens = 1500

    def __init__(self, plan: LessonPlan, curriculum: Curriculum) -> None:
        self.plan, self.curriculum = plan, curriculum

    def messages(self) -> list[Message]:
        types = [m.value for m in MistakeType]
        examples = "\n".join(
            json.dumps(
                {
                    "item_id": e.item_id,
                    "question": e.question,
                    "answer": e.answer,
                    "group_error_rate": round(
                        error_rate(item_by_id(self.curriculum, e.item_id), self.plan.profile), 2
                    ),
                }
            )
            for e in self.plan.examples
        )
        return [
            system("You are an experienced mathematics teacher who knows how students go wrong."),
            user(
                f"For each worked example below, list 2-3 likely mistakes. Each mistake has a "
                f"type from {types}, a share (the fraction of the class expected to make it; "
                f"the shares of one example add up to at most its group_error_rate) and a note "
                f"showing the mistake on this example's numbers and how to address it.\n"
                f"{examples}\n\nReply as JSON: "
                '{"examples": [{"item_id": ..., "mistakes": [{"type": ..., "share": ..., '
                '"note": ...}]}]}'
            ),
        ]

    def parse(self, text: str) -> MistakeReport:
        report = parse_structured(text, MistakeReport)
        shown = {e.item_id for e in self.plan.examples}
        unknown = [e.item_id for e in report.examples if e.item_id not in shown]
        if unknown:
            raise StructuredOutputError(
                f"mistakes for items not in the plan: {unknown}", text, "MistakeReport"
            )
        return report

    def offline(self, rng: np.random.Generator) -> MistakeReport:
        found = []
        for example in self.plan.examples:
            item = item_by_id(self.curriculum, example.item_id)
            rate = error_rate(item, self.plan.profile)
            found.append(
                ExampleMistakes(item.id, likely_mistakes(solve_item(self.curriculum, item), rate))
            )
        return MistakeReport(tuple(found))


_RUBRIC = """Score the lesson plan on five criteria, each 0-100:
- clarity: examples are solved step by step; each skill is shown before it is practised;
  practice goes from easy to hard; not too many skills at once.
- integrity: every target skill has a worked example and practice; weak prerequisites
  (mastery below {weak}) of the targets are reviewed first; nothing needs a skill taught later.
- depth: examples carry analysed common mistakes; practice spans easy to hard; there is a
  challenge item; weak targets get a second example.
- practicality: the timing fits {duration:g} minutes; the items exist and have answers;
  enough of the time is practice.
- pertinence: practice goes to skills this class has not mastered (mastery below {mastered})
  and is ready for, in proportion to need, at a difficulty that suits its mastery."""


class EvaluateTask(StructuredTask[PlanScores]):
    """The evaluator: five criteria (rubric prompt on a language model, rules offline)."""

    output_type = PlanScores
    max_tokens = 600

    def __init__(
        self, plan: LessonPlan, curriculum: Curriculum, thresholds: Thresholds | None = None
    ) -> None:
        self.plan, self.curriculum = plan, curriculum
        self.thresholds = thresholds or Thresholds()

    def messages(self) -> list[Message]:
        t = self.thresholds
        rubric = _RUBRIC.format(
            weak=t.weak, mastered=t.mastered, duration=self.plan.duration_minutes
        )
        scope = _scope(self.curriculum, self.plan.target_skills)
        return [
            system("You are a strict reviewer of mathematics lesson plans."),
            user(
                f"{rubric}\n\nThe class and the skills in scope:\n"
                f"{_mastery_lines(self.curriculum, self.plan.profile, scope)}\n\n"
                f"The plan:\n{self.plan.to_markdown()}\n\nReply as JSON: "
                '{"clarity": ..., "integrity": ..., "depth": ..., "practicality": ..., '
                '"pertinence": ..., "feedback": ["what to improve", ...]}'
            ),
        ]

    def offline(self, rng: np.random.Generator) -> PlanScores:
        return evaluate_offline(self.plan, self.curriculum, self.thresholds)
