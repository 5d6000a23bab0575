"""Turn planning decisions (:class:`PlanSpec`) into a complete :class:`LessonPlan`.

The builder fills in what follows from the decisions: knowledge points with the group's
mastery, worked examples with solution steps (and the analyst's mistakes when the spec asks
for them), practice items with time estimates, the lesson's phases with minutes, and
differentiation notes from the group's ability vector.

Example:
    >>> from edusim.curriculum import load_builtin
    >>> from edusim.planning.profile import simulate_profile
    >>> c = load_builtin("fractions")
    >>> spec = PlanSpec(("add_like",), example_ids=("add_like-1",), practice_ids=("add_like-2",))
    >>> plan = build_plan(c, simulate_profile(c, n_learners=5), spec)
    >>> [block.activity for block in plan.timing]
    ['Warm-up', 'Direct instruction', 'Guided practice', 'Exit ticket']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from edusim.curriculum import Curriculum, CurriculumError, Item
from edusim.planning.analyst import error_rate, likely_mistakes
from edusim.planning.errors import PlanningError
from edusim.planning.plan import (
    KnowledgePoint,
    LessonPlan,
    Mistake,
    PlanSpec,
    PracticeItem,
    TimeBlock,
    WorkedExample,
)
from edusim.planning.profile import GroupProfile
from edusim.planning.solutions import Kind, solve

__all__ = ["TimingModel", "build_plan", "item_by_id", "KEY_IDEAS"]

#: The key idea of each question form, used as the summary of a knowledge point.
KEY_IDEAS: dict[Kind, str] = {
    Kind.DENOMINATOR: "The denominator counts the equal parts of the whole; the numerator "
    "counts the parts taken.",
    Kind.UNIT: "One of n equal parts of a whole is the unit fraction 1/n.",
    Kind.NUMBER_LINE: "a/n sits a steps of size 1/n to the right of 0.",
    Kind.LCM: "The least common multiple is a x b divided by their greatest common factor.",
    Kind.EQUIVALENT: "Multiplying top and bottom by the same number keeps the value.",
    Kind.SIMPLIFY: "Divide top and bottom by their greatest common factor.",
    Kind.COMPARE: "Over a common denominator, the larger numerator is the larger fraction.",
    Kind.ADD: "Rewrite over a common denominator, add the numerators, keep the denominator, "
    "simplify.",
    Kind.SUBTRACT: "Rewrite over a common denominator, subtract the numerators, simplify.",
    Kind.COMMON_DENOMINATOR: "The least common denominator is the least common multiple of "
    "the denominators.",
    Kind.TO_IMPROPER: "w a/b = (w x b + a)/b.",
    Kind.ADD_MIXED: "Convert to improper fractions, then add as with unlike denominators.",
    Kind.MUL_WHOLE: "n x a/b = (n x a)/b: only the numerator is multiplied.",
    Kind.FRACTION_OF: "a/b of q: split q into b equal parts and take a of them.",
    Kind.MULTIPLY: "Multiply numerators together and denominators together, then simplify.",
    Kind.RECIPROCAL: "Swap numerator and denominator; a number times its reciprocal is 1.",
    Kind.DIVIDE: "Dividing by a fraction is multiplying by its reciprocal.",
    Kind.TO_DECIMAL: "a/b is a divided by b.",
    Kind.WORD_REST: "Work out each part in order; 'of the rest' applies to what is left.",
}


@dataclass(frozen=True)
class TimingModel:
    """Minutes per lesson element.

    Attributes:
        warm_up: Opening recall activity.
        exit_ticket: Closing check.
        explain_target: Explaining a new skill.
        explain_review: Refreshing a prerequisite.
        example_base: Fixed minutes per worked example.
        example_per_step: Extra minutes per solution step of an example.
        practice_base: Fixed minutes per practice item.
        practice_per_step: Extra minutes per solution step of a practice item.
    """

    warm_up: float = 4.0
    exit_ticket: float = 4.0
    explain_target: float = 3.0
    explain_review: float = 1.5
    example_base: float = 1.0
    example_per_step: float = 0.75
    practice_base: float = 1.0
    practice_per_step: float = 0.5


def item_by_id(curriculum: Curriculum, item_id: str) -> Item:
    """The practice item ``item_id``; :class:`PlanningError` names an unknown id."""
    try:
        return curriculum.items[curriculum.items.index(item_id)]
    except CurriculumError:
        raise PlanningError(
            f"item {item_id!r} is not a practice item of curriculum {curriculum.name!r}"
        ) from None


def _half(x: float) -> float:
    return round(x * 2) / 2


def _summary(curriculum: Curriculum, skill: str) -> str:
    kinds = Counter(solve(curriculum.items[i]).kind for i in curriculum.items_for_skill(skill))
    kinds.pop(Kind.GENERIC, None)
    if kinds:
        return KEY_IDEAS[kinds.most_common(1)[0][0]]
    graph = curriculum.graph
    pre = [graph.name(p).lower() for p in graph.prerequisites_of(skill)]
    return f"{graph.name(skill)}." + (f" Builds on: {'; '.join(pre)}." if pre else "")


def _knowledge_points(
    curriculum: Curriculum, profile: GroupProfile, spec: PlanSpec
) -> tuple[KnowledgePoint, ...]:
    graph = curriculum.graph
    roles = [(s, "review") for s in spec.review_skills] + [
        (s, "target") for s in spec.target_skills
    ]
    return tuple(
        KnowledgePoint(
            skill,
            graph.name(skill),
            role,
            profile.mastery_of(skill),
            graph.prerequisites_of(skill),
            _summary(curriculum, skill),
        )
        for skill, role in roles
    )


def _notes(profile: GroupProfile, points: tuple[KnowledgePoint, ...]) -> tuple[str, ...]:
    ability = np.asarray(profile.ability)
    low, high = float((ability < -1.0).mean()), float((ability > 1.0).mean())
    notes = []
    if low > 0:
        notes.append(
            f"About {low:.0%} of the group is well below average: pair them and give them the "
            "first practice items with the worked example visible."
        )
    if high > 0:
        notes.append(
            f"About {high:.0%} is well above average: let them start at the harder items and "
            "explain one worked example to a peer."
        )
    for point in points:
        if point.role == "review" and point.mastery < 0.5:
            notes.append(
                f"Only {point.mastery:.0%} of the group has mastered '{point.name}': "
                "check it with a show of hands before the new material."
            )
        elif point.role == "target" and point.mastery >= 0.85:
            notes.append(
                f"{point.mastery:.0%} of the group already masters '{point.name}': "
                "keep its part short or move to a harder target."
            )
    return tuple(notes)


def _warm_up_skills(curriculum: Curriculum, spec: PlanSpec) -> tuple[str, ...]:
    """The review skills, else the targets' direct prerequisites, else the first target."""
    if spec.review_skills:
        return spec.review_skills
    pre = {p for t in spec.target_skills for p in curriculum.graph.prerequisites_of(t)}
    pre -= set(spec.target_skills)
    ordered = tuple(s for s in curriculum.graph.skills if s in pre)
    return ordered or spec.target_skills[:1]


