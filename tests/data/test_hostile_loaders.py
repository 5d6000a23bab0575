"""Hostile input for every loader (hypothesis): valid files mutated at random bytes, and CSV
column names, values and separators chosen to break SQL.

Whatever the bytes, a load or an ingest either succeeds with valid canonical rows or raises
:class:`DataError`; a failed ingest leaves the store as it was; skip mode keeps what strict
mode would refuse to load, and load and ingest keep the same rows.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edusim.data import LOADERS, DataError, Store, load_with_report, read_store, validate

from .data_helpers import KT1_HEADER, write

QUESTIONS = (
    "question_id,bundle_id,explanation_id,correct_answer,part,tags,deployed_at\n"
    "q1,b1,e1,a,1,1;2,0\nq2,b1,e1,b,1,2,0\nq3,b2,e2,c,2,-1,0\n"
)
ACTIONS = (
    "timestamp,action_type,item_id,source,user_answer,platform,cursor_time\n"
    "10,enter,b1,sprint,,web,\n20,respond,q1,sprint,a,web,1\n30,respond,q2,sprint,c,web,2\n"
    "40,submit,b1,sprint,,web,\n50,enter,b2,review,,app,\n60,respond,q3,review,c,app,3\n"
    "70,submit,b2,review,,app,\n"
)
MAPPING = {"user_id": "u", "item_id": "i", "correct": "c", "timestamp": "t", "skill_ids": "k"}
#: A valid file per format, and the options it is read with.
VALID = {
    "ednet-kt1": (KT1_HEADER + "1000,1,q1,a,10\n2000,2,q2,b,20\n3000,3,q3,c,30\n", {}),
    "ednet-kt2": (ACTIONS, {}),
    "ednet-kt3": (ACTIONS, {}),
    "ednet-kt4": (ACTIONS, {}),
    "csv": ("u,i,c,t,k\nA,p1,1,5,s1;s2\nA,p2,0,9,\nB,p1,true,3,s2\n",
            {"columns": MAPPING, "skill_separator": ";"}),
    "dkt": ("3\n1,1,2,\n0,1,1\n1\n5\n1\n", {}),
}
TOKENS = [b"\n", b"\r\n", b"\r", b'"', b'""', b",", b",,", b"\x00", b"\xff\xfe", b"-1", b"q9",
          b" ", b"\n\n", b"9" * 30, b"'; DROP TABLE interactions; --", b"\xef\xbb\xbf"]
edits = st.lists(
    st.tuples(st.sampled_from(["insert", "delete", "replace"]), st.integers(0, 10_000),
              st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=6)),
              st.integers(1, 12)),
    min_size=1, max_size=4,
)
HYPOTHESIS = settings(max_examples=6, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.too_slow])


def test_every_loader_is_covered():
    assert sorted(VALID) == sorted(LOADERS)


def _mutate(data: bytes, changes) -> bytes:
    for op, where, payload, length in changes:
        at = where % (len(data) + 1)
        if op == "insert":
            data = data[:at] + payload + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + length:]
        else:
            data = data[:at] + payload + data[at + len(payload):]
    return data


def _check_issues(issues, path: Path, data: bytes) -> None:
    lines = data.count(b"\n") + 2
    for issue in issues:
        assert issue.source == str(path.resolve()) or issue.source.startswith("contents")
        assert issue.line is None or 1 <= issue.line <= lines, issue
        assert len(str(issue)) < 2 * len(str(path)) + 1000


@pytest.mark.parametrize("fmt", sorted(VALID))
@HYPOTHESIS
@given(changes=edits)
def test_mutated_files_load_or_fail_cleanly(fmt, changes):
    text, options = VALID[fmt]
    data = _mutate(text.encode(), changes)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if fmt.startswith("ednet"):
            options = {**options, "contents": write(root / "contents" / "questions.csv",
                                                    QUESTIONS).parent}
        path = write(root / "in" / "u1.csv", data)
        try:
            strict, _ = load_with_report(path, fmt, **options)
            validate(strict)
        except DataError as exc:
            _check_issues(exc.issues, path, data)
            strict = None
        skipped, report = load_with_report(path, fmt, errors="skip", **options)
        validate(skipped)
        _check_issues(report.issues, path, data)
        if strict is not None:
            assert len(skipped) == len(strict)
        store = Store(root / "db.duckdb")
        store.ingest([path], fmt, errors="skip", **options)
        assert store.counts()["interactions"] == len(skipped)
        before = store.path.read_bytes()
        path.write_bytes(data + b"\n" + data)  # changed: a strict re-ingest replaces or fails
        try:
            store.ingest([path], fmt, **options)
        except DataError:
            assert store.path.read_bytes() == before
        validate(read_store(store.path))


names = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=["Cs"]),
                min_size=1, max_size=12).map(str.strip).filter(bool)
values = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=10).filter(
    lambda v: v.strip() == v and v)
skills = st.lists(st.text("abcdefgh0123", min_size=1, max_size=4), max_size=3)
separators = st.text(st.characters(blacklist_characters="abcdefgh0123\r\n\x00",
                                   blacklist_categories=["Cs", "Zs"]), min_size=1, max_size=4)


@HYPOTHESIS
@given(columns=st.lists(names, min_size=5, max_size=5, unique=True),
       rows=st.lists(st.tuples(values, values, st.booleans(), skills), min_size=1, max_size=6),
       separator=separators)
def test_csv_names_values_and_separators_never_reach_sql(columns, rows, separator):
    """Column names, values and the skill separator with quotes, semicolons and comment marks
    are read back exactly, and create nothing in the database."""
    user, item, correct, stamp, skill = columns
    mapping = {"user_id": user, "item_id": item, "correct": correct, "timestamp": stamp,
               "skill_ids": skill}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # quotes fields with \r or \n
    writer.writerow(columns)
    for t, (u, i, c, s) in enumerate(rows):
        writer.writerow([u, i, int(c), t, separator.join(s)])
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "log.csv", buffer.getvalue().encode())
        store = Store(Path(folder) / "db.duckdb")
        store.ingest([path], "csv", columns=mapping, skill_separator=separator)
        frame = read_store(store.path).sort_values("timestamp")
        con = duckdb.connect(str(store.path), read_only=True)
        tables = {name for (name,) in con.execute("SHOW TABLES").fetchall()}
        con.close()
    assert frame.user_id.tolist() == [u for u, *_ in rows]
    assert frame.item_id.tolist() == [i for _, i, *_ in rows]
    assert frame.correct.tolist() == [c for *_, c, _ in rows]
    assert frame.skill_ids.tolist() == [s for *_, s in rows]
    assert tables == {"interactions", "events", "items", "skills", "files", "learners"}
