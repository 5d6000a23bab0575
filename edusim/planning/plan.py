"""The lesson plan and its parts, as typed, JSON-ready dataclasses.

A :class:`LessonPlan` is pure data: it names skills and items of a curriculum by id but does
not hold the curriculum, so it serialises with :meth:`LessonPlan.to_dict` and compares by
value. Plans are built by :func:`edusim.planning.build_plan` from a :class:`PlanSpec` (the
decisions: which skills, examples and practice items) and rendered by
:func:`edusim.planning.render_markdown`.

Example:
    >>> m = Mistake(MistakeType.CALCULATION, 0.25, "adds 3 + 4 = 8")
    >>> Mistake.from_dict(m.to_dict()) == m
    True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import Enum
from typing import Any

from edusim.planning.errors import PlanningError
from edusim.planning.profile import GroupProfile

__all__ = [
    "PlanningError",
    "MistakeType",
    "Mistake",
    "KnowledgePoint",
    "WorkedExample",
    "PracticeItem",
    "TimeBlock",
    "PlanSpec",
    "LessonPlan",
]


class MistakeType(str, Enum):
    """The mistake taxonomy the question analyst draws from."""

    TRANSPOSITION = "transposition"
    CALCULATION = "calculation"
    SIMPLIFICATION = "simplification"
    IGNORED_CONDITION = "ignored condition"
    MISREADING = "misreading"
    MISAPPLIED_RULE = "misapplied rule"

    @classmethod
    def parse(cls, text: str) -> MistakeType:
        """The mistake type named ``text`` (case, ``_`` and ``-`` are ignored).

        Example:
            >>> MistakeType.parse("Misapplied_Rule")
            <MistakeType.MISAPPLIED_RULE: 'misapplied rule'>
        """
        if isinstance(text, cls):
            return text
        key = str(text).strip().lower().replace("_", " ").replace("-", " ")
        for member in cls:
            if member.value == key:
                return member
        raise PlanningError(f"unknown mistake type {text!r}; valid types: {[m.value for m in cls]}")


@dataclass(frozen=True)
class Mistake:
    """A likely mistake on one example.

    Attributes:
        type: Its place in the taxonomy.
        share: Estimated share of the group that makes it, in ``[0, 1]``.
        note: What the mistake looks like on this example, and how to address it.
    """

    type: MistakeType
    share: float
    note: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", MistakeType.parse(self.type))
        if not 0.0 <= float(self.share) <= 1.0:
            raise PlanningError(f"mistake share must lie in [0, 1], got {self.share}")
        object.__setattr__(self, "share", float(self.share))

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type.value, "share": self.share, "note": self.note}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Mistake:
        return cls(data["type"], float(data["share"]), str(data["note"]))


@dataclass(frozen=True)
class KnowledgePoint:
    """One skill the lesson teaches or reviews.

    Attributes:
        skill: Skill id.
        name: Human-readable skill name.
        role: ``"target"`` (taught) or ``"review"`` (a prerequisite refreshed first).
        mastery: The group's mean mastery of the skill before the lesson.
        prerequisites: Direct prerequisites of the skill.
        summary: One sentence stating the idea.
    """

    skill: str
    name: str
    role: str
    mastery: float
    prerequisites: tuple[str, ...] = ()
    summary: str = ""

    def __post_init__(self) -> None:
        if self.role not in ("target", "review"):
            raise PlanningError(f"knowledge point role must be target or review, got {self.role!r}")
        object.__setattr__(self, "prerequisites", tuple(self.prerequisites))


@dataclass(frozen=True)
class _PlannedItem:
    """A curriculum item as it appears in a plan: id, skills, difficulty, question, answer."""

    item_id: str
    skills: tuple[str, ...]
    difficulty: float
    question: str
    answer: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "skills", tuple(self.skills))


@dataclass(frozen=True)
class WorkedExample(_PlannedItem):
    """A worked example: a curriculum item solved step by step, with its likely mistakes."""

    steps: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "mistakes", tuple(self.mistakes))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["mistakes"] = [m.to_dict() for m in self.mistakes]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkedExample:
        fields = dict(data)
        fields["mistakes"] = tuple(Mistake.from_dict(m) for m in data.get("mistakes", ()))
        return cls(**fields)


@dataclass(frozen=True)
class PracticeItem(_PlannedItem):
    """One practice question with its estimated time."""

    minutes: float = 0.0


@dataclass(frozen=True)
class TimeBlock:
    """One phase of the lesson: activity name, minutes, and what happens."""

    activity: str
    minutes: float
    detail: str = ""


@dataclass(frozen=True)
class PlanSpec:
    """The decisions a planner makes; :func:`edusim.planning.build_plan` turns them into a plan.

    Attributes:
        target_skills: Skills the lesson teaches.
        review_skills: Prerequisites refreshed before the targets.
        example_ids: Items shown as worked examples, in order.
        practice_ids: Items practised, in order.
        analysed: Whether the question analyst annotated the examples with mistakes.
        changes: What produced this spec (for the revision history).
    """

    target_skills: tuple[str, ...]
    review_skills: tuple[str, ...] = ()
    example_ids: tuple[str, ...] = ()
    practice_ids: tuple[str, ...] = ()
    analysed: bool = False
    changes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("target_skills", "review_skills", "example_ids", "practice_ids", "changes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.target_skills:
            raise PlanningError("a plan needs at least one target skill")

    def with_changes(self, *changes: str, **fields: Any) -> PlanSpec:
        """A copy with ``fields`` replaced and ``changes`` recorded (replacing older ones)."""
        return replace(self, changes=tuple(changes), **fields)


@dataclass(frozen=True)
class LessonPlan:
    """A complete lesson plan for one group of learners.

    Attributes:
        topic: Lesson title.
        curriculum: Name of the curriculum the skill and item ids refer to.
        duration_minutes: Time available.
        profile: The learner group the plan is for.
        spec: The decisions the plan was built from.
        knowledge_points: Skills reviewed and taught, prerequisites first.
        examples: Worked examples, in teaching order.
        practice: Practice items, ordered by difficulty within the skill sequence.
        timing: Phases of the lesson with minutes.
        notes: Differentiation and delivery notes.
    """

    topic: str
    curriculum: str
    duration_minutes: float
    profile: GroupProfile
    spec: PlanSpec
    knowledge_points: tuple[KnowledgePoint, ...]
    examples: tuple[WorkedExample, ...]
    practice: tuple[PracticeItem, ...]
    timing: tuple[TimeBlock, ...]
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("knowledge_points", "examples", "practice", "timing", "notes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def target_skills(self) -> tuple[str, ...]:
        return self.spec.target_skills

    @property
    def review_skills(self) -> tuple[str, ...]:
        return self.spec.review_skills

    @property
    def planned_minutes(self) -> float:
        """Sum of the minutes of every phase."""
        return float(sum(block.minutes for block in self.timing))

    def sequence(self) -> tuple[str, ...]:
        """Item ids in the order the class meets them: examples, then practice."""
        return tuple(e.item_id for e in self.examples) + tuple(p.item_id for p in self.practice)

    def to_markdown(self) -> str:
        """The plan as Markdown (see :func:`edusim.planning.markdown.render_markdown`)."""
        from edusim.planning.markdown import render_markdown

        return render_markdown(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; :meth:`from_dict` inverts it."""
        return {
            "topic": self.topic,
            "curriculum": self.curriculum,
            "duration_minutes": self.duration_minutes,
            "profile": self.profile.to_dict(),
            "spec": asdict(self.spec),
            "knowledge_points": [asdict(k) for k in self.knowledge_points],
            "examples": [e.to_dict() for e in self.examples],
            "practice": [asdict(p) for p in self.practice],
            "timing": [asdict(t) for t in self.timing],
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LessonPlan:
        """Rebuild a plan from :meth:`to_dict` output.

        Raises:
            PlanningError: When a field is missing or malformed.
        """
        try:
            return cls(
                topic=str(data["topic"]),
                curriculum=str(data["curriculum"]),
                duration_minutes=float(data["duration_minutes"]),
                profile=GroupProfile.from_dict(data["profile"]),
                spec=PlanSpec(**data["spec"]),
                knowledge_points=tuple(KnowledgePoint(**k) for k in data["knowledge_points"]),
                examples=tuple(WorkedExample.from_dict(e) for e in data["examples"]),
                practice=tuple(PracticeItem(**p) for p in data["practice"]),
                timing=tuple(TimeBlock(**t) for t in data["timing"]),
                notes=tuple(data.get("notes", ())),
            )
        except (KeyError, TypeError) as exc:
            raise PlanningError(f"malformed lesson plan: {exc!r}") from None
