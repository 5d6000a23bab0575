"""Curriculum lab: a small class run produces the results table, plots and heatmaps."""

from __future__ import annotations

from .app_helpers import errors_of


def test_lab_produces_a_table(open_page):
    at = open_page("lab")
    at.slider[0].set_value(3)  # class size
    at.slider[1].set_value(15)  # lesson length
    at.multiselect[0].set_value(["random", "mastery-threshold"])
    next(b for b in at.button if b.label == "Run the class").click().run()
    assert not at.exception and not errors_of(at)
    table = at.dataframe[0].value
    assert list(table["teacher"]) == ["random", "mastery-threshold"]
    assert (table["learners"] == 3).all()
    assert table["learning gain (post-test)"].str.contains(r"\[").all()  # mean [CI]
    # mastery plot, gain plot, per-skill heatmaps
    assert len(at.get("image")) == 3
    assert "lab_result" in at.session_state


def test_lab_without_teachers_says_so(open_page):
    at = open_page("lab")
    at.multiselect[0].set_value([])
    next(b for b in at.button if b.label == "Run the class").click().run()
    assert not at.exception
    assert any("at least one teacher" in e for e in errors_of(at))
