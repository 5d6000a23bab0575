"""The fast path for clean EdNet KT1 batches: the rows staging gives, never bad input."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from edusim.data import DataError, Store, load, read_store
from edusim.data.csv_fast_path import read_blobs
from edusim.data.dbfile import open_duckdb
from edusim.data.ednet import EdNetKT1Loader
from edusim.data.sources import open_sources
from edusim.data.synthetic_ednet import SynthConfig, write_synthetic

from .data_helpers import KT1_HEADER, write

GOOD = KT1_HEADER + "1000,1,q1,a,5\n1000,1,q2,c,5\n2000,2,q3,,\n"


def _fast_rows(folder, contents):
    """The fast path's table for the files in ``folder`` (``None``: not taken)."""
    loader = EdNetKT1Loader(contents=contents)
    con = open_duckdb()
    loader.catalog(con)
    context = loader.fast_context(con)
    con.close()
    with open_sources([folder]) as files:
        return loader.fast_batch(context, files, read_blobs(files))


def test_clean_files_take_the_fast_path(tmp_path, contents):
    write(tmp_path / "in" / "u1.csv", GOOD)
    write(tmp_path / "in" / "u2.csv", GOOD.rstrip("\n"))  # no final newline: still clean
    rows = _fast_rows(tmp_path / "in", contents)
    assert rows is not None
    assert rows.column("correct").to_pylist() == [True, False, False] * 2
    assert rows.column("_rn").to_pylist() == [1, 2, 3] * 2
    assert rows.column("answer").to_pylist()[2] is None  # empty field: null, as in DuckDB


@pytest.mark.parametrize("body", [
    "1000,1,q1,\"a\",5\n",          # quotes
    "1000,1,q1,a,5\r\n",            # carriage return
    "1000,1,q1,a,5\n\n2000,2,q2,b,5\n",  # blank line
    "1000,1,q1,a\n",                # missing field
    "1000,1,q1,a,5,9\n",            # extra field
    "10x0,1,q1,a,5\n",              # not an integer
    ",1,q1,a,5\n",                  # no timestamp
    "1000,1,q9,a,5\n",              # unknown question
    "1000,1,,a,5\n",                # no question
    "2000,1,q1,a,5\n1000,2,q2,b,5\n",  # out of order
    "1000,1,q1,a,5\n1000,2,q1,b,5\n",  # repeated (item, time)
    "1000,1,q1,\xe9,5\n",           # Latin-1 byte, not UTF-8
])
def test_anything_unclean_is_left_to_staging(tmp_path, contents, body):
    write(tmp_path / "in" / "u1.csv", GOOD)
    text = KT1_HEADER + body
    write(tmp_path / "in" / "u2.csv", text.encode("latin-1"))
    assert _fast_rows(tmp_path / "in", contents) is None


def test_another_header_is_left_to_staging(tmp_path, contents):
    write(tmp_path / "in" / "u1.csv", "question_id,timestamp,user_answer\nq1,1000,a\n")
    assert _fast_rows(tmp_path / "in", contents) is None
    assert load(tmp_path / "in", "ednet-kt1", contents=contents).correct.tolist() == [True]


def _store_frames(path):
    store = Store(path)
    files = store.query("SELECT key, format, fingerprint, rows FROM files ORDER BY key")
    learners = store.query("SELECT * FROM learners ORDER BY user_id, file")
    lines = store.query("SELECT user_id, file, line, timestamp FROM interactions "
                        "ORDER BY file, line")
    return read_store(path), files, learners, lines


def test_fast_and_staged_ingest_store_the_same(tmp_path, monkeypatch):
    write_synthetic(tmp_path / "data", SynthConfig(learners=30, mean_steps=40, seed=3))
    kt1, contents = tmp_path / "data" / "KT1", tmp_path / "data" / "contents"
    fast = Store(tmp_path / "fast.duckdb")
    fast.ingest([kt1], "ednet-kt1", contents=contents, batch_files=7)
    with monkeypatch.context() as patch:
        patch.setattr(EdNetKT1Loader, "fast_context", lambda self, con: None)
        staged = Store(tmp_path / "staged.duckdb")
        staged.ingest([kt1], "ednet-kt1", contents=contents, batch_files=7)
    for got, expected in zip(_store_frames(fast.path), _store_frames(staged.path), strict=True):
        pd.testing.assert_frame_equal(got, expected)
    assert fast.counts() == staged.counts()
    assert fast.counts()["interactions"] > 500


