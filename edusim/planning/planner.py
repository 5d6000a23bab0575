"""The rule-based planner: a first draft, and revisions driven by the evaluator's scores.

:func:`draft_spec` writes the plan a hurried teacher would: the target skills in prerequisite
order, the first bank item of each as the worked example and the rest of its items as practice,
in bank order, ignoring the group. :func:`revise_spec` then acts on the weakest criteria, the
way EduPlanner's optimizer acts on its evaluator's feedback:

* integrity: review the targets' weak prerequisites; give every target an example and practice;
* pertinence: reallocate practice to the skills the group is ready for and has not mastered,
  in proportion to need, easiest first;
* practicality: fill the lesson's time with practice (it never runs over: every version is
  fitted to the lesson length by :func:`~edusim.planning.timefit.fit_to_time`);
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

from collections.abc import Callable, Sequence

import numpy as np

from edusim.curriculum import Curriculum
from edusim.planning.builder import build_plan
from edusim.planning.context import PlanContext, PlannerConfig
from edusim.planning.errors import PlanningError
from edusim.planning.evaluator import PlanScores, Thresholds
from edusim.planning.plan import LessonPlan, PlanSpec
from edusim.planning.profile import GroupProfile
from edusim.planning.timefit import fit_to_time

__all__ = ["PlannerConfig", "suggest_targets", "draft_spec", "revise_spec", "draft_plan"]


def _check_targets(curriculum: Curriculum, targets: Sequence[str]) -> tuple[str, ...]:
    if not targets:
        raise PlanningError("give at least one target skill")
    unknown = [s for s in targets if s not in curriculum.graph]
    if unknown:
        raise PlanningError(
            f"unknown skill(s) {unknown} in curriculum {curriculum.name!r}; "
            f"known: {list(curriculum.graph.skills)}"
        )
    rank = {s: i for i, s in enumerate(curriculum.graph.topological_order())}
    return tuple(sorted(dict.fromkeys(targets), key=rank.__getitem__))


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
    return _check_targets(curriculum, chosen)


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
    spec = fit_to_time(PlanContext(curriculum, profile, config), draft_spec(curriculum, targets))
    return build_plan(curriculum, profile, spec, config.duration_minutes, timing=config.timing)


# -- revision operators -------------------------------------------------------------------
Operator = Callable[[PlanContext, PlanSpec], tuple[PlanSpec, str | None]]


def _prerequisites_below(ctx: PlanContext, spec: PlanSpec, level: float) -> list[str]:
    """Direct prerequisites of the targets, not yet reviewed, with mastery below ``level``."""
    graph = ctx.curriculum.graph
    pre = {p for s in spec.target_skills for p in graph.prerequisites_of(s)}
    pre -= set(spec.target_skills) | set(spec.review_skills)
    return sorted((p for p in pre if ctx.mastery(p) < level), key=ctx.order)


def _with_review(ctx: PlanContext, spec: PlanSpec, skills: Sequence[str]) -> PlanSpec:
    """``spec`` reviewing ``skills`` too: each gets its easiest item as an example, one practice."""
    examples, practice = list(spec.example_ids), list(spec.practice_ids)
    for skill in skills:
        ids = ctx.single_items(skill)
        if ids and ids[0] not in examples:
            examples.insert(0, ids[0])
        practice.extend(i for i in ids[1:2] if i not in practice)
    return spec.with_changes(
        review_skills=spec.review_skills + tuple(skills),
        example_ids=tuple(examples),
        practice_ids=tuple(practice),
    )


def _review(ctx: PlanContext, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    added = _prerequisites_below(ctx, spec, ctx.config.thresholds.weak)
    if not added:
        return spec, None
    return _with_review(ctx, spec, added), f"review the weak prerequisites {ctx.names(added)}"


def _cover(ctx: PlanContext, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    examples, practice, fixed = list(spec.example_ids), list(spec.practice_ids), []
    for skill in spec.target_skills:
        ids = ctx.single_items(skill)
        if not any(ctx.skill_of(e) == skill for e in examples):
            examples.append(ids[0])
            fixed.append(skill)
        have = [p for p in practice if ctx.skill_of(p) == skill]
        spare = [i for i in ids if i not in examples and i not in practice]
        while len(have) < 2 and spare and ctx.need(skill) > 0:  # no practice on mastered
            have.append(spare.pop(0))
            practice.append(have[-1])
            fixed.append(skill)
    if not fixed:
        return spec, None
    new = spec.with_changes(example_ids=tuple(examples), practice_ids=tuple(practice))
    covered = [s for s in spec.target_skills if s in fixed]
    return new, f"give {ctx.names(covered)} a worked example and practice"


def _zone(ctx: PlanContext, spec: PlanSpec) -> list[str]:
    t, graph = ctx.config.thresholds, ctx.curriculum.graph
    taught = set(spec.review_skills) | set(spec.target_skills)
    return [
        s
        for s in (*spec.review_skills, *spec.target_skills)
        if ctx.mastery(s) < t.mastered
        and all(ctx.mastery(p) >= t.weak or p in taught for p in graph.prerequisites_of(s))
    ]


def _allocate(ctx: PlanContext, spec: PlanSpec, total: int) -> tuple[str, ...]:
    """``total`` practice items over the zone skills, in proportion to need, easiest first.

    A skill with too few spare items passes its share on to the next neediest skills.
    """
    zone = _zone(ctx, spec)
    if not zone:
        return spec.practice_ids
    spare = {s: [i for i in ctx.single_items(s) if i not in spec.example_ids] for s in zone}
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


def _retarget(ctx: PlanContext, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    practice = _allocate(ctx, spec, max(len(spec.practice_ids), 2 * len(spec.target_skills)))
    if practice == spec.practice_ids:
        return spec, None
    return spec.with_changes(practice_ids=practice), "reallocate practice to the group's needs"


def _fill(ctx: PlanContext, spec: PlanSpec) -> PlanSpec:
    """Add practice for the neediest zone skills while it fits the time."""
    duration = ctx.config.duration_minutes
    current = spec
    for skill in sorted(_zone(ctx, spec), key=lambda s: -ctx.need(s)) * 3:
        used = set(current.practice_ids) | set(current.example_ids)
        spare = [i for i in ctx.single_items(skill) if i not in used]
        if spare:
            trial = current.with_changes(practice_ids=current.practice_ids + (spare[0],))
            if ctx.minutes(trial) <= duration:
                current = trial
    return current


def _fit_time(ctx: PlanContext, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    """Trim the least needed practice when over time; when short, add practice, then
    consolidate unmastered prerequisites."""
    duration, t = ctx.config.duration_minutes, ctx.config.thresholds
    start = ctx.minutes(spec)
    current = _fill(ctx, fit_to_time(ctx, spec))
    for skill in _prerequisites_below(ctx, current, t.mastered):
        trial = _fill(ctx, _with_review(ctx, current, [skill]))
        if ctx.minutes(trial) <= duration:
            current = trial
    if (current.practice_ids, current.example_ids) == (spec.practice_ids, spec.example_ids):
        return spec, None
    return current, f"use the time well ({start:g} -> {ctx.minutes(current):g} minutes planned)"


def _order(ctx: PlanContext, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    def key(item_id: str) -> tuple[int, int, float]:
        item = ctx.item(item_id)
        return len(item.skills), ctx.order(ctx.skill_of(item_id)), item.difficulty

    examples = tuple(sorted(spec.example_ids, key=key))
    practice = tuple(sorted(spec.practice_ids, key=key))
    if (examples, practice) == (spec.example_ids, spec.practice_ids):
        return spec, None
    new = spec.with_changes(example_ids=examples, practice_ids=practice)
    return new, "order by prerequisites, then easiest first"


def _show_first(ctx: PlanContext, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    shown = {ctx.skill_of(e) for e in spec.example_ids}
    practised = dict.fromkeys(ctx.skill_of(i) for i in spec.practice_ids)
    missing = [s for s in practised if s not in shown]
    if not missing:
        return spec, None
    examples = list(spec.example_ids)
    practice = list(spec.practice_ids)
    for skill in missing:
        first = next(i for i in practice if ctx.skill_of(i) == skill)
        practice.remove(first)
        examples.append(first)
    new = spec.with_changes(example_ids=tuple(examples), practice_ids=tuple(practice))
    return new, f"show {ctx.names(missing)} in a worked example before practising it"


def _analyse(ctx: PlanContext, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    if spec.analysed:
        return spec, None
    return spec.with_changes(analysed=True), "analyse likely mistakes on each example"


def _deepen(ctx: PlanContext, spec: PlanSpec) -> tuple[PlanSpec, str | None]:
    examples, practice, changes = list(spec.example_ids), list(spec.practice_ids), []
    for skill in spec.target_skills:
        shown = [e for e in examples if ctx.skill_of(e) == skill]
        if ctx.mastery(skill) < 0.5 and len(shown) < 2:
            spare = [i for i in ctx.single_items(skill) if i not in examples]
            if spare:
                examples.append(spare[0])
                practice = [p for p in practice if p != spare[0]]
                changes.append(f"a second worked example for {ctx.names([skill])}")
    hardest = [ctx.single_items(s)[-1] for s in spec.target_skills]
    if not any(h in practice for h in hardest):
        challenge = next((h for h in reversed(hardest) if h not in examples), None)
        if challenge:
            practice.append(challenge)
            text = ctx.curriculum.items[ctx.curriculum.items.index(challenge)].text or challenge
            changes.append(f'end with a challenge item ("{text}")')
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

    The result is then fitted to the lesson length (:func:`fit_to_time`), whatever the
    criteria. The returned spec's ``changes`` list what was done (empty when nothing could be
    improved).
    """
    config = config or PlannerConfig()
    ctx = PlanContext(curriculum, profile, config)
    weakest = [c for c in scores.weakest() if getattr(scores, c) < config.good_enough]
    changes: list[str] = []
    current = spec
    for criterion in weakest[: config.criteria_per_round]:
        for operator in OPERATORS[criterion]:
            current, change = operator(ctx, current)
            if change:
                changes.append(f"{criterion}: {change}")
    return fit_to_time(ctx, current.with_changes(*changes))
