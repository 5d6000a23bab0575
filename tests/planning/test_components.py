"""Offline planning components: solutions, analyst, profiles, builder, evaluator, simulation."""

from __future__ import annotations

import pandas as pd
import pytest

from edusim.curriculum import Item, load_builtin
from edusim.planning import (
    GroupProfile,
    LessonPlan,
    Mistake,
    MistakeType,
    PlanningError,
    PlanSpec,
    build_plan,
    draft_plan,
    draft_spec,
    error_rate,
    evaluate_offline,
    likely_mistakes,
    load_profile,
    profile_from_interactions,
    simulate_class,
    simulate_profile,
    solve,
    solve_item,
)

CURRICULUM = load_builtin("fractions")


@pytest.fixture(scope="module")
def profile() -> GroupProfile:
    return simulate_profile(CURRICULUM, "intermediate", n_learners=30, seed=0)


@pytest.mark.parametrize("item", [*CURRICULUM.items, *CURRICULUM.test_bank], ids=lambda i: i.id)
def test_every_fractions_item_is_solved_to_its_stored_answer(item: Item) -> None:
    solution = solve_item(CURRICULUM, item)
    assert solution.form is not None
    assert solution.answer == item.answer  # written as the question expects, not just equal
    assert len(solution.steps) >= 3 and solution.steps[-1] == f"Answer: {item.answer}."


def test_unrecognised_question_gets_generic_steps() -> None:
    solution = solve(Item("x", ("s",), 0.0, "Explain why.", "because"), ())
    assert solution.form is None and "because" in solution.steps[-1]
    assert len(solution.mistakes()) == 3


@pytest.mark.parametrize("item", list(CURRICULUM.items), ids=lambda i: i.id)
def test_analyst_shares_split_the_error_rate(item: Item) -> None:
    mistakes = likely_mistakes(solve_item(CURRICULUM, item), 0.4)
    assert len(mistakes) >= 2
    assert sum(m.share for m in mistakes) == pytest.approx(0.4, abs=0.01)
    assert all(isinstance(m.type, MistakeType) and m.note for m in mistakes)


def test_analyst_writes_mistakes_on_the_examples_numbers() -> None:
    item = Item(
        "q",
        ("word_problems",),
        0.0,
        "A class of 100 students: 1/5 walk to school and 6/10 of the rest come by "
        "bus. How many come by bus?",
        "48",
    )
    notes = {m.type: m.note for m in likely_mistakes(solve_item(CURRICULUM, item), 0.5)}
    assert "(60)" in notes[MistakeType.IGNORED_CONDITION]
    assert "(20)" in notes[MistakeType.MISREADING]


def test_mistake_type_parse_and_errors() -> None:
    assert MistakeType.parse("Ignored_Condition") is MistakeType.IGNORED_CONDITION
    with pytest.raises(PlanningError, match="unknown mistake type"):
        MistakeType.parse("typo")
    with pytest.raises(PlanningError, match="share"):
        Mistake(MistakeType.CALCULATION, 1.5, "x")


def test_error_rate_falls_with_mastery() -> None:
    item = CURRICULUM.items[0]
    low = GroupProfile(CURRICULUM.graph.skills, [0.0] * CURRICULUM.n_skills, [0.0])
    high = GroupProfile(CURRICULUM.graph.skills, [1.0] * CURRICULUM.n_skills, [0.0])
    assert error_rate(item, low) == pytest.approx(0.8)
    assert error_rate(item, high) == pytest.approx(0.1)


def test_simulated_levels_order_mastery() -> None:
    levels = [
        simulate_profile(CURRICULUM, lv, n_learners=40, seed=1)
        for lv in ("beginner", "intermediate", "advanced")
    ]
    means = [sum(p.mastery) for p in levels]
    assert means[0] < means[1] < means[2]
    assert simulate_profile(CURRICULUM, "beginner", 10, seed=3) == simulate_profile(
        CURRICULUM, "beginner", 10, seed=3
    )
    with pytest.raises(PlanningError, match="unknown cohort level"):
        simulate_profile(CURRICULUM, "expert")


def test_profile_from_interactions_reads_the_canonical_schema() -> None:
    df = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 2, 2, 2],
            "item_id": ["a"] * 6,
            "skill_ids": [["parts"], ["parts"], ["parts"], "parts,unit", "unit", "unit"],
            "correct": [1, 1, 1, 0, 0, 0],
            "timestamp": [1, 2, 3, 1, 2, 3],
        }
    )
    profile = profile_from_interactions(df, CURRICULUM)
    assert profile.n_learners == 2
    assert profile.mastery_of("parts") > 0.5 > profile.mastery_of("unit")
    assert profile.mastery_of("div") == pytest.approx(0.2)  # no data: the prior
    assert profile.ability[0] > profile.ability[1]
    with pytest.raises(PlanningError, match="lack column"):
        profile_from_interactions(df.drop(columns="correct"), CURRICULUM)
    with pytest.raises(PlanningError, match="no interaction names a skill"):
        profile_from_interactions(df.assign(skill_ids="nope"), CURRICULUM)


