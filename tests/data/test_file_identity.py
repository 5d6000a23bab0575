"""A file's identity in a store is its resolved source and its format, never its bare name."""

from __future__ import annotations

import os

import pytest

from edusim.data import DataError, Store, read_store
from edusim.data.dbfile import exclusive

from .data_helpers import KT1_HEADER, write

A = KT1_HEADER + "1000,1,q1,a,10\n2000,2,q2,b,20\n3000,3,q3,c,30\n"
B = KT1_HEADER + "5000,1,q3,a,10\n"


def test_same_name_in_another_folder_is_another_file(tmp_path, contents):
    """Issue 12.1: b/u1.csv never replaces the rows of a/u1.csv."""
    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "a" / "u1.csv", A)
    write(tmp_path / "b" / "u1.csv", B)
    store.ingest([tmp_path / "a"], "ednet-kt1", contents=contents)
    before = read_store(store.path)
    clash = r"b/u1.csv, column 'user_id': user clash: learner 'u1' is already"
    with pytest.raises(DataError, match=clash):
        store.ingest([tmp_path / "b"], "ednet-kt1", contents=contents)
    report = store.ingest([tmp_path / "b"], "ednet-kt1", contents=contents, errors="skip")
    assert report.files_replaced == 0 and report.rows_added == 0
    assert [i.kind for i in report.issues] == ["user clash"]
    assert read_store(store.path).equals(before)
    assert store.counts()["files"] == 2


KT4 = ("timestamp,action_type,item_id,cursor_time,source,user_answer,platform\n"
       "100,enter,b1,,sprint,,web\n200,respond,q1,,sprint,a,web\n300,submit,b1,,sprint,,web\n")


def test_another_data_set_with_the_same_learner_names_replaces_nothing(tmp_path, contents):
    """Issue 12.1, the README's flow (KT1 u1..u20, then the KT4 sample: "5 replaced"): a KT4
    u1.csv is refused as a user clash, and the KT1 rows of u1 stay."""
    store = Store(tmp_path / "db.duckdb")
    for k in (1, 2, 3):
        write(tmp_path / "KT1" / f"u{k}.csv", A)
    store.ingest([tmp_path / "KT1"], "ednet-kt1", contents=contents)
    before = read_store(store.path)
    for k in (1, 2):
        write(tmp_path / "KT4" / f"u{k}.csv", KT4)
    with pytest.raises(DataError, match=r"KT4/u1.csv, column 'user_id': user clash"):
        store.ingest([tmp_path / "KT4"], "ednet-kt4", contents=contents)
    report = store.ingest([tmp_path / "KT4"], "ednet-kt4", contents=contents, errors="skip")
    assert (report.files_replaced, report.rows_added) == (0, 0)
    assert [i.kind for i in report.issues] == ["user clash", "user clash"]
    assert read_store(store.path).equals(before)


def test_a_file_of_another_format_with_the_same_name_adds_rows(tmp_path, contents):
    """Issue 12.1: a DKT file named u1.csv is not the EdNet file u1.csv."""
    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "a" / "u1.csv", A)
    write(tmp_path / "c" / "u1.csv", "2\n1,2\n1,0\n")
    store.ingest([tmp_path / "a"], "ednet-kt1", contents=contents)
    report = store.ingest([tmp_path / "c"], "dkt", prefix_users=True)
    assert (report.files_replaced, report.rows_added) == (0, 2)
    assert sorted(read_store(store.path).user_id.unique()) == ["u1", "u1:0"]


def test_the_same_file_as_another_format_is_refused(tmp_path, contents):
    store = Store(tmp_path / "db.duckdb")
    path = write(tmp_path / "a" / "u1.csv", A)
    store.ingest([path], "ednet-kt1", contents=contents)
    with pytest.raises(DataError, match="format clash: the store holds this file as 'ednet-kt1'"):
        store.ingest([path], "ednet-kt2", contents=contents)
    assert store.counts()["interactions"] == 3


def test_a_file_reached_through_a_link_is_the_same_file(tmp_path, contents):
    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "a" / "u1.csv", A)
    os.symlink(tmp_path / "a", tmp_path / "link")
    store.ingest([tmp_path / "a"], "ednet-kt1", contents=contents)
    report = store.ingest([tmp_path / "link"], "ednet-kt1", contents=contents, check_content=True)
    assert (report.files_unchanged, report.rows_added) == (1, 0)


def test_two_folders_with_the_same_file_names_in_one_ingest(tmp_path):
    """Formerly "duplicate file: given twice" (the keys were the bare names)."""
    write(tmp_path / "a" / "s.csv", "1\n1\n1\n")
    write(tmp_path / "b" / "s.csv", "1\n2\n0\n")
    report = Store(tmp_path / "db.duckdb").ingest([tmp_path / "a", tmp_path / "b"], "dkt")
    assert report.rows_added == 2


def test_db_given_as_a_link_updates_its_target_and_shares_its_lock(tmp_path, contents):
    """Issue 12.4: the link stays a link, the target is updated, and one lock serves both."""
    target = tmp_path / "real.duckdb"
    link = tmp_path / "link.duckdb"
    write(tmp_path / "in" / "u1.csv", A)
    Store(target).ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    os.symlink(target, link)
    write(tmp_path / "in" / "u2.csv", B)
    Store(link).ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    assert link.is_symlink()
    assert Store(target).counts()["interactions"] == 4
    write(tmp_path / "in" / "u3.csv", B)
    with exclusive(target), pytest.raises(BlockingIOError, match="another ingest"):
        Store(link).ingest([tmp_path / "in"], "ednet-kt1", contents=contents)


def test_ingest_takes_one_path_as_a_string(tmp_path, contents, monkeypatch):
    """Issue 12.15: "in" is one path, not the paths "i" and "n" (nor "/" for an absolute one)."""
    write(tmp_path / "in" / "u1.csv", A)
    monkeypatch.chdir(tmp_path)
    assert Store("db.duckdb").ingest("in", "ednet-kt1", contents=contents).rows_added == 3
    with pytest.raises(TypeError, match="a path or a list of paths"):
        Store("db.duckdb").ingest(7, "ednet-kt1", contents=contents)


def test_links_inside_a_folder_resolve_to_their_targets(tmp_path):
    from edusim.data.sources import open_sources

    write(tmp_path / "real" / "s.csv", "1\n1\n1\n")
    write(tmp_path / "in" / "t.csv", "1\n2\n0\n")
    os.symlink(tmp_path / "real" / "s.csv", tmp_path / "in" / "s.csv")
    with open_sources(tmp_path / "in") as files:
        keys = [f.key for f in files]
    assert keys == [str((tmp_path / "real" / "s.csv").resolve()),
                    str((tmp_path / "in" / "t.csv").resolve())]
    with pytest.raises(DataError, match=r"real/s.csv: duplicate file: given twice"):
        with open_sources([tmp_path / "in", tmp_path / "real"]):
            pass
