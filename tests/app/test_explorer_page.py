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
        (b"foo,bar\n1,2\n", "choose a column for: student, question, correct"),
        (b"user_id,item_id,skill_ids,correct,timestamp\nu1,q1,s1,maybe,5\n", "'maybe'"),
        (bytes(range(256)) * 8, "cannot be read as a CSV"),
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


TEACHER_SHEET = "".join(
    f"{name},Q{q},{'yes' if (i + q) % 3 else 'no'},2024-03-0{1 + q // 4} 09:{10 + q:02d},"
    f"{'fractions' if q % 2 else 'decimals'}\n"
    for i, name in enumerate(["Ana", "Ben", "Cleo"]) for q in range(1, 8)
)


def _upload_own(at, body: bytes) -> None:
    at.radio(key="explorer_source").set_value("Upload my own").run()
    at.file_uploader[0].set_value(("my class.csv", body, "text/csv")).run()


def test_a_teachers_own_column_names_are_mapped_and_load(open_page):
    """The issue's sheet (student,question,right,time + a topic), yes/no and ISO dates."""
    at = open_page("explorer")
    body = ("pupil,question,right,when,topic\n" + TEACHER_SHEET).encode()
    _upload_own(at, body)
    assert at.get("download_button")  # the template
    assert not at.exception and not errors_of(at), errors_of(at)
    chosen = {f: at.selectbox(key=f"explorer_map_{f}").value
              for f in ("student", "question", "correct", "time", "skill")}
    assert chosen == {"student": "pupil", "question": "question", "correct": "right",
                      "time": "when", "skill": "topic"}
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Learners"] == "3" and metrics["Answers"] == "21" and metrics["Skills"] == "2"


def test_columns_the_page_cannot_guess_are_picked_by_hand(open_page):
    at = open_page("explorer")
    body = ("a,b,c\n" + "".join(f"s{i % 3},q{i},{i % 2}\n" for i in range(12))).encode()
    _upload_own(at, body)
    assert any("choose a column for" in e for e in errors_of(at))
    at.selectbox(key="explorer_map_student").set_value("a")
    at.selectbox(key="explorer_map_question").set_value("b")
    at.selectbox(key="explorer_map_correct").set_value("c").run()
    assert not at.exception and not errors_of(at), errors_of(at)
    assert {m.label: m.value for m in at.metric}["Answers"] == "12"
    assert any("order they appear" in c.value for c in at.caption)


def test_two_as_correct_is_flagged_in_plain_words(open_page):
    at = open_page("explorer")
    _upload_own(at, b"student,question,correct\nana,q1,yes\nana,q2,2\n")
    (error,) = errors_of(at)
    assert "'2' on line(s) 3" in error and "yes/no" in error and not at.metric


def test_a_fit_on_few_answers_comes_with_a_caution(open_page):
    at = open_page("explorer")
    _upload_own(at, ("student,question,right,when,topic\n" + TEACHER_SHEET).encode())
    at.button(key="explorer_fit").click().run()
    assert not at.exception and not errors_of(at)
    (warning,) = [w.value for w in at.warning]
    assert "fewer than 50 answers" in warning and "fractions (12 answers)" in warning
    assert sorted(at.dataframe[-1].value["answers"].tolist()) == [9, 12]


def test_the_sample_skills_with_few_answers_are_named_and_the_others_not(open_page):
    """The issue's case: the sample's compare_unlike is fitted on 7 answers; skills are called
    by their names, as a teacher reads them, never by their ids."""
    at = open_page("explorer")
    at.button(key="explorer_fit").click().run()
    (warning,) = [w.value for w in at.warning]
    assert "Compare fractions with different denominators (7 answers)" in warning
    assert "Unit fractions" not in warning and "compare_unlike" not in warning
    skills = at.dataframe[-1].value["skill"].tolist()
    assert "Name the numerator and denominator" in skills and "parts" not in skills


def test_canonical_csv_errors_name_no_database_types(open_page):
    at = open_page("explorer")
    at.radio(key="explorer_source").set_value("Upload my own").run()
    at.selectbox(key="explorer_format").set_value(
        "Canonical CSV (user_id, item_id, skill_ids, correct, timestamp)").run()
    body = b"user_id,item_id,skill_ids,correct,timestamp\nu1,q1,s1,1,2024-03-04 09:00\n"
    at.file_uploader[0].set_value(("class.csv", body, "text/csv")).run()
    assert not at.exception and errors_of(at)
    assert not any(t in e for e in errors_of(at) for t in ("BIGINT", "INT64", "VARCHAR"))


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
