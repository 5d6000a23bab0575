"""The offline evaluator: five criteria, 0-100, computed from a plan's structure and skill graph.

* **clarity**: every example is solved in steps, every practised skill is shown in a worked
  example before it is practised, practice ramps up in difficulty, few skills at once.
* **integrity**: every target skill has an example and practice, the weak prerequisites of the
  targets are reviewed, no item needs a skill that is taught later.
* **depth**: examples carry analysed mistakes, practice spans each target's difficulty range,
  there is a challenge item, weak targets get a second example.
* **practicality**: the phases fit the time, every item exists and has an answer, enough time
  is practice.
* **pertinence**: practice goes to skills this group has not mastered and is ready for, in
  proportion to need, at a difficulty that matches its mastery.

Each criterion comes with feedback lines naming what to change; the optimizer acts on them.

Example:
    >>> s = PlanScores(80, 70, 60, 90, 50)
    >>> s.overall, s.weakest()
    (70.0, ('pertinence', 'depth', 'integrity', 'clarity', 'practicality'))
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from edusim.curriculum import Curriculum
from edusim.planning.errors import PlanningError
from edusim.planning.plan import LessonPlan

__all__ = ["CRITERIA", "DEFINITIONS", "PlanScores", "Thresholds", "evaluate_offline"]

#: The five criteria, in display order.
CRITERIA: tuple[str, ...] = ("clarity", "integrity", "depth", "practicality", "pertinence")

#: Each criterion in one plain sentence (shown wherever a score is shown).
DEFINITIONS: dict[str, str] = {
    "clarity": "Each example is solved step by step, each skill is shown before it is "
    "practised, and practice goes from easy to hard.",
    "integrity": "Every skill taught gets a worked example and practice, and weak "
    "prerequisites are reviewed first.",
    "depth": "The examples point out common mistakes, practice spans easy to hard items, and "
    "there is a challenge item.",
    "practicality": "The lesson fits its time, every question has an answer, and enough of the "
    "time is practice.",
    "pertinence": "Practice goes to what this class is ready for and has not yet mastered, at "
    "a level that suits it.",
}

#: A feedback line and what following it does to the plan: ``_MORE`` adds material (takes more
#: time), ``_EXAMPLES`` adds worked examples (takes time from practice), ``_SAME`` neither.
_Line = tuple[str, str]
_MORE, _EXAMPLES, _SAME = "more", "more examples", ""


@dataclass(frozen=True)
class PlanScores:
    """Scores of one plan, 0-100 per criterion, with feedback.

    Attributes:
        clarity, integrity, depth, practicality, pertinence: The five criteria.
        feedback: What to improve, most important first.
    """

    clarity: float
    integrity: float
    depth: float
    practicality: float
    pertinence: float
    feedback: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in CRITERIA:
            value = float(getattr(self, name))
            if not 0.0 <= value <= 100.0:
                raise PlanningError(f"score {name} must lie in [0, 100], got {value}")
            object.__setattr__(self, name, round(value, 1))
        object.__setattr__(self, "feedback", tuple(str(f) for f in self.feedback))

    @property
    def overall(self) -> float:
        """Mean of the five criteria."""
        return round(float(np.mean([getattr(self, c) for c in CRITERIA])), 1)

    def as_dict(self) -> dict[str, float]:
        """The five criteria and ``overall``."""
        return {**{c: getattr(self, c) for c in CRITERIA}, "overall": self.overall}

    def weakest(self) -> tuple[str, ...]:
        """Criteria from lowest to highest score (ties in :data:`CRITERIA` order)."""
        return tuple(sorted(CRITERIA, key=lambda c: getattr(self, c)))


@dataclass(frozen=True)
class Thresholds:
    """Mastery levels and limits the evaluator (and the rule-based planner) use.

    Attributes:
        mastered: Group mastery at or above which a skill needs no more practice.
        weak: Mastery below which a prerequisite should be reviewed before its dependants.
        max_skills: Skills one lesson can handle without overload.
        min_fill: Share of the available time a plan should use.
        min_practice_share: Share of the planned time that should be practice.
    """

    mastered: float = 0.85
    weak: float = 0.5
    max_skills: int = 4
    min_fill: float = 0.85
    min_practice_share: float = 0.3


def _share(flags: list[bool], empty: float = 1.0) -> float:
    return float(np.mean(flags)) if flags else empty


def _names(curriculum: Curriculum, skills) -> str:
    return ", ".join(f"'{curriculum.graph.name(s)}'" for s in skills)


def _clarity(plan: LessonPlan, curriculum: Curriculum, t: Thresholds) -> tuple[float, list[_Line]]:
    feedback = []
    stepped = _share([len(e.steps) >= 2 and bool(e.answer) for e in plan.examples], 0.0)
    shown = {s for e in plan.examples for s in e.skills}
    practised = {s for p in plan.practice for s in p.skills}
    unshown = sorted(practised - shown)
    introduced = 1.0 - len(unshown) / max(len(practised), 1)
    if unshown:
        feedback.append(
            (
                f"clarity: show {_names(curriculum, unshown)} in a worked example "
                "before practising it",
                _MORE,
            )
        )
    ramps = []
    for skill in sorted(practised):
        levels = [p.difficulty for p in plan.practice if skill in p.skills]
        ramps.append(all(a <= b for a, b in zip(levels, levels[1:], strict=False)))
    ramp = _share(ramps)
    if ramp < 1.0:
        feedback.append(("clarity: order practice easiest first within each skill", _SAME))
    n_skills = len(plan.knowledge_points)
    load = max(0.0, 1.0 - 0.2 * max(n_skills - t.max_skills, 0))
    if load < 1.0:
        feedback.append((f"clarity: {n_skills} skills in one lesson is a lot; teach fewer", _SAME))
    return 100 * (0.25 * stepped + 0.35 * introduced + 0.2 * ramp + 0.2 * load), feedback


def _weak_prerequisites(plan: LessonPlan, curriculum: Curriculum, t: Thresholds) -> list[str]:
    graph, targets = curriculum.graph, set(plan.target_skills)
    pre = {p for s in targets for p in graph.prerequisites_of(s)} - targets
    return [s for s in graph.skills if s in pre and plan.profile.mastery_of(s) < t.weak]


def _in_order(plan: LessonPlan, curriculum: Curriculum) -> float:
    """Share of item pairs where no earlier item needs a skill first taught by a later one."""
    graph = curriculum.graph.graph
    skills = [set(e.skills) for e in plan.examples] + [set(p.skills) for p in plan.practice]
    pairs = ok = 0
    for i, early in enumerate(skills):
        needed = set().union(*(nx.ancestors(graph, s) for s in early))
        for late in skills[i + 1 :]:
            pairs += 1
            ok += not (late - early) & needed
    return ok / pairs if pairs else 1.0


def _integrity(
    plan: LessonPlan, curriculum: Curriculum, t: Thresholds
) -> tuple[float, list[_Line]]:
    feedback: list[_Line] = []
    covered, unshown, unpractised = [], [], []
    for skill in plan.target_skills:
        example = any(skill in e.skills for e in plan.examples)
        practice = sum(skill in p.skills for p in plan.practice)
        unshown += [] if example else [skill]
        if plan.profile.mastery_of(skill) >= t.mastered:  # practice on it would be wasted
            covered.append(float(example))
            continue
        covered.append(0.5 * example + 0.25 * min(practice, 2))
        unpractised += [skill] if practice < 2 else []
    if unshown:
        names = _names(curriculum, unshown)
        feedback.append((f"integrity: show {names} in a worked example", _MORE))
    if unpractised:
        names = _names(curriculum, unpractised)
        feedback.append((f"integrity: give {names} two practice items each", _MORE))
    weak = _weak_prerequisites(plan, curriculum, t)
    items = {s for e in plan.examples for s in e.skills} | {
        s for p in plan.practice for s in p.skills
    }
    reviewed = [s in plan.review_skills and s in items for s in weak]
    missing = [s for s, r in zip(weak, reviewed, strict=True) if not r]
    if missing:
        feedback.append(
            (f"integrity: review the weak prerequisites {_names(curriculum, missing)} first", _MORE)
        )
    order = _in_order(plan, curriculum)
    if order < 1.0:
        feedback.append(("integrity: some items come before the skills they need", _SAME))
    score = 0.5 * _share(covered, 0.0) + 0.3 * _share(reviewed) + 0.2 * order
    return 100 * score, feedback


def _depth(plan: LessonPlan, curriculum: Curriculum, t: Thresholds) -> tuple[float, list[_Line]]:
    feedback = []
    analysed = _share([len(e.mistakes) >= 2 for e in plan.examples], 0.0)
    if analysed < 1.0:
        feedback.append(("depth: point out the likely mistakes on every worked example", _SAME))
    spans = []
    for skill in plan.target_skills:
        bank = curriculum.items.difficulties()[curriculum.items_for_skill(skill)]
        levels = [i.difficulty for i in (*plan.examples, *plan.practice) if skill in i.skills]
        full = float(bank.max() - bank.min()) if bank.size else 0.0
        spans.append(1.0 if full == 0 else (max(levels) - min(levels)) / full if levels else 0.0)
    span = _share(spans, 0.0)
    if span < 0.8:
        feedback.append(
            ("depth: practise each target from its easiest to its hardest items", _MORE)
        )
    hardest = {
        s: curriculum.items.difficulties()[curriculum.items_for_skill(s)].max()
        for s in plan.target_skills
        if curriculum.items_for_skill(s).size
    }
    challenge = any(
        len(p.skills) > 1 or any(p.difficulty >= hardest.get(s, np.inf) for s in p.skills)
        for p in plan.practice
    )
    if not challenge:
        feedback.append(
            ("depth: end with a challenge item (the hardest or a two-skill item)", _MORE)
        )
    need = [
        sum(s in e.skills for e in plan.examples) >= (2 if plan.profile.mastery_of(s) < 0.5 else 1)
        for s in plan.target_skills
    ]
    if not all(need):
        feedback.append(
            ("depth: give the least mastered targets a second worked example", _EXAMPLES)
        )
    score = 0.4 * analysed + 0.3 * span + 0.15 * challenge + 0.15 * _share(need)
    return 100 * score, feedback


def _practicality(
    plan: LessonPlan, curriculum: Curriculum, t: Thresholds
) -> tuple[float, list[_Line]]:
    feedback: list[_Line] = []
    ratio = plan.planned_minutes / plan.duration_minutes
    practice = sum(p.minutes for p in plan.practice) / max(plan.planned_minutes, 1e-9)
    volume = min(practice / t.min_practice_share, 1.0)
    over = (
        f"practicality: the plan takes {plan.planned_minutes:g} minutes of a "
        f"{plan.duration_minutes:g}-minute lesson; shorten it"
    )
    if ratio > 1.0:
        fit = max(0.0, 1.0 - 3.0 * (ratio - 1.0))
        keep = " and keep the practice: drop a worked example or a reviewed skill"
        feedback.append((over + (keep if volume < 1.0 else " by dropping practice items"), _SAME))
    elif ratio < t.min_fill:
        fit = max(0.0, 1.0 - 2.0 * (t.min_fill - ratio))
        feedback.append(
            (
                f"practicality: only {plan.planned_minutes:g} of the "
                f"{plan.duration_minutes:g} minutes are used; add practice",
                _MORE,
            )
        )
    else:
        fit = 1.0
        if volume < 1.0:
            feedback.append(
                (
                    "practicality: too little of the time is practice; give practice "
                    "items the time of a worked example",
                    _SAME,
                )
            )
    ids = {i.id for i in curriculum.items}
    exist = _share(
        [
            i in ids and bool(a)
            for i, a in [(e.item_id, e.answer) for e in plan.examples]
            + [(p.item_id, p.answer) for p in plan.practice]
        ],
        0.0,
    )
    return 100 * (0.6 * fit + 0.2 * exist + 0.2 * volume), feedback


def _ready(plan: LessonPlan, curriculum: Curriculum, t: Thresholds, skill: str) -> bool:
    return all(
        plan.profile.mastery_of(p) >= t.weak
        or p in plan.spec.review_skills
        or p in plan.target_skills
        for p in curriculum.graph.prerequisites_of(skill)
    )


def _pertinence(
    plan: LessonPlan, curriculum: Curriculum, t: Thresholds
) -> tuple[float, list[_Line]]:
    feedback = []
    m = plan.profile.mastery_of
    zone = [
        all(m(s) < t.mastered and _ready(plan, curriculum, t, s) for s in p.skills)
        for p in plan.practice
    ]
    in_zone = _share(zone, 0.0)
    outside = {s for p, z in zip(plan.practice, zone, strict=True) if not z for s in p.skills}
    known = [s for s in curriculum.graph.skills if s in outside and m(s) >= t.mastered]
    if known:
        feedback.append(
            (
                f"pertinence: the class has already mastered {_names(curriculum, known)}; "
                "practise what it has not mastered instead",
                _SAME,
            )
        )
    far = [
        s
        for s in curriculum.graph.skills
        if s in outside and s not in known and not _ready(plan, curriculum, t, s)
    ]
    if far:
        feedback.append(
            (
                f"pertinence: {_names(curriculum, far)} needs prerequisites the class "
                "has not mastered; review those first",
                _MORE,
            )
        )
    scope = [
        s for s in (*plan.review_skills, *plan.target_skills) if _ready(plan, curriculum, t, s)
    ]
    need = np.array([max(t.mastered - m(s), 0.0) for s in scope])
    given = np.array([sum(s in p.skills for p in plan.practice) for s in scope], dtype=float)
    if need.sum() > 0 and given.sum() > 0:
        balance = 1.0 - 0.5 * float(np.abs(need / need.sum() - given / given.sum()).sum())
    else:
        balance = 1.0 if need.sum() == 0 else 0.0
    if balance < 0.8:
        feedback.append(("pertinence: give the least mastered skills more of the practice", _SAME))
    fits = []
    for skill in {s for p in plan.practice for s in p.skills}:
        bank = curriculum.items.difficulties()[curriculum.items_for_skill(skill)]
        levels = [p.difficulty for p in plan.practice if skill in p.skills]
        ideal = bank.min() + m(skill) * (bank.max() - bank.min())
        width = max(float(bank.max() - bank.min()), 1e-9)
        fits.append(max(0.0, 1.0 - abs(float(np.mean(levels)) - ideal) / width))
    fit = _share(fits, 0.0)
    if fit < 0.8:
        feedback.append(("pertinence: match item difficulty to what the class has mastered", _SAME))
    return 100 * (0.4 * in_zone + 0.3 * balance + 0.3 * fit), feedback


def evaluate_offline(
    plan: LessonPlan, curriculum: Curriculum, thresholds: Thresholds | None = None
) -> PlanScores:
    """Score ``plan`` on the five criteria from its structure, the skill graph and the profile.

    Example:
        >>> from edusim.curriculum import load_builtin
        >>> from edusim.planning import draft_plan, simulate_profile
        >>> c = load_builtin("fractions")
        >>> plan = draft_plan(c, simulate_profile(c, n_learners=5), ["add_unlike"])
        >>> 0 <= evaluate_offline(plan, c).overall <= 100
        True
    """
    t = thresholds or Thresholds()
    if plan.curriculum != curriculum.name:
        raise PlanningError(f"plan is for curriculum {plan.curriculum!r}, not {curriculum.name!r}")
    values, lines = {}, []
    for name, criterion in zip(
        CRITERIA, (_clarity, _integrity, _depth, _practicality, _pertinence), strict=True
    ):
        score, found = criterion(plan, curriculum, t)
        values[name] = min(max(score, 0.0), 100.0)
        lines.extend(found)
    # Advice is never contradictory: a plan over its time is told only to shorten it, and one
    # with too little practice is not told to add worked examples.
    muted = {_MORE, _EXAMPLES} if plan.planned_minutes > plan.duration_minutes else set()
    if any(text.startswith("practicality: too little") for text, _ in lines):
        muted.add(_EXAMPLES)
    feedback = tuple(text for text, effect in lines if effect not in muted)
    return PlanScores(**values, feedback=feedback)
