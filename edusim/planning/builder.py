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
from edusim.planning.analyst import error_rate, likely_mistakes, solve_item
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

__all__ = ["TimingModel", "build_plan", "item_by_id"]


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
    """The key idea of the skill's most common question form, else its name and prerequisites."""
    forms = Counter(
        solve_item(curriculum, curriculum.items[i]).form for i in curriculum.items_for_skill(skill)
    )
    forms.pop(None, None)
    if forms:
        return forms.most_common(1)[0][0].key_idea
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
            share = "Hardly anyone" if point.mastery < 0.05 else f"Only {point.mastery:.0%}"
            notes.append(
                f"{share} of the group has mastered '{point.name}': "
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


def _listed(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _numbers(label: str, numbers) -> str:
    """``Example 1``, ``Examples 1-3`` or ``Examples 1, 3`` (how the plan numbers them)."""
    numbers = list(numbers)
    if len(numbers) == 1:
        return f"{label} {numbers[0]}"
    consecutive = numbers == list(range(numbers[0], numbers[-1] + 1))
    shown = f"{numbers[0]}-{numbers[-1]}" if consecutive else ", ".join(map(str, numbers))
    return f"{label}s {shown}"


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
        solution = solve_item(curriculum, item)
        found: tuple[Mistake, ...] = ()
        if mistakes is not None:
            found = tuple(mistakes.get(item_id, ()))
        elif spec.analysed:
            found = likely_mistakes(solution, error_rate(item, profile))
        examples.append(
            WorkedExample(
                item.id,
                item.skills,
                item.difficulty,
                item.text or item.id,
                solution.answer,
                solution.steps,
                found,
            )
        )
    practice = []
    for item_id in spec.practice_ids:
        item = item_by_id(curriculum, item_id)
        solution = solve_item(curriculum, item)
        minutes = _minutes(len(solution.steps), timing.practice_base, timing.practice_per_step)
        practice.append(
            PracticeItem(
                item.id,
                item.skills,
                item.difficulty,
                item.text or item.id,
                solution.answer,
                minutes,
            )
        )
    points = _knowledge_points(curriculum, profile, spec)
    warm = "; ".join(names[s] for s in _warm_up_skills(curriculum, spec))
    blocks = [TimeBlock("Warm-up", timing.warm_up, f"Quick recall questions on: {warm}")]
    review = set(spec.review_skills)
    numbered = list(enumerate(examples, 1))
    for phase, role, explain in (
        ("Review", True, timing.explain_review),
        ("Direct instruction", False, timing.explain_target),
    ):
        skills = [p.name for p in points if (p.role == "review") == role]
        shown = [(n, e) for n, e in numbered if (set(e.skills) <= review) == role]
        if not skills and not shown:
            continue
        minutes = explain * len(skills) + sum(
            _minutes(len(e.steps), timing.example_base, timing.example_per_step) for _, e in shown
        )
        detail = "; ".join(skills) + f". {_counted(len(shown), 'worked example')}"
        detail += f" ({_numbers('Example', [n for n, _ in shown])})" if shown else ""
        blocks.append(TimeBlock(phase, _half(minutes), detail))
    if practice:
        blocks.append(
            TimeBlock(
                "Guided practice",
                _half(sum(p.minutes for p in practice)),
                f"{_counted(len(practice), 'item')} "
                f"({_numbers('Practice item', range(1, len(practice) + 1))})",
            )
        )
    blocks.append(
        TimeBlock("Exit ticket", timing.exit_ticket, "One item per target skill, answered alone")
    )
    return LessonPlan(
        topic=topic or _listed([names[s] for s in spec.target_skills]),
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
