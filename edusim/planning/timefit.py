"""The lesson length is a hard limit: shorten a plan until it fits, keep practice in it.

:func:`fit_to_time` is applied to every version of a plan, whoever wrote it (the rule-based
planner or a language model). While the plan runs too long it removes, in this order:
practice beyond two items per skill (the least needed first), second worked examples, reviewed
prerequisites (the last added first, with their items), practice beyond one item per skill,
and only then the remaining practice. When the lesson then has room for a practice item and
none is left, it adds the quickest item for the neediest target. A plan whose worked examples
alone overrun the lesson raises :class:`PlanningError` saying how long the shortest plan is.

Example:
    >>> from edusim.curriculum import load_builtin
    >>> from edusim.planning.planner import draft_spec
    >>> from edusim.planning.profile import simulate_profile
    >>> c = load_builtin("fractions")
    >>> ctx = PlanContext(c, simulate_profile(c, n_learners=5), PlannerConfig(20.0))
    >>> spec = draft_spec(c, ["add_like", "simplify"])
    >>> ctx.minutes(spec) > 20, ctx.minutes(fit_to_time(ctx, spec)) <= 20
    (True, True)
"""

from __future__ import annotations

from collections import Counter

from edusim.planning.context import PlanContext, PlannerConfig
from edusim.planning.errors import PlanningError
from edusim.planning.plan import PlanSpec

__all__ = ["fit_to_time", "PlannerConfig", "PlanContext"]


def _counted(n: int) -> str:
    return "one skill" if n == 1 else f"{n} skills"


def _without(spec: PlanSpec, drop: set[str], **fields) -> PlanSpec:
    return spec.with_changes(
        *spec.changes,
        example_ids=tuple(i for i in spec.example_ids if i not in drop),
        practice_ids=tuple(i for i in spec.practice_ids if i not in drop),
        **fields,
    )


def _least_needed(ctx: PlanContext, ids: list[str]) -> str:
    """The practice item whose skill has the most items for its need (the last on ties)."""
    skills = [ctx.skill_of(i) for i in ids]
    counts = Counter(skills)
    k = max(range(len(ids)), key=lambda k: (counts[skills[k]] / (ctx.need(skills[k]) + 0.05), k))
    return ids[k]


def _beyond(ctx: PlanContext, ids: tuple[str, ...], keep: int) -> list[str]:
    """The items of ``ids`` past the first ``keep`` of their skill."""
    seen: Counter[str] = Counter()
    extra = []
    for item_id in ids:
        skill = ctx.skill_of(item_id)
        seen[skill] += 1
        if seen[skill] > keep:
            extra.append(item_id)
    return extra


def _shorter(ctx: PlanContext, spec: PlanSpec) -> PlanSpec | None:
    """``spec`` less one thing (see the module docstring for the order), or ``None``."""
    extra = _beyond(ctx, spec.practice_ids, 2)
    if extra:
        return _without(spec, {_least_needed(ctx, extra)})
    taught = set(spec.target_skills) | set(spec.review_skills)
    examples = _beyond(ctx, spec.example_ids, 1)
    examples += [i for i in spec.example_ids if ctx.skill_of(i) not in taught]
    if examples:
        return _without(spec, {examples[-1]})
    if spec.review_skills:
        skill = spec.review_skills[-1]
        items = {i for i in (*spec.example_ids, *spec.practice_ids) if ctx.skill_of(i) == skill}
        return _without(spec, items, review_skills=spec.review_skills[:-1])
    extra = _beyond(ctx, spec.practice_ids, 1) or list(spec.practice_ids)
    if extra:
        return _without(spec, {_least_needed(ctx, extra)})
    return None


def _add_practice(ctx: PlanContext, spec: PlanSpec) -> PlanSpec:
    """``spec`` with the quickest spare item of the neediest target, when it fits."""
    used = set(spec.example_ids)
    limit = ctx.config.duration_minutes
    for skill in sorted(spec.target_skills, key=lambda s: -ctx.need(s)):
        for item_id in ctx.single_items(skill) or [
            ctx.curriculum.items[i].id for i in ctx.curriculum.items_for_skill(skill)
        ]:
            if item_id in used:
                continue
            trial = spec.with_changes(*spec.changes, practice_ids=(item_id,))
            if ctx.minutes(trial) <= limit:
                return trial
    return spec


def fit_to_time(ctx: PlanContext, spec: PlanSpec) -> PlanSpec:
    """``spec`` shortened to the lesson length, with practice whenever a practice item fits.

    A note of what was removed is added to the spec's changes.

    Raises:
        PlanningError: When even one worked example per target skill overruns the lesson.
    """
    limit = ctx.config.duration_minutes
    current = spec
    while ctx.minutes(current) > limit:
        shorter = _shorter(ctx, current)
        if shorter is None:
            n = len(spec.target_skills)
            raise PlanningError(
                f"{_counted(n)} {'does' if n == 1 else 'do'} not fit in {limit:g} minutes: the "
                f"shortest plan (one worked example each, no practice) takes "
                f"{ctx.minutes(current):g} minutes. Choose fewer skills or a longer lesson."
            )
        current = shorter
    if not current.practice_ids:
        current = _add_practice(ctx, current)
    if current == spec:
        return spec
    removed = len(spec.example_ids) + len(spec.practice_ids)
    removed -= len(current.example_ids) + len(current.practice_ids)
    if removed < 0:
        return current.with_changes(*current.changes, "practicality: added a practice item")
    note = f"practicality: shortened to fit {limit:g} minutes ({removed} fewer items"
    if len(current.review_skills) < len(spec.review_skills):
        note += ", fewer prerequisites reviewed"
    return current.with_changes(*current.changes, note + ")")
