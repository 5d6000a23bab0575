"""Curriculum lab: names and descriptions from the registries, results in percentages with a
verdict, the language-model teacher's backend said plainly, and runs that any Stop ends cleanly."""

from __future__ import annotations

import re

import pandas as pd

from edusim.llm.testing import StubChatServer

from .app_helpers import errors_of


def _small(at, teachers: list[str], size: int = 3, steps: int = 15):
    at.slider[0].set_value(size)  # class size
    at.slider[1].set_value(steps)  # lesson length
    at.multiselect[0].set_value(teachers)
    return at


def _run(at):
    return next(b for b in at.button if b.label == "Run the class").click().run()


def test_lab_produces_a_table_in_percentages_with_a_verdict(open_page):
    at = _small(open_page("lab"), ["random", "mastery-threshold"])
    _run(at)
    assert not at.exception and not errors_of(at)
    table = at.dataframe[0].value
    assert list(table["teacher"]) == ["Random", "Mastery threshold"]
    assert (table["learners"] == 3).all()
    ranges = table["skills learned by the end"].str.extract(r"^(\d+)% \((\d+)-(\d+)%\)$")
    assert ranges.notna().all().all() and (ranges.astype(int) <= 100).all().all()
    assert table["post-test gain"].str.contains(r"^[+-]\d+ points").all()
    verdict = next(m.value for m in at.markdown if " vs " in m.value)
    assert re.fullmatch(
        r"\*\*Mastery threshold: \d+% of skills learned vs \d+% for Random"
        r"( \(too close to call[^)]*\))?\.\*\*", verdict), verdict
    assert len(at.get("image")) == 2  # mastery over time, per-skill heatmaps
    assert len(at.get("vega_lite_chart")) == 1  # the gain per teacher, as horizontal bars
    assert "lab_result" in at.session_state and "lab_run" not in at.session_state


def test_names_and_descriptions_come_from_the_registries(open_page):
    at = open_page("lab")
    environments = at.selectbox[0].options
    assert not any("/" in e or "-v0" in e for e in environments), environments
    teachers = at.multiselect[0].options
    assert "Mastery threshold" in teachers and "mastery-threshold" not in teachers
    captions = " ".join(c.value for c in at.caption)
    assert "edusim/" not in captions and " bkt " not in captions
    models = at.selectbox[1].options  # the Tutor environment lets one choose the learner
    assert "BKT" in models and "bkt" not in models


def test_without_teachers_the_button_is_disabled_and_says_why(open_page):
    at = open_page("lab")
    at.multiselect[0].set_value([]).run()
    button = next(b for b in at.button if b.label == "Run the class")
    assert button.disabled
    assert any("Choose at least one teacher" in c.value for c in at.caption)


def test_the_llm_teacher_says_it_falls_back_offline(open_page):
    at = open_page("lab")
    at.multiselect[0].set_value(["llm", "mastery-threshold"]).run()
    note = " ".join(i.value for i in at.info)
    assert "no language model is used" in note and "Mastery threshold" in note


def test_the_llm_teacher_uses_the_selected_server(open_page):
    with StubChatServer(reply='{"skill": "parts", "reason": "start at the beginning"}') as server:
        at = open_page("lab")
        at.radio(key="llm_choice").set_value("OpenAI-compatible server").run()
        at.text_input(key="llm_base_url").set_value(server.url)
        at.text_input(key="llm_model").set_value("stub-model").run()
        _small(at, ["llm"], size=2, steps=10).run()
        note = " ".join(i.value for i in at.info)
        assert "stub-model" in note and server.url in note
        _run(at)
        asked = len(server.requests)
    assert not at.exception and not errors_of(at)
    assert asked >= 2 * 10  # every step of every learner asked the model
    (name,) = at.dataframe[0].value["teacher"]
    assert name.lower() == "llm" and name != "llm"  # the display name, not the code


def _unfinished(open_page, learners_done: int):
    """The page after a 3-learner run of Random that stopped with ``learners_done`` learners
    in (what Streamlit's own Stop leaves behind), then the next click: the run is ended."""
    at = _small(open_page("lab"), ["random"])
    _run(at)
    frame = at.session_state["lab_result"]["results"]
    at.session_state["lab_run"] = {
        "config": ("edusim/Tutor-v0", ["random"], 3), "env_kwargs": {}, "specs": [],
        "frames": [frame[frame["seed"] < learners_done]], "heat": [],
    }
    return at.run()


def test_a_run_left_unfinished_stops_and_keeps_its_results(open_page):
    at = _unfinished(open_page, learners_done=1)
    assert not at.exception and "lab_run" not in at.session_state
    assert any("Stopped early: results for 1 of 3 learners" in w.value for w in at.warning)
    assert any("of skills learned" in m.value for m in at.markdown)  # a Tutor run
    assert isinstance(at.dataframe[0].value, pd.DataFrame)


def test_a_stop_while_the_charts_are_drawn_says_every_learner_is_in(open_page):
    at = _unfinished(open_page, learners_done=3)
    warnings = " ".join(w.value for w in at.warning)
    assert "all 3 learners are in the results, charts for 0 of 1 teachers" in warnings
    assert "Stopped early" not in warnings
