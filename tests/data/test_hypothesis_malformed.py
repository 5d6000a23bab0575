"""Hypothesis-generated KT1 files with one defect: strict mode names the exact line, skip mode
drops (or keeps and reports) exactly that row."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edusim.data import DataError, load, load_with_report

from .data_helpers import KT1_HEADER, write

QUESTIONS = (
    "question_id,bundle_id,explanation_id,correct_answer,part,tags,deployed_at\n"
    "q1,b1,e1,a,1,1;2,0\nq2,b1,e1,b,1,2,0\nq3,b2,e2,c,2,-1,0\n"
)

rows = st.lists(
    st.tuples(st.integers(2, 10_000), st.sampled_from(["q1", "q2", "q3"]),
              st.sampled_from("abcd"), st.integers(0, 10**6)),
    min_size=2, max_size=12,
)

# defect -> (transform of the row's text, rows kept in skip mode relative to n)
ROW_DEFECTS = {
    "text timestamp": lambda r: "soon," + r.split(",", 1)[1],
    "missing field": lambda r: r.rsplit(",", 1)[0],
    "unknown question": lambda r: ",".join(r.split(",")[:2] + ["q999"] + r.split(",")[3:]),
    "bad bytes": lambda r: r.replace(",", ",\udcff", 1),
}


def _lines(data):
    stamps, lines = 1_000, []
    for solving, (gap, q, answer, elapsed) in enumerate(data, start=1):
        stamps += gap
        lines.append(f"{stamps},{solving},{q},{answer},{elapsed}")
    return lines


def _write(folder: Path, lines: list[str]) -> Path:
    text = KT1_HEADER + "\n".join(lines) + "\n"
    return write(folder / "u1.csv", text.encode("utf-8", "surrogateescape"))


def _load_strict_and_skip(lines: list[str]):
    """``lines`` as a KT1 file: its resolved path, the issues strict mode raises (it must
    raise), and the frame and report of skip mode."""
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        write(folder / "contents" / "questions.csv", QUESTIONS)
        path = _write(folder, lines)
        try:
            load(path, "ednet-kt1", contents=folder / "contents")
        except DataError as exc:
            issues = exc.issues
        else:
            raise AssertionError("a defective file loaded in strict mode")
        df, report = load_with_report(path, "ednet-kt1", contents=folder / "contents",
                                      errors="skip")
        return str(path.resolve()), issues, df, report


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rows, defect=st.sampled_from(sorted(ROW_DEFECTS)), where=st.integers(0, 100))
def test_one_bad_row(data, defect, where):
    lines = _lines(data)
    k = where % len(lines)
    lines[k] = ROW_DEFECTS[defect](lines[k])
    source, issues, df, report = _load_strict_and_skip(lines)
    assert [(i.source, i.line) for i in issues] == [(source, k + 2)]
    assert len(df) == len(lines) - 1
    assert [i.line for i in report.issues] == [k + 2]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=rows, where=st.integers(0, 100), duplicate=st.booleans())
def test_repeated_or_out_of_order_row(data, where, duplicate):
    lines = _lines(data)
    k = 1 + where % (len(lines) - 1)
    if duplicate:
        lines.insert(k, lines[k - 1])
        kind = "duplicate row"
    else:
        fields = lines[k].split(",")
        fields[0] = str(int(lines[k - 1].split(",")[0]) - 1)
        lines[k] = ",".join(fields)
        kind = "out of order"
    _, issues, df, report = _load_strict_and_skip(lines)
    assert [(i.kind, i.line) for i in issues] == [(kind, k + 2)]
    assert len(df) == len(lines) - (1 if duplicate else 0)
    assert [i.kind for i in report.issues] == [kind]
