"""Planner integrity, checked as properties over many (level, skills, minutes, seed) lessons.

For every lesson: no version of the plan runs over the lesson length; practice is empty only
when no practice item would fit; the version marked best is the highest-scoring one; no text a
teacher reads holds an internal code (skill or item ids, Python lists, difficulty numbers,
learner-model names, "0% of"); feedback never asks for opposite things; every answer shown is
the solver's and the item's own.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
import pytest

from edusim.curriculum import load_builtin
from edusim.planning import (
    DEFINITIONS,
    LEVELS,
    OptimizerConfig,
    PlanContext,
    PlannerConfig,
    PlanningError,
    PlanningResult,
    optimize_plan,
    render_history,
    render_markdown,
    simulate_profile,
    solve_item,
)

CURRICULUM = load_builtin("fractions")
SKILLS = list(CURRICULUM.graph.skills)
ITEM_IDS = [i.id for i in CURRICULUM.items]


def _lessons(n: int, seed: int = 11) -> list[tuple[str, tuple[str, ...], int, int]]:
    rng = np.random.default_rng(seed)
    lessons = []
    for _ in range(n):
        k = int(rng.integers(1, 5))
        skills = tuple(str(s) for s in rng.choice(SKILLS, size=k, replace=False))
        lessons.append(
            (str(rng.choice(list(LEVELS))), skills, int(rng.choice([20, 30, 45, 60, 90])),
             int(rng.integers(0, 1000)))
        )
    # the lesson of the issue: a beginner class, four skills, 45 minutes
    return [("beginner", ("number_line", "equivalent", "sub_like", "mixed"), 45, 0), *lessons]


LESSONS = _lessons(80)

def _alternatives(words) -> str:
    return "|".join(map(re.escape, words))


#: What must never reach a teacher: ids, Python lists, difficulty numbers, model codes.
CODES = re.compile(
    "|".join(
        [
            rf"\b(?:{_alternatives(ITEM_IDS)})\b",
            rf"\b(?:{_alternatives(s for s in SKILLS if '_' in s)})\b",
            rf"'(?:{_alternatives(SKILLS)})'",
            r"\[\s*'",
            r"difficulty\s*[+-]?\d",
            r"\bOnly 0%",
            r"\bbkt\b|\blogistic\b|\bseed\b",
        ]
    )
)
#: Pairs of advice that contradict each other.
CONTRADICTIONS = [
    (r"shorten|dropping practice|cut practice", r"add practice|\badd |give .* practice|second"),
    (r"too little of the time is practice", r"second worked example|dropping practice"),
]


@pytest.fixture(scope="module")
def results() -> dict[tuple, PlanningResult | PlanningError]:
    out: dict[tuple, PlanningResult | PlanningError] = {}
    for level, skills, minutes, seed in LESSONS:
        profile = simulate_profile(CURRICULUM, level, n_learners=20, seed=seed)
        config = OptimizerConfig(
            rounds=3, class_size=60, seed=seed, planner=PlannerConfig(float(minutes))
        )
        try:
            out[(level, skills, minutes, seed)] = optimize_plan(
                CURRICULUM, profile, skills, config=config
            )
        except PlanningError as exc:
            out[(level, skills, minutes, seed)] = exc
    return out


def _planned(results):
    return [(key, r) for key, r in results.items() if isinstance(r, PlanningResult)]


def test_most_lessons_are_planned_and_refusals_are_honest(results):
    planned = _planned(results)
    assert len(planned) >= 0.8 * len(results)
    for (_, skills, minutes, _), r in results.items():
        if isinstance(r, PlanningError):
            text = str(r)
            assert "Choose fewer skills or a longer lesson" in text, text
            shortest = float(re.search(r"takes ([\d.]+) minutes", text).group(1))
            assert shortest > minutes and len(skills) >= 2


def test_no_version_runs_over_the_lesson_length(results):
    for (_, _, minutes, _), r in _planned(results):
        for version in r.rounds:
            assert version.plan.planned_minutes <= minutes, (minutes, version.changes)
            assert version.plan.duration_minutes == minutes


def test_practice_is_empty_only_when_no_practice_item_fits(results):
    for (level, skills, minutes, seed), r in _planned(results):
        profile = simulate_profile(CURRICULUM, level, n_learners=20, seed=seed)
        ctx = PlanContext(CURRICULUM, profile, PlannerConfig(float(minutes)))
        for version in r.rounds:
            if version.plan.practice:
                continue
            spec = version.plan.spec
            for skill in skills:
                for item_id in ctx.single_items(skill):
                    if item_id not in spec.example_ids:
                        trial = spec.with_changes(practice_ids=(item_id,))
                        assert ctx.minutes(trial) > minutes, (skills, minutes, item_id)


def test_best_is_the_highest_scoring_version(results):
    for _, r in _planned(results):
        overall = [v.scores.overall for v in r.rounds]
        assert r.best.scores.overall == max(overall)
        assert r.best_index == overall.index(max(overall)) or (
            r.rounds[r.best_index].utility.gain
            >= max(v.utility.gain for v in r.rounds if v.scores.overall == max(overall))
        )
        table = render_history(r.rounds, r.best_index)
        best_row = next(line for line in table.splitlines() if "(best)" in line)
        assert f"| {max(overall):.1f} |" in best_row


def _teacher_texts(r: PlanningResult) -> list[str]:
    texts = [render_history(r.rounds, r.best_index)]
    for version in r.rounds:
        plan = version.plan
        texts.append(render_markdown(plan, version.scores, version.utility))
        texts += [*version.scores.feedback, *version.changes, *plan.notes]
        texts += [b.detail for b in plan.timing]
    return texts


def test_no_internal_codes_reach_the_teacher(results):
    for key, r in _planned(results):
        for text in _teacher_texts(r):
            found = CODES.search(text)
            assert found is None, (key, found.group(0), text[max(found.start() - 80, 0):][:200])


def test_feedback_never_contradicts_itself(results):
    for key, r in _planned(results):
        for version in r.rounds:
            joined = "\n".join(version.scores.feedback)
            for one, other in CONTRADICTIONS:
                assert not (re.search(one, joined) and re.search(other, joined)), (key, joined)
            names = {CURRICULUM.graph.name(s) for s in SKILLS}
            for name in names:
                mastered = re.search(rf"already mastered [^;]*'{re.escape(name)}'", joined)
                more = re.search(rf"give [^;]*'{re.escape(name)}'[^;]* practice", joined)
                assert not (mastered and more), (key, name, joined)


def test_every_answer_shown_is_the_solvers_and_the_items(results):
    items = {i.id: i for i in CURRICULUM.items}
    for _, r in _planned(results):
        for version in r.rounds:
            for shown in (*version.plan.examples, *version.plan.practice):
                item = items[shown.item_id]
                assert shown.answer == solve_item(CURRICULUM, item).answer == item.answer


@pytest.mark.parametrize(
    "item", [i for i in CURRICULUM.items if "larger" in (i.text or "")], ids=lambda i: i.id
)
def test_compare_answers_name_the_larger_fraction_as_written(item):
    """Checked without the solver: "Which is larger: 4/8 or 2/8?" is answered "4/8"."""
    a, b = re.findall(r"\d+/\d+", item.text)
    assert item.answer == (a if Fraction(a) > Fraction(b) else b)


def test_every_score_is_shown_with_its_definition(results):
    _, r = _planned(results)[0]
    text = render_markdown(r.best.plan, r.best.scores, r.best.utility)
    for criterion, sentence in DEFINITIONS.items():
        assert f"| {criterion} | {getattr(r.best.scores, criterion):.1f} | {sentence} |" in text
        assert sentence.endswith(".") and sentence.count(".") == 1
