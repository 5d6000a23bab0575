"""The column mapping behind the Data explorer's upload of a teacher's own table."""

from __future__ import annotations

import sys

import pytest

from .app_helpers import APPS

sys.path.insert(0, str(APPS))
import ui_mapping  # noqa: E402

SHEET = (
    b"student,question,right,time\n"
    b"ana,q1,yes,2024-03-04 09:00\n"
    b"ana,q2,No,2024-03-04T09:05:00\n"
    b"ben,q1,TRUE,2024-03-04 09:01:30\n"
    b"ben,q2,0,2024-03-05\n"
)


def test_guesses_a_teachers_own_column_names():
    guess = ui_mapping.guess_mapping(["Pupil name", "Question", "Right?", "Date", "Topic"])
    assert guess == {"student": "Pupil name", "question": "Question", "correct": "Right?",
                     "time": "Date", "skill": "Topic"}
    assert ui_mapping.guess_mapping(["foo", "bar"])["student"] == ui_mapping.NONE


def test_yes_no_true_false_and_iso_dates_are_read():
    sheet = ui_mapping.read_sheet(SHEET)
    frame = ui_mapping.to_canonical(sheet, ui_mapping.guess_mapping(list(sheet.columns)))
    assert frame["correct"].tolist() == [1, 0, 1, 0]
    minutes = (frame["timestamp"] - frame["timestamp"].iloc[0]) / 60_000
    assert minutes.tolist() == [0, 5, 1.5, 15 * 60]
    assert frame["skill_ids"].tolist() == ["q1", "q2", "q1", "q2"]  # no skill: the question


def test_loads_through_the_library_loader():
    sheet = ui_mapping.read_sheet(SHEET)
    loaded = ui_mapping.load_mapped(sheet, ui_mapping.guess_mapping(list(sheet.columns)))
    assert len(loaded) == 4 and set(loaded["user_id"]) == {"ana", "ben"}
    assert loaded["correct"].tolist() == [True, False, True, False]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"student,question,right\nana,q1,2\nben,q1,yes\n",
         "column 'right' should say whether each answer was right (yes/no, true/false or 1/0),"
         " but it has '2' on line(s) 2"),
        (b"student,question,right,time\nana,q1,1,yesterday\n",
         "column 'time' should hold dates and times (like 2024-03-04 09:15) or numbers, "
         "but it has 'yesterday' on line(s) 2"),
        (b"student,question,right\n,q1,1\n", "column 'student' (student) is empty on line(s) 2"),
    ],
    ids=["two-as-correct", "not-a-date", "empty-student"],
)
def test_problems_are_explained_in_plain_words(body, words):
    sheet = ui_mapping.read_sheet(body)
    with pytest.raises(ui_mapping.MappingError) as info:
        ui_mapping.load_mapped(sheet, ui_mapping.guess_mapping(list(sheet.columns)))
    assert str(info.value) == words
    assert not any(t in str(info.value) for t in ("BIGINT", "VARCHAR", "INT64", "canonical"))


def test_mapping_mistakes_are_explained():
    sheet = ui_mapping.read_sheet(SHEET)
    mapping = ui_mapping.guess_mapping(list(sheet.columns))
    with pytest.raises(ui_mapping.MappingError, match="choose a column for: correct"):
        ui_mapping.to_canonical(sheet, {**mapping, "correct": ui_mapping.NONE})
    with pytest.raises(ui_mapping.MappingError, match="chosen for two things"):
        ui_mapping.to_canonical(sheet, {**mapping, "question": "student"})


def test_the_template_loads_as_it_is():
    sheet = ui_mapping.read_sheet(ui_mapping.TEMPLATE_CSV.encode())
    loaded = ui_mapping.load_mapped(sheet, ui_mapping.guess_mapping(list(sheet.columns)))
    assert len(loaded) == 4 and {s for row in loaded["skill_ids"] for s in row} == {
        "fractions", "decimals"}


def test_sql_type_names_become_plain_words():
    text = ui_mapping.plain_words("value '2024-03-04' is not a valid BIGINT (VARCHAR column)")
    assert text == "value '2024-03-04' is not a valid whole number (a text column)"