def test_fast_and_staged_load_the_same(tmp_path, monkeypatch):
    write_synthetic(tmp_path / "data", SynthConfig(learners=12, mean_steps=30, seed=5))
    kt1, contents = tmp_path / "data" / "KT1", tmp_path / "data" / "contents"
    with monkeypatch.context() as patch:
        patch.setattr(EdNetKT1Loader, "fast_context", lambda self, con: None)
        staged = load(kt1, "ednet-kt1", contents=contents)
    assert _fast_rows(kt1, contents) is not None
    pd.testing.assert_frame_equal(load(kt1, "ednet-kt1", contents=contents), staged)


def test_a_bad_batch_falls_back_and_is_reported(tmp_path, contents):
    write(tmp_path / "in" / "u1.csv", GOOD)
    write(tmp_path / "in" / "u2.csv", KT1_HEADER + "1000,1,q1,a,5\n900,2,q2,b,5\n")
    store = Store(tmp_path / "db.duckdb")
    report = store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents, errors="skip")
    u2 = str((tmp_path / "in" / "u2.csv").resolve())
    assert [(i.source, i.kind, i.line) for i in report.issues] == [(u2, "out of order", 3)]
    assert report.rows_added == 5


def test_untouched_files_are_not_read_and_touched_ones_are_hashed(tmp_path, contents):
    store = Store(tmp_path / "db.duckdb")
    path = write(tmp_path / "in" / "u1.csv", GOOD)
    store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    os.utime(path, ns=(1, 1))  # same bytes, another time: hashed, found unchanged
    report = store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    assert (report.files_read, report.files_unchanged, report.rows_added) == (0, 1, 0)
    assert store.query("SELECT mtime_ns FROM files").mtime_ns.tolist() == [1]
    # Same size and time but other bytes: only check_content=True reads the file again.
    path.write_text(GOOD.replace("q3", "q2"))
    os.utime(path, ns=(1, 1))
    assert store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents).files_read == 0
    report = store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents, check_content=True)
    assert (report.files_read, report.files_replaced, report.rows_added) == (1, 1, 3)
    assert store.query("SELECT count(*) AS n FROM interactions WHERE item_id = 'q3'").n[0] == 0


def test_re_ingesting_an_archive_hashes_its_members_and_adds_nothing(tmp_path, contents):
    import zipfile

    write(tmp_path / "KT1" / "u1.csv", GOOD)
    write(tmp_path / "KT1" / "u2.csv", GOOD)
    with zipfile.ZipFile(tmp_path / "kt1.zip", "w") as archive:
        for name in ("u1.csv", "u2.csv"):
            archive.write(tmp_path / "KT1" / name, f"KT1/{name}")
    store = Store(tmp_path / "db.duckdb")
    assert store.ingest([tmp_path / "kt1.zip"], "ednet-kt1", contents=contents).rows_added == 6
    # Members are extracted afresh (new times) each run: their content hashes decide.
    report = store.ingest([tmp_path / "kt1.zip"], "ednet-kt1", contents=contents)
    assert (report.files_read, report.files_unchanged, report.rows_added) == (0, 2, 0)
    assert store.counts()["interactions"] == 6


@pytest.mark.parametrize("elapsed", ["+5", "5.0", "1e3", " 5", "5 ", "0x10", "05", "-0", "1_000",
                                     "9223372036854775807", "9223372036854775808"])
def test_odd_integers_read_as_staging_reads_them(tmp_path, contents, monkeypatch, elapsed):
    """Whatever pyarrow accepts, DuckDB's reader accepts with the same value (else: staged)."""
    path = write(tmp_path / "in" / "u1.csv", KT1_HEADER + f"1000,1,q1,a,{elapsed}\n")

    def read(fast: bool):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(EdNetKT1Loader, "fast_context", lambda self, con: None)
            try:
                return load(path, "ednet-kt1", contents=contents).elapsed_ms.tolist()
            except DataError as exc:
                return type(exc)

    assert read(fast=True) == read(fast=False)