def test_load_profile_round_trips_json_and_reports_bad_paths(tmp_path, profile) -> None:
    import json

    path = tmp_path / "p.json"
    path.write_text(json.dumps(profile.to_dict()))
    assert load_profile(str(path), CURRICULUM) == profile
    with pytest.raises(PlanningError, match="neither a cohort level"):
        load_profile(str(tmp_path / "missing.json"), CURRICULUM)
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(PlanningError, match="bad.json"):
        load_profile(str(bad), CURRICULUM)


def test_build_plan_round_trips_and_renders(profile) -> None:
    spec = PlanSpec(
        ("add_unlike",),
        ("common_denominator",),
        ("common_denominator-1", "add_unlike-1"),
        ("add_unlike-2", "add_unlike-3"),
        analysed=True,
    )
    plan = build_plan(CURRICULUM, profile, spec, 45)
    assert LessonPlan.from_dict(plan.to_dict()) == plan
    assert [k.role for k in plan.knowledge_points] == ["review", "target"]
    assert all(len(e.mistakes) >= 2 for e in plan.examples)
    assert plan.planned_minutes == sum(b.minutes for b in plan.timing)
    text = plan.to_markdown()
    assert "## Worked examples" in text and "Common mistakes" in text
    assert plan.practice[0].question in text and "add_unlike-2" not in text
    with pytest.raises(PlanningError, match="not a practice item"):
        build_plan(CURRICULUM, profile, PlanSpec(("add_like",), example_ids=("nope",)))


def test_evaluator_rewards_reviewing_weak_prerequisites(profile) -> None:
    base = dict(example_ids=("add_unlike-1",), practice_ids=("add_unlike-2", "add_unlike-3"))
    without = build_plan(CURRICULUM, profile, PlanSpec(("add_unlike",), **base))
    with_review = build_plan(
        CURRICULUM,
        profile,
        PlanSpec(
            ("add_unlike",),
            ("common_denominator",),
            ("common_denominator-1", "add_unlike-1"),
            ("common_denominator-2",) + base["practice_ids"],
        ),
    )
    a, b = evaluate_offline(without, CURRICULUM), evaluate_offline(with_review, CURRICULUM)
    assert b.integrity > a.integrity
    assert any("'Rewrite two fractions over a common denominator'" in f for f in a.feedback)
    assert all(0 <= v <= 100 for v in a.as_dict().values())


def test_evaluator_penalises_overtime_and_only_asks_to_shorten(profile) -> None:
    spec = draft_spec(CURRICULUM, ["add_unlike", "sub_unlike", "mul", "div"])
    plan = build_plan(CURRICULUM, profile, spec, 45)  # built as written, not fitted
    scores = evaluate_offline(plan, CURRICULUM)
    assert plan.planned_minutes > plan.duration_minutes
    assert scores.practicality < 80
    assert [f for f in scores.feedback if f.startswith("practicality")] == [
        f"practicality: the plan takes {plan.planned_minutes:g} minutes of a 45-minute lesson; "
        "shorten it by dropping practice items"
    ]
    assert not any(word in f for f in scores.feedback for word in ("add ", "give ", "second"))


def test_draft_plan_fits_its_time(profile) -> None:
    plan = draft_plan(CURRICULUM, profile, ["add_unlike", "sub_unlike", "mul", "div"])
    assert plan.planned_minutes <= plan.duration_minutes and plan.practice


def test_simulated_class_is_seeded_and_grounded(profile) -> None:
    plan = draft_plan(CURRICULUM, profile, ["simplify"])
    first = simulate_class(plan, CURRICULUM, n_learners=300, seed=4)
    assert first == simulate_class(plan, CURRICULUM, n_learners=300, seed=4)
    assert first.gain > 0 and first.post > first.pre
    assert simulate_class(plan, CURRICULUM, model="logistic", n_learners=300).gain > 0
    mastered = GroupProfile(CURRICULUM.graph.skills, [1.0] * CURRICULUM.n_skills, [0.0] * 5)
    assert simulate_class(draft_plan(CURRICULUM, mastered, ["simplify"]), CURRICULUM).gain == 0
    with pytest.raises(PlanningError, match="unknown class model"):
        simulate_class(plan, CURRICULUM, model="nope")
