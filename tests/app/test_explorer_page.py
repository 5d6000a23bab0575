"""Data explorer: the shipped sample loads and fits; malformed uploads get a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from edusim.data.synthetic_ednet import SynthConfig, write_synthetic

from .app_helpers import errors_of


def test_explorer_loads_the_sample_and_fits_bkt(open_page):
    at = open_page("explorer")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Learners"] == "40" and metrics["Skills"] == "10"
    assert len(at.get("image")) >= 2  # correctness by skill, learning curves
    at.button(key="explorer_fit").click().run()
    assert not at.exception and not errors_of(at)
    params = at.dataframe[-1].value
    assert {"skill", "prior", "learn", "guess", "slip"} <= set(params.columns)
    assert len(params) == 10
    assert params[["prior", "learn", "guess", "slip"]].stack().between(0, 1).all()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"foo,bar\n1,2\n", "missing column"),
        (b"user_id,item_id,skill_ids,correct,timestamp\nu1,q1,s1,maybe,5\n", "'maybe'"),
        (bytes(range(256)) * 8, "Could not read"),
    ],
    ids=["wrong-columns", "bad-value", "binary"],
)
def test_explorer_rejects_a_malformed_upload(open_page, body, message):
    at = open_page("explorer")
    at.radio(key="explorer_source").set_value("Upload my own").run()
    at.file_uploader[0].set_value(("class.csv", body, "text/csv")).run()
    assert not at.exception
    assert any(message in e for e in errors_of(at)), errors_of(at)
    assert not at.metric  # nothing drawn from a bad file


def test_explorer_refuses_an_upload_over_the_size_limit(open_page):
    at = open_page("explorer")
    at.radio(key="explorer_source").set_value("Upload my own").run()
    big = b"user_id,item_id,skill_ids,correct,timestamp\n" + b"u,q,s,1,1\n" * 2_200_000
    at.file_uploader[0].set_value(("huge.csv", big, "text/csv")).run()
    assert not at.exception
    assert any("MB limit" in e for e in errors_of(at)), errors_of(at)


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
ASSISTMENTS = SHARED / "assistments" / "skill_builder_2009_sample.csv"


@pytest.mark.skipif(not ASSISTMENTS.exists(), reason="the ASSISTments sample is not available")
def test_explorer_reads_a_real_assistments_export(open_page):
    at = open_page("explorer")
    at.radio(key="explorer_source").set_value("Upload my own").run()
    at.selectbox(key="explorer_format").set_value("ASSISTments 2009 skill-builder CSV").run()
    at.file_uploader[0].set_value((ASSISTMENTS.name, ASSISTMENTS.read_bytes(), "text/csv")).run()
    assert not at.exception and not errors_of(at)
    metrics = {m.label: m.value.replace(",", "") for m in at.metric}
    learners, answers = int(metrics["Learners"]), int(metrics["Answers"])
    assert learners > 1 and answers > 100


def test_explorer_reads_ednet_learner_files_with_their_questions(open_page, tmp_path):
    out = write_synthetic(tmp_path, SynthConfig(learners=3, mean_steps=20))
    files = [(p.name, p.read_bytes(), "text/csv") for p in sorted(out.folder.glob("u*.csv"))]
    files.append(("questions.csv", (out.contents / "questions.csv").read_bytes(), "text/csv"))
    at = open_page("explorer")
    at.radio(key="explorer_source").set_value("Upload my own").run()
    at.selectbox(key="explorer_format").set_value(
        "EdNet KT1 learner files (u*.csv) + questions.csv").run()
    at.file_uploader[0].set_value(files).run()
    assert not at.exception and not errors_of(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Learners"] == "3" and metrics["Answers"] == f"{out.rows:,}"
