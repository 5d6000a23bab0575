"""Analysis tables, plots and the report, on hand-made data with known answers."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from edusim.curriculum import SkillGraph
from edusim.data import Store, analysis, plots, validate
from edusim.data.report import write_report

from .data_helpers import CONTENTS, KT4, needs_samples


def _frame(rows):
    return validate(pd.DataFrame(rows, columns=["user_id", "item_id", "skill_ids", "correct",
                                                "timestamp", "elapsed_ms"]))


@pytest.fixture
def ordered():
    """Every learner masters a (2 right in a row) before b; b is harder."""
    rows = []
    for u in range(6):
        seq = [("a", False), ("a", True), ("a", True), ("b", False), ("b", True), ("b", True)]
        for t, (skill, right) in enumerate(seq):
            rows.append((f"u{u}", f"q{skill}", [skill], right, t, 1000 * (t + 1)))
    return _frame(rows)


def test_summary_counts(ordered):
    got = analysis.summary(ordered).set_index("metric")["value"]
    assert got["learners"] == 6
    assert got["interactions"] == 36
    assert got["skills"] == 2
    assert got["correct_rate"] == pytest.approx(24 / 36)
    assert got["sequence_length_max"] == 6


def test_learning_curve_error_rate_by_opportunity(ordered):
    curves = analysis.learning_curves(ordered)
    overall = curves[curves.skill_id == "(all)"].set_index("opportunity")["error_rate"]
    assert overall.to_dict() == {1: 1.0, 2: 0.0, 3: 0.0}
    assert set(curves.skill_id) == {"(all)", "a", "b"}


def test_time_on_task_histogram_counts_every_timed_answer(ordered):
    table = analysis.time_on_task(ordered)
    assert table.interactions.sum() == 36
    assert (table.low_s < table.high_s).all()


def test_prerequisite_graph_recovers_the_order(ordered):
    pairs, graph = analysis.prerequisite_graph(ordered, min_learners=3)
    assert isinstance(graph, SkillGraph)
    assert graph.edges == [("a", "b")]
    row = pairs[(pairs.pre == "a") & (pairs.post == "b")].iloc[0]
    assert row.p_before == 1.0 and row.learners == 6


def test_plots_are_figures_without_pyplot(ordered, tmp_path):
    fig = plots.plot_learning_curves(analysis.learning_curves(ordered))
    path = plots.save_png(fig, tmp_path / "lc.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


@needs_samples
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_on_real_ednet_store(tmp_path, fmt):
    store = Store(tmp_path / "e.duckdb")
    store.ingest([KT4], "ednet-kt4", contents=CONTENTS)
    path = write_report(store, tmp_path / "rep", fmt)
    text = path.read_text()
    for name in ("sequence_lengths", "skill_difficulty", "learning_curves", "time_on_task",
                 "prerequisites"):
        assert (tmp_path / "rep" / f"{name}.png").stat().st_size > 1000
        assert f"{name}.png" in text
    data = json.loads((tmp_path / "rep" / "prerequisites.json").read_text())
    assert len(SkillGraph.from_dict(data)) == 30
    learners = pd.read_csv(tmp_path / "rep" / "summary.csv").set_index("metric").value
    assert learners["learners"] == 5
