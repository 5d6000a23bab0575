"""Lesson planner: a plan with five scores, rounds and simulated gain; bad uploads explained."""

from __future__ import annotations

import re

from edusim.llm.testing import StubChatServer, StubMode
from edusim.planning import DEFINITIONS

from .app_helpers import errors_of


def _plan(at) -> None:
    next(b for b in at.button if b.label == "Plan the lesson").click().run()


def test_planner_shows_scores(open_page):
    at = open_page("planner")
    assert at.multiselect(key="planner_targets").value  # suggested targets
    at.slider(key="planner_rounds").set_value(2).run()
    _plan(at)
    assert not at.exception and not errors_of(at)
    metrics = {m.label: m.value for m in at.metric}
    assert 0 < float(metrics["Overall score (of 100)"]) <= 100
    assert re.fullmatch(r"[+-]\d+\.\d", metrics["Simulated gain (points)"])
    assert len(at.get("vega_lite_chart")) == 2  # the five criteria, and the rounds
    assert len(at.get("graphviz_chart")) == 1  # the skill graph
    plan = [m.value for m in at.markdown if m.value.startswith("# Lesson plan")]
    assert plan and "## Timing" in plan[0]
    assert any("offline" in c.value for c in at.caption)


def test_planner_from_the_sample_class(open_page):
    at = open_page("planner")
    at.radio(key="planner_source").set_value("The shipped sample class (answer log)").run()
    assert not at.exception and not errors_of(at)
    assert any("40 learners" in c.value for c in at.caption)


def test_planner_rejects_an_upload_with_unknown_skills(open_page):
    at = open_page("planner")
    at.radio(key="planner_source").set_value("My class's answer log (CSV file)").run()
    body = b"user_id,item_id,skill_ids,correct,timestamp\nu1,q1,algebra,1,5\n"
    at.file_uploader[0].set_value(("class.csv", body, "text/csv")).run()
    assert not at.exception
    assert any("no interaction names a skill" in e for e in errors_of(at))


def test_a_failing_server_is_reported_and_offline_still_plans(open_page):
    with StubChatServer(mode=StubMode.SERVER_ERROR) as server:
        at = open_page("planner")
        at.radio(key="llm_choice").set_value("OpenAI-compatible server").run()
        at.text_input(key="llm_base_url").set_value(server.url)
        at.text_input(key="llm_model").set_value("stub-model").run()
        _plan(at)
        assert not at.exception
        assert any("did not answer" in e for e in errors_of(at)), errors_of(at)
        assert not at.metric
    at.radio(key="llm_choice").set_value("Offline (built-in, no network)").run()
    _plan(at)
    assert not at.exception and not errors_of(at)
    assert any(m.label == "Overall score (of 100)" for m in at.metric)
    assert any("Last answer came from: **offline" in c.value for c in at.caption)


def test_the_plan_keeps_to_the_lesson_length_and_speaks_plainly(open_page):
    at = open_page("planner")
    at.selectbox(key="planner_level").set_value("beginner").run()
    at.multiselect(key="planner_targets").set_value(
        ["number_line", "equivalent", "sub_like", "mixed"]
    ).run()
    at.slider(key="planner_minutes").set_value(45).run()
    _plan(at)
    assert not at.exception and not errors_of(at)
    used = next(m.value for m in at.metric if m.label == "Minutes used (of 45)")
    assert float(used) <= 45
    text = "\n".join(m.value for m in at.markdown)
    for criterion, sentence in DEFINITIONS.items():
        assert f"**{criterion}**: {sentence}" in text  # beside the chart of the scores
    assert "The best version is" in text
    codes = re.compile(r"\b[a-z]+(?:_[a-z]+)*-\d\b|\[\s*'|difficulty [+-]|\bbkt\b|seed \d")
    assert codes.search(text) is None, codes.search(text)


def test_without_skills_the_button_is_disabled_and_says_why(open_page):
    at = open_page("planner")
    at.multiselect(key="planner_targets").set_value([]).run()
    button = next(b for b in at.button if b.label == "Plan the lesson")
    assert button.disabled
    assert any("Choose at least one skill" in c.value for c in at.caption)


def test_too_many_skills_for_the_time_is_explained(open_page):
    at = open_page("planner")
    at.multiselect(key="planner_targets").set_value(
        ["compare_like", "simplify", "mul", "equivalent"]
    ).run()
    at.slider(key="planner_minutes").set_value(20).run()
    _plan(at)
    assert not at.exception
    assert any("do not fit in 20 minutes" in e and "fewer skills" in e for e in errors_of(at))
