"""The rule-based planner: a first draft, and revisions driven by the evaluator's scores.

:func:`draft_spec` writes the plan a hurried teacher would: the target skills in prerequisite
order, the first bank item of each as the worked example and the rest of its items as practice,
in bank order, ignoring the group. :func:`revise_spec` then acts on the weakest criteria, the
way EduPlanner's optimizer acts on its evaluator's feedback:

* integrity: review the targets' weak prerequisites; give every target an example and practice;
* pertinence: reallocate practice to the skills the group is ready for and has not mastered,
  in proportion to need, easiest first;
* practicality: trim or fill practice until the lesson fits its time;
* depth: analyse likely mistakes, add second examples for weak targets, add a challenge item;
* clarity: show every practised skill in an example first, order practice by skill and difficulty.

Example:
    >>> from edusim.curriculum import load_builtin
    >>> from edusim.planning.profile import simulate_profile
    >>> c = load_builtin("fractions")
    >>> p = simulate_profile(c, n_learners=10)
    >>> suggest_targets(c, p)
    ('simplify', 'compare_like')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from edusim.curriculum import Curriculum
from edusim.planning.builder import TimingModel, build_plan
from edusim.planning.errors import PlanningError
from edusim.planning.evaluator import PlanScores, Thresholds
from edusim.planning.plan import LessonPlan, PlanSpec
from edusim.planning.profile import GroupProfile

__all__ = ["PlannerConfig", "suggest_targets", "draft_spec", "revise_spec", "draft_plan"]


@dataclass(frozen=True)
class PlannerConfig:
    """Settings of the rule-based planner.

    Attributes:
        duration_minutes: Time available.
        thresholds: Mastery levels and limits (shared with the evaluator).
        timing: Minutes per lesson element.
        criteria_per_round: How many of the weakest criteria one revision addresses.
        good_enough: Criteria scoring at least this are left alone.
    """

    duration_minutes: float = 45.0
    thresholds: Thresholds = field(default_factory=Thresholds)
    timing: TimingModel = field(default_factory=TimingModel)
    criteria_per_round: int = 2
    good_enough: float = 98.0


def _order_key(curriculum: Curriculum) -> Callable[[str], int]:
    rank = {s: i for i, s in enumerate(curriculum.graph.topological_order())}
    return rank.__getitem__


def _check_targets(curriculum: Curriculum, targets: Sequence[str]) -> tuple[str, ...]:
    if not targets:
        raise PlanningError("give at least one target skill")
    unknown = [s for s in targets if s not in curriculum.graph]
    if unknown:
        raise PlanningError(
            f"unknown skill(s) {unknown} in curriculum {curriculum.name!r}; "
            f"known: {list(curriculum.graph.skills)}"
        )
    return tuple(sorted(dict.fromkeys(targets), key=_order_key(curriculum)))


def suggest_targets(
    curriculum: Curriculum, profile: GroupProfile, k: int = 2, thresholds: Thresholds | None = None
) -> tuple[str, ...]:
    """The ``k`` least mastered skills whose prerequisites the group has (ready skills)."""
    t = thresholds or Thresholds()
    m = profile.mastery_of
    graph = curriculum.graph
    ready = [
        s
        for s in graph.topological_order()
        if m(s) < t.mastered and all(m(p) >= t.weak for p in graph.prerequisites_of(s))
    ]
    if not ready:
        ready = [s for s in graph.topological_order() if m(s) < t.mastered] or list(graph.skills)
    chosen = sorted(ready, key=lambda s: m(s))[:k]
    return tuple(sorted(chosen, key=_order_key(curriculum)))


def _single_items(curriculum: Curriculum, skill: str) -> list[str]:
    """Ids of the items that exercise only ``skill``, easiest first."""
    items = [curriculum.items[i] for i in curriculum.items_for_skill(skill)]
    return [i.id for i in sorted(items, key=lambda i: i.difficulty) if i.skills == (skill,)]


def draft_spec(curriculum: Curriculum, targets: Sequence[str]) -> PlanSpec:
    """The first draft: targets in prerequisite order, bank-order items, no review, no analysis.

    Example:
        >>> from edusim.curriculum import load_builtin
        >>> draft_spec(load_builtin("fractions"), ["add_like"]).example_ids
        ('add_like-1',)
    """
    targets = _check_targets(curriculum, targets)
    examples, practice = [], []
    for skill in targets:
        ids = [curriculum.items[i].id for i in curriculum.items_for_skill(skill)]
        examples.append(ids[0])
        practice.extend(i for i in ids[1:] if i not in practice)
    return PlanSpec(targets, (), tuple(examples), tuple(practice), False, ("first draft",))


def draft_plan(
    curriculum: Curriculum,
    profile: GroupProfile,
    targets: Sequence[str],
    config: PlannerConfig | None = None,
) -> LessonPlan:
    """The first-draft :class:`LessonPlan` (see :func:`draft_spec`)."""
    config = config or PlannerConfig()
    spec = draft_spec(curriculum, targets)
    return build_plan(curriculum, profile, spec, config.duration_minutes, timing=config.timing)


# -- revision operators -------------------------------------------------------------------
@dataclass(frozen=True)
class _Context:
    curriculum: Curriculum
    profile: GroupProfile
    config: PlannerConfig

    def mastery(self, skill: str) -> float:
        return self.profile.mastery_of(skill)

    def need(self, skill: str) -> float:
        return max(self.config.thresholds.mastered - self.mastery(skill), 0.0)

    def minutes(self, spec: PlanSpec) -> float:
        plan = build_plan(
            self.curriculum,
            self.profile,
            spec,
            self.config.duration_minutes,
            timing=self.config.timing,
        )
        return plan.planned_minutes


Operator = Callable[[_Context, PlanSpec], tuple[PlanSpec, str | None]]


def _skill_of(ctx: _Context, item_id: str) -> str:
    """The latest skill (in prerequisite order) an item exercises."""
    skills = ctx.curriculum.items[ctx.curriculum.items.index(item_id)].skills
    return max(skills, key=_order_key(ctx.curriculum))


def _prerequisites_below(ctx: _Context, spec: PlanSpec, level: float) -> list[str]:
    """Direct prerequisites of the targets, not yet reviewed, with mastery below ``level``."""
    graph = ctx.curriculum.graph
    pre = {p for s in spec.target_skills for p in graph.prerequisites_of(s)}
    pre -= set(spec.target_skills) | set(spec.review_skills)
    return sorted((p for p in pre if ctx.mastery(p) < level), key=_order_key(ctx.curriculum))


def _with_review(ctx: _Context, spec: PlanSpec, skills: Sequence[str]) -> PlanSpec:
    """``spec`` reviewing ``skills`` too: each gets its easiest item as an example, one practice."""
    examples, practice = list(spec.example_ids), list(spec.practice_ids)
    for skill in skills:
        ids = _single_items(ctx.curriculum, skill)
        if ids and ids[0] not in examples:
            examples.insert(0, ids[0])
        practice.extend(i for i in ids[1:2] if i not in practice)
    return spec.with_changes(
        review_skills=spec.review_skills + tuple(skills),
        example_ids=tuple(examples),
        practice_ids=tuple(practice),
    )


def _review(ctx: _Context, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    added = _prerequisites_below(ctx, spec, ctx.config.thresholds.weak)
    if not added:
        return spec, None
    return _with_review(ctx, spec, added), f"review weak prerequisites {added}"


def _cover(ctx: _Context, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    examples, practice, fixed = list(spec.example_ids), list(spec.practice_ids), []
    for skill in spec.target_skills:
        ids = _single_items(ctx.curriculum, skill)
        if not any(_skill_of(ctx, e) == skill for e in examples):
            examples.append(ids[0])
            fixed.append(skill)
        have = [p for p in practice if _skill_of(ctx, p) == skill]
        spare = [i for i in ids if i not in examples and i not in practice]
        while len(have) < 2 and spare:
            have.append(spare.pop(0))
            practice.append(have[-1])
            fixed.append(skill)
    if not fixed:
        return spec, None
    new = spec.with_changes(example_ids=tuple(examples), practice_ids=tuple(practice))
    return new, f"cover targets {sorted(set(fixed))}"


def _zone(ctx: _Context, spec: PlanSpec) -> list[str]:
    t, graph = ctx.config.thresholds, ctx.curriculum.graph
    taught = set(spec.review_skills) | set(spec.target_skills)
    return [
        s
        for s in (*spec.review_skills, *spec.target_skills)
        if ctx.mastery(s) < t.mastered
        and all(ctx.mastery(p) >= t.weak or p in taught for p in graph.prerequisites_of(s))
    ]


def _allocate(ctx: _Context, spec: PlanSpec, total: int) -> tuple[str, ...]:
    """``total`` practice items over the zone skills, in proportion to need, easiest first.

    A skill with too few spare items passes its share on to the next neediest skills.
    """
    zone = _zone(ctx, spec)
    if not zone:
        return spec.practice_ids
    spare = {
        s: [i for i in _single_items(ctx.curriculum, s) if i not in spec.example_ids] for s in zone
    }
    need = np.array([ctx.need(s) for s in zone]) + 1e-6
    counts = np.maximum(np.floor(need / need.sum() * total + 0.5).astype(int), 1)
    counts = np.minimum(counts, [len(spare[s]) for s in zone])
    for k in np.argsort(-need, kind="stable"):
        extra = min(total - int(counts.sum()), len(spare[zone[k]]) - int(counts[k]))
        counts[k] += max(extra, 0)
    chosen = []
    for skill, n in zip(zone, counts, strict=True):
        ids = spare[skill]
        start = int(round(ctx.mastery(skill) * max(len(ids) - int(n), 0)))
        chosen.extend(ids[start : start + int(n)])
    return tuple(chosen)


def _retarget(ctx: _Context, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    practice = _allocate(ctx, spec, max(len(spec.practice_ids), 2 * len(spec.target_skills)))
    if practice == spec.practice_ids:
        return spec, None
    return spec.with_changes(practice_ids=practice), "reallocate practice to the group's needs"


def _least_needed(ctx: _Context, ids: list[str]) -> int:
    """Index of the practice item whose skill has the most items for its need (last on ties)."""
    skills = [_skill_of(ctx, i) for i in ids]
    counts = Counter(skills)
    return max(range(len(ids)), key=lambda k: (counts[skills[k]] / (ctx.need(skills[k]) + 0.05), k))


def _fill(ctx: _Context, spec: PlanSpec) -> PlanSpec:
    """Add practice for the neediest zone skills while it fits the time."""
    duration = ctx.config.duration_minutes
    current = spec
    for skill in sorted(_zone(ctx, spec), key=lambda s: -ctx.need(s)) * 3:
        used = set(current.practice_ids) | set(current.example_ids)
        spare = [i for i in _single_items(ctx.curriculum, skill) if i not in used]
        if spare:
            trial = current.with_changes(practice_ids=current.practice_ids + (spare[0],))
            if ctx.minutes(trial) <= duration:
                current = trial
    return current


def _trim(ctx: _Context, spec: PlanSpec) -> PlanSpec:
    """Drop the least needed practice items until the lesson fits its time."""
    current = spec
    while ctx.minutes(current) > ctx.config.duration_minutes and current.practice_ids:
        ids = list(current.practice_ids)
        drop = _least_needed(ctx, ids)
        current = current.with_changes(practice_ids=tuple(ids[:drop] + ids[drop + 1 :]))
    return current


def _fit_time(ctx: _Context, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    """Trim the least needed practice when over time; when short, add practice, then
    consolidate unmastered prerequisites."""
    duration, t = ctx.config.duration_minutes, ctx.config.thresholds
    start = ctx.minutes(spec)
    current = _fill(ctx, _trim(ctx, spec))
    for skill in _prerequisites_below(ctx, current, t.mastered):
        trial = _fill(ctx, _with_review(ctx, current, [skill]))
        if ctx.minutes(trial) <= duration:
            current = trial
    if (current.practice_ids, current.example_ids) == (spec.practice_ids, spec.example_ids):
        return spec, None
    return current, f"fit the time ({start:g} -> {ctx.minutes(current):g} min)"


def _order(ctx: _Context, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    rank = _order_key(ctx.curriculum)
    items = ctx.curriculum.items

    def key(item_id: str) -> tuple[int, int, float]:
        item = items[items.index(item_id)]
        return len(item.skills), rank(_skill_of(ctx, item_id)), item.difficulty

    examples = tuple(sorted(spec.example_ids, key=key))
    practice = tuple(sorted(spec.practice_ids, key=key))
    if (examples, practice) == (spec.example_ids, spec.practice_ids):
        return spec, None
    new = spec.with_changes(example_ids=examples, practice_ids=practice)
    return new, "order by prerequisites, then easiest first"


def _show_first(ctx: _Context, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    shown = {_skill_of(ctx, e) for e in spec.example_ids}
    practised = dict.fromkeys(_skill_of(ctx, i) for i in spec.practice_ids)
    missing = [s for s in practised if s not in shown]
    if not missing:
        return spec, None
    examples = list(spec.example_ids)
    practice = list(spec.practice_ids)
    for skill in missing:
        first = next(i for i in practice if _skill_of(ctx, i) == skill)
        practice.remove(first)
        examples.append(first)
    new = spec.with_changes(example_ids=tuple(examples), practice_ids=tuple(practice))
    return new, f"show {missing} in a worked example first"


def _analyse(ctx: _Context, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    if spec.analysed:
        return spec, None
    return spec.with_changes(analysed=True), "analyse likely mistakes on each example"


def _deepen(ctx: _Context, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    examples, practice, changes = list(spec.example_ids), list(spec.practice_ids), []
    for skill in spec.target_skills:
        shown = [e for e in examples if _skill_of(ctx, e) == skill]
        if ctx.mastery(skill) < 0.5 and len(shown) < 2:
            spare = [i for i in _single_items(ctx.curriculum, skill) if i not in examples]
            if spare:
                examples.append(spare[0])
                practice = [p for p in practice if p != spare[0]]
                changes.append(f"second example for {skill}")
    hardest = [_single_items(ctx.curriculum, s)[-1] for s in spec.target_skills]
    if not any(h in practice for h in hardest):
        challenge = next((h for h in reversed(hardest) if h not in examples), None)
        if challenge:
            practice.append(challenge)
            changes.append(f"challenge item {challenge}")
    if not changes:
        return spec, None
    new = spec.with_changes(example_ids=tuple(examples), practice_ids=tuple(practice))
    return new, "; ".join(changes)


#: Revision operators per criterion, applied in order.
OPERATORS: dict[str, tuple[Operator, ...]] = {
    "integrity": (_review, _cover, _order),
    "pertinence": (_retarget, _order),
    "practicality": (_fit_time,),
    "depth": (_analyse, _deepen, _order),
    "clarity": (_show_first, _order),
}


def revise_spec(
    curriculum: Curriculum,
    profile: GroupProfile,
    spec: PlanSpec,
    scores: PlanScores,
    config: PlannerConfig | None = None,
) -> PlanSpec:
    """One revision: apply the operators of the weakest criteria of ``scores``.

    Practice is then trimmed to the available time, whatever the criteria. The returned spec's
    ``changes`` list what was done (empty when nothing could be improved).
    """
    config = config or PlannerConfig()
    ctx = _Context(curriculum, profile, config)
    weakest = [c for c in scores.weakest() if getattr(scores, c) < config.good_enough]
    changes: list[str] = []
    current = spec
    for criterion in weakest[: config.criteria_per_round]:
        for operator in OPERATORS[criterion]:
            current, change = operator(ctx, current)
            if change:
                changes.append(f"{criterion}: {change}")
    trimmed = _trim(ctx, current)
    if trimmed.practice_ids != current.practice_ids:
        changes.append(f"practicality: trim practice to {config.duration_minutes:g} min")
    return trimmed.with_changes(*changes)