def _minutes(steps: int, base: float, per_step: float) -> float:
    return _half(base + per_step * max(steps - 1, 0))


def build_plan(
    curriculum: Curriculum,
    profile: GroupProfile,
    spec: PlanSpec,
    duration_minutes: float = 45.0,
    topic: str | None = None,
    mistakes: Mapping[str, tuple[Mistake, ...]] | None = None,
    timing: TimingModel | None = None,
) -> LessonPlan:
    """The lesson plan that ``spec`` describes, for ``profile``, in ``curriculum``.

    Args:
        curriculum: Where skills and items come from.
        profile: The learner group (must cover the curriculum's skills).
        spec: The decisions (skills, examples, practice items).
        duration_minutes: Time available.
        topic: Title; defaults to the target skills' names.
        mistakes: Mistakes per example item id (e.g. from a language-model analyst); when
            ``None`` and ``spec.analysed`` is true, the rule-based analyst supplies them.
        timing: Minutes per element.

    Raises:
        PlanningError: On an unknown skill or item id, or a profile for other skills.
    """
    timing = timing or TimingModel()
    profile.check(curriculum)
    for skill in (*spec.target_skills, *spec.review_skills):
        if skill not in curriculum.graph:
            raise PlanningError(f"unknown skill {skill!r} in curriculum {curriculum.name!r}")
    graph = curriculum.graph
    names = {s: graph.name(s) for s in graph.skills}
    examples = []
    for item_id in spec.example_ids:
        item = item_by_id(curriculum, item_id)
        solution = solve(item, names)
        found: tuple[Mistake, ...] = ()
        if mistakes is not None:
            found = tuple(mistakes.get(item_id, ()))
        elif spec.analysed:
            found = likely_mistakes(item, error_rate(item, profile), solution)
        examples.append(
            WorkedExample(
                item.id,
                item.skills,
                item.difficulty,
                item.text or item.id,
                item.answer or "",
                solution.steps,
                found,
            )
        )
    practice = []
    for item_id in spec.practice_ids:
        item = item_by_id(curriculum, item_id)
        steps = len(solve(item).steps)
        minutes = _minutes(steps, timing.practice_base, timing.practice_per_step)
        practice.append(
            PracticeItem(
                item.id,
                item.skills,
                item.difficulty,
                item.text or item.id,
                item.answer or "",
                minutes,
            )
        )
    points = _knowledge_points(curriculum, profile, spec)
    blocks = [
        TimeBlock(
            "Warm-up",
            timing.warm_up,
            "Quick recall questions on: "
            + ", ".join(names[s] for s in _warm_up_skills(curriculum, spec)),
        )
    ]
    review = set(spec.review_skills)
    for phase, role, explain in (
        ("Review", True, timing.explain_review),
        ("Direct instruction", False, timing.explain_target),
    ):
        skills = [p.skill for p in points if (p.role == "review") == role]
        shown = [e for e in examples if (set(e.skills) <= review) == role]
        if not skills and not shown:
            continue
        minutes = explain * len(skills) + sum(
            _minutes(len(e.steps), timing.example_base, timing.example_per_step) for e in shown
        )
        shown_ids = ", ".join(e.item_id for e in shown) or "none"
        detail = f"{len(skills)} skill(s); worked examples: {shown_ids}"
        blocks.append(TimeBlock(phase, _half(minutes), detail))
    if practice:
        blocks.append(
            TimeBlock(
                "Guided practice",
                _half(sum(p.minutes for p in practice)),
                f"{len(practice)} items: " + ", ".join(p.item_id for p in practice),
            )
        )
    blocks.append(
        TimeBlock("Exit ticket", timing.exit_ticket, "One item per target skill, answered alone")
    )
    return LessonPlan(
        topic=topic or " and ".join(names[s] for s in spec.target_skills),
        curriculum=curriculum.name,
        duration_minutes=float(duration_minutes),
        profile=profile,
        spec=spec,
        knowledge_points=points,
        examples=tuple(examples),
        practice=tuple(practice),
        timing=tuple(blocks),
        notes=_notes(profile, points),
    )
