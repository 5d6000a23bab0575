"""Quoted fields (line breaks, quotes, commas) in every text column, and line numbers that
stay right after rows the reader leaves out."""

from __future__ import annotations

import pytest

from edusim.data import Store, load, load_with_report, read_store

from .data_helpers import KT1_HEADER, write

QUESTIONS = (
    "question_id,bundle_id,explanation_id,correct_answer,part,tags,deployed_at\n"
    '"q,1","b,1",e1,"a,x",1,1;2,0\n'
    '"q""2","b,1",e1,b,1,2,0\n'
    '"q\n3",b2,e2,c,2,-1,0\n'
)
#: Every text column quoted: solving_id, question_id, user_answer.
QUOTED_KT1 = KT1_HEADER + (
    '1000,"s,1","q,1","a,x",10\n'
    '2000,"s""2","q""2","b\nx",20\n'
    '3000,"s\n3","q\n3",c,30\n'
)


@pytest.fixture
def odd_contents(tmp_path):
    return write(tmp_path / "contents" / "questions.csv", QUESTIONS).parent


def _folder(tmp_path):
    """u1 and u3 are plain; u2 holds quoted fields with line breaks, quotes and commas."""
    write(tmp_path / "in" / "u1.csv", KT1_HEADER + "100,1,q0,a,1\n")
    write(tmp_path / "in" / "u2.csv", QUOTED_KT1)
    write(tmp_path / "in" / "u3.csv", KT1_HEADER + "100,7,q0,b,1\n200,8,q0,c,2\n")
    return tmp_path / "in"


def _contents_with_q0(tmp_path):
    text = QUESTIONS + "q0,b0,e0,b,1,3,0\n"
    return write(tmp_path / "contents" / "questions.csv", text).parent


@pytest.mark.parametrize("route", ["load", "ingest"])
def test_kt1_quoted_fields_keep_their_values_and_lines(tmp_path, route):
    """Issue 12.2: 'b\\nx' was stored as 'b\\n0,x' (the batch prefix inside the value)."""
    contents = _contents_with_q0(tmp_path)
    folder = _folder(tmp_path)
    if route == "load":
        frame = load(folder, "ednet-kt1", contents=contents)
    else:
        store = Store(tmp_path / "db.duckdb")
        store.ingest([folder], "ednet-kt1", contents=contents, batch_files=3)
        frame = read_store(store.path)
        lines = store.query("SELECT line FROM interactions WHERE user_id = 'u2' ORDER BY line")
        assert lines.line.tolist() == [2, 3, 4]  # records: a quoted line break counts once
    u2 = frame[frame.user_id == "u2"]
    assert u2.item_id.tolist() == ["q,1", 'q"2', "q\n3"]
    assert u2.answer.tolist() == ["a,x", "b\nx", "c"]
    assert u2.session_id.tolist() == ["s,1", 's"2', "s\n3"]
    assert u2.correct.tolist() == [True, False, True]
    assert frame.groupby("user_id").size().to_dict() == {"u1": 1, "u2": 3, "u3": 2}
    assert frame[frame.user_id == "u3"].answer.tolist() == ["b", "c"]


def test_kt1_problem_after_a_quoted_line_break_names_the_right_line(tmp_path):
    contents = _contents_with_q0(tmp_path)
    path = write(tmp_path / "u2.csv", QUOTED_KT1 + "4000,4,q9,c,40\n")
    _, report = load_with_report(path, "ednet-kt1", contents=contents, errors="skip")
    assert [(i.kind, i.line) for i in report.issues] == [("unknown id", 5)]


def test_action_logs_with_quoted_fields_in_every_text_column(tmp_path, odd_contents):
    text = (
        "timestamp,action_type,item_id,source,user_answer,platform\n"
        '10,enter,"b,1","sp""rint",,"web\nx"\n'
        '20,respond,"q,1","sp""rint","a,x","web\nx"\n'
        '40,submit,"b,1","sp""rint",,web\n'
    )
    path = write(tmp_path / "in" / "u5.csv", text)
    store = Store(tmp_path / "db.duckdb")
    store.ingest([path], "ednet-kt3", contents=odd_contents)
    frame = read_store(store.path)
    assert frame[["item_id", "answer", "correct", "timestamp", "elapsed_ms"]].values.tolist() == [
        ["q,1", "a,x", True, 20, 30]]
    events = store.query("SELECT item_id, source, platform FROM events ORDER BY timestamp")
    assert events.values.tolist() == [["b,1", 'sp"rint', "web\nx"], ["q,1", 'sp"rint', "web\nx"],
                                      ["b,1", 'sp"rint', "web"]]


def test_skip_mode_lines_after_rejected_rows_kt1(tmp_path, contents):
    """Issue 12.5: after each row the reader rejected, every later line was one too small."""
    body = KT1_HEADER + (
        "1000,1,q1,a,10\n"   # line 2
        "2000,2,q2\n"        # line 3: too few fields (the reader rejects it)
        "3000,3,q3,c,30\n"   # line 4
        "4000,4,q9,c,40\n"   # line 5: unknown question (found by a later check)
        "5000,5,q1,a,50\n"   # line 6
    )
    write(tmp_path / "in" / "u4.csv", body)
    store = Store(tmp_path / "db.duckdb")
    report = store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents, errors="skip")
    assert [(i.kind, i.line) for i in report.issues] == [("missing columns", 3), ("unknown id", 5)]
    lines = store.query("SELECT line FROM interactions ORDER BY line").line.tolist()
    assert lines == [2, 4, 6]


def test_skip_mode_lines_after_rejected_rows_csv(tmp_path):
    body = "u,i,c,t\nA,p1,1,1\nA,p2\nA,p3,x,3\nA,p4,0,4\nA,p5,1,5,extra\nA,p6,1,6\n"
    path = write(tmp_path / "log.csv", body)
    mapping = {"user_id": "u", "item_id": "i", "correct": "c", "timestamp": "t"}
    store = Store(tmp_path / "db.duckdb")
    report = store.ingest([path], "csv", columns=mapping, errors="skip")
    assert [(i.kind, i.line) for i in report.issues] == [
        ("missing columns", 3), ("too many columns", 6), ("cast", 4)]
    kept = store.query("SELECT item_id, line FROM interactions ORDER BY line")
    assert kept.values.tolist() == [["p1", 2], ["p4", 5], ["p6", 7]]
