"""The store: leftovers of killed ingests, SQL never built from user strings, no extensions,
databases that are not stores, and values no source writes (negative times)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from edusim.data import DataError, Store, load, load_with_report
from edusim.data.dbfile import StoreError, open_duckdb
from edusim.data.export import write_split

from .data_helpers import KT1_HEADER, write

GOOD = KT1_HEADER + "1000,1,q1,a,10\n2000,2,q2,b,20\n"


@pytest.mark.parametrize("new_file", [True, False])
def test_temporary_copies_of_a_killed_ingest_are_removed(tmp_path, contents, new_file):
    """Issue 12.10: `.NAME.duckdb-*.tmp` (and `.tmp.wal`) stayed forever; they stayed, too,
    when the next ingest found nothing new to write (re-running the same command)."""
    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "in" / "u1.csv", GOOD)
    store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    stale = [tmp_path / ".db.duckdb-k1ll3d.tmp", tmp_path / ".db.duckdb-k1ll3d.tmp.wal"]
    other = tmp_path / ".db.duckdb-notes.txt"
    for path in [*stale, other]:
        path.write_bytes(b"x" * 1000)
    if new_file:
        write(tmp_path / "in" / "u2.csv", GOOD)
    store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    assert not any(p.exists() for p in stale)
    assert other.exists()
    assert store.counts()["interactions"] == (4 if new_file else 2)


KILLED_INGEST = """
import sys, time
from edusim.data import Store
calls = []
def progress(done, total):
    calls.append(done)
    if len(calls) == 2:  # one batch written into the temporary copy
        print("written", flush=True)
        time.sleep(120)
Store(sys.argv[1]).ingest([sys.argv[2]], "ednet-kt1", contents=sys.argv[3], batch_files=1,
                         progress=progress)
"""


def test_an_ingest_killed_midway_changes_nothing_and_is_cleaned_up(tmp_path, contents):
    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "first" / "u1.csv", GOOD)
    store.ingest([tmp_path / "first"], "ednet-kt1", contents=contents)
    before = store.path.read_bytes()
    for k in range(2, 5):
        write(tmp_path / "in" / f"u{k}.csv", GOOD)
    child = subprocess.Popen([sys.executable, "-c", KILLED_INGEST, str(store.path),
                              str(tmp_path / "in"), str(contents)], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "written"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert store.path.read_bytes() == before
    assert list(tmp_path.glob(".db.duckdb-*.tmp*"))  # the copy it was writing
    assert store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents).rows_added == 6
    assert not list(tmp_path.glob(".db.duckdb-*.tmp*"))


def test_memory_limit_is_a_value_not_sql(tmp_path, contents):
    """Issue 12.13: the limit was pasted into SQL (this one created a table)."""
    with pytest.raises(ValueError, match="memory_limit must be a size"):
        Store(tmp_path / "db.duckdb", memory_limit="1GB'; CREATE TABLE pwn(x INT); --")
    store = Store(tmp_path / "db.duckdb", memory_limit="256MiB")
    write(tmp_path / "in" / "u1.csv", GOOD)
    assert store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents).rows_added == 2


def test_export_and_split_to_folders_with_quotes(tmp_path, contents):
    """Issue 12.13: `data export --out "ex'port"` was an SQL parser error."""
    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "in" / "u1.csv", GOOD)
    store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    paths = store.export_parquet(tmp_path / "ex'port")
    assert [p.name for p in paths] == ["interactions.parquet", "items.parquet", "skills.parquet",
                                       "events.parquet"]
    parts = write_split(store.path, tmp_path / "sp'lit\"", {"train": 1.0}, seed=0)
    assert parts["train"][1] == 2


def test_no_extension_is_installed_or_loaded(tmp_path):
    """Issue 12.17: `--db file.sqlite` made DuckDB try to download the sqlite extension."""
    path = tmp_path / "file.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE t (x INT)")
    with pytest.raises(StoreError, match=r"file.sqlite: not a DuckDB database file"):
        Store(path).counts()
    con = open_duckdb()
    settings = dict(con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN "
        "('autoinstall_known_extensions', 'autoload_known_extensions')").fetchall())
    assert settings == {"autoinstall_known_extensions": "false",
                        "autoload_known_extensions": "false"}
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("SET autoload_known_extensions = true")


@pytest.mark.parametrize("kind", ["text", "folder", "root", "foreign", "columns"])
def test_files_that_are_not_stores_are_named(tmp_path, contents, kind):
    """Issue 12.14 (library side): one precise error naming the file, for reads and ingests."""
    path = tmp_path / "db.duckdb"
    if kind == "text":
        path.write_text("hello\n")
        expected = "not a DuckDB database file"
    elif kind == "folder":
        path.mkdir()
        expected = "is a folder, not a database file"
    elif kind == "root":  # a folder without a name: the lock file beside it cannot be named
        path = Path(path.anchor)
        expected = "is a folder, not a database file"
    else:
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE interactions (x INT)" if kind == "columns"
                    else "CREATE TABLE sales (x INT)")
        con.close()
        expected = "not an edusim store"
    with pytest.raises(StoreError, match=expected):
        Store(path).counts()
    write(tmp_path / "in" / "u1.csv", GOOD)
    with pytest.raises(StoreError, match=expected):
        Store(path).ingest([tmp_path / "in"], "ednet-kt1", contents=contents)


def test_negative_timestamps_are_refused(tmp_path, contents):
    """Issue 12.17: negative timestamps were stored."""
    path = write(tmp_path / "u1.csv", KT1_HEADER + "-5,1,q1,a,10\n2000,2,q2,b,20\n")
    with pytest.raises(DataError, match=r"line 2, column 'timestamp': negative time"):
        load(path, "ednet-kt1", contents=contents)
    frame, report = load_with_report(path, "ednet-kt1", contents=contents, errors="skip")
    assert frame.timestamp.tolist() == [2000] and report.counts() == {"negative time": 1}
    table = write(tmp_path / "log.csv", "u,i,c,t\nA,p1,1,-1\nA,p2,0,3\n")
    mapping = {"user_id": "u", "item_id": "i", "correct": "c", "timestamp": "t"}
    with pytest.raises(DataError, match=r"log.csv, line 2, column 'timestamp': negative time"):
        Store(tmp_path / "db.duckdb").ingest([table], "csv", columns=mapping)


@pytest.mark.parametrize("url", ["https://example.com/x.duckdb", "s3://bucket/x.duckdb"])
def test_a_url_as_the_store_is_refused_not_made_a_folder(tmp_path, monkeypatch, url):
    """`--db https://host/x.duckdb` made a local folder `https:/host/` and a store in it."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="a URL; a store is a DuckDB file on this machine"):
        Store(url)
    assert not list(tmp_path.iterdir())
