"""`edusim data` and `edusim kt` on files that are not what they should be: one line naming
what and where, exit status 1, no traceback (issue 12.14)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.helpers import one_line_error

from .data_helpers import KT1_HEADER, write


def _bad_db(tmp_path, kind: str):
    path = tmp_path / "x.duckdb"
    if kind == "text":
        path.write_text("just text\n")
        return path, "not a DuckDB database file"
    if kind == "folder":
        path.mkdir()
        return path, "is a folder"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE interactions (user_id VARCHAR)" if kind == "columns"
                else "CREATE TABLE sales (x INT)")
    con.close()
    return path, "not an edusim store"


@pytest.mark.parametrize("kind", ["text", "folder", "foreign", "columns"])
def test_data_ingest_and_summary_on_a_db_that_is_not_a_store(tmp_path, contents, kind):
    db, expected = _bad_db(tmp_path, kind)
    data = write(tmp_path / "in" / "u1.csv", KT1_HEADER + "1000,1,q1,a,10\n")
    one_line_error(["data", "ingest", str(data), "--format", "ednet-kt1", "--contents",
                     str(contents), "--db", str(db)], str(db), expected)
    one_line_error(["data", "summary", "--db", str(db)], str(db), expected)


@pytest.mark.parametrize("kind", ["text", "foreign", "columns"])
def test_kt_fit_on_a_db_that_is_not_a_store(tmp_path, kind):
    db, expected = _bad_db(tmp_path, kind)
    one_line_error(["kt", "fit", "--model", "bkt", "--train", str(db), "--out",
                     str(tmp_path / "run")], str(db), expected)


def test_a_db_another_program_holds_open(tmp_path, contents):
    db = tmp_path / "held.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); sys.stdin.read()", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        data = write(tmp_path / "in" / "u1.csv", KT1_HEADER + "1000,1,q1,a,10\n")
        one_line_error(["data", "summary", "--db", str(db)], str(db),
                        f"in use by another program ({Path(sys.executable).resolve().name}, "
                        f"process {holder.pid})")
        one_line_error(["data", "ingest", str(data), "--format", "ednet-kt1", "--contents",
                         str(contents), "--db", str(db)], str(db), "in use by another")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.mark.parametrize(("option", "value", "expected"), [
    ("--device", "tpu", "unknown device 'tpu'"),
    ("--threads", "-2", "--threads must be at least 1, got -2"),
])
def test_kt_fit_bad_settings(tmp_path, option, value, expected):
    train = write(tmp_path / "seq.csv", "2\n1,2\n1,0\n")
    one_line_error(["kt", "fit", "--model", "bkt", "--train", str(train), "--format", "dkt",
                     "--out", str(tmp_path / "run"), option, value], expected)
