"""Malformed input: clear errors naming file and line (strict), counted warnings (skip)."""

from __future__ import annotations

import zipfile

import pytest

from edusim.data import DataError, Store, load, load_with_report, read_store

from .data_helpers import KT1_HEADER, write

GOOD = KT1_HEADER + "1000,1,q1,a,10\n2000,2,q2,c,20\n3000,3,q3,c,30\n"


def _strict_issue(path, contents, fmt="ednet-kt1"):
    with pytest.raises(DataError) as info:
        load(path, fmt, contents=contents)
    return info.value.issues


@pytest.mark.parametrize(
    ("body", "kind", "line", "field"),
    [
        (KT1_HEADER + "1000,1,q1,a,10\nxx,2,q2,b,20\n", "cast", 3, "timestamp"),
        (KT1_HEADER + "1000,1,q1,a,10\n2000,2,q9,b,20\n", "unknown id", 3, "question_id"),
        (KT1_HEADER + "1000,1,q1,a,10\n900,2,q2,b,20\n", "out of order", 3, "timestamp"),
        (KT1_HEADER + "1000,1,q1,a,10\n1000,1,q1,a,10\n", "duplicate row", 3, None),
        (KT1_HEADER + "1000,1,q1,a,10\n2000,2,q2\n", "missing columns", 3, None),
        (KT1_HEADER + "1000,1,q1,a,10\n,2,q2,b,20\n", "missing value", 3, "timestamp"),
        (b"timestamp,solving_id,question_id,user_answer,elapsed_time\n1,1,q\xff1,a,1\n",
         "invalid encoding", 2, None),
        ("timestamp,question_id,elapsed_time\n1,q1,5\n", "missing column", 1, "user_answer"),
        ("", "empty file", None, None),
    ],
)
def test_kt1_bad_rows_are_named_with_file_and_line(tmp_path, contents, body, kind, line, field):
    path = write(tmp_path / "u5.csv", body)
    issues = _strict_issue(path, contents)
    assert issues[0].source == str(path.resolve())
    assert issues[0].kind == kind
    assert issues[0].line == line
    if field is not None:
        assert issues[0].field == field


def test_skip_mode_keeps_good_rows_and_counts_problems(tmp_path, contents):
    write(tmp_path / "in" / "u1.csv", GOOD)
    write(tmp_path / "in" / "u2.csv", KT1_HEADER + "1,1,q1,a,1\nxx,2,q2,b,2\n3,3,q7,b,3\n")
    write(tmp_path / "in" / "u3.csv", "")
    df, report = load_with_report(tmp_path / "in", "ednet-kt1", contents=contents, errors="skip")
    assert report.counts() == {"empty file": 1, "cast": 1, "unknown id": 1}
    assert df.groupby("user_id").size().to_dict() == {"u1": 3, "u2": 1}
    assert df[df.user_id == "u1"]["correct"].tolist() == [True, False, True]


def test_unknown_format_and_option_are_rejected(tmp_path):
    path = write(tmp_path / "x.csv", "1\n1\n1\n")
    with pytest.raises(ValueError, match="unknown format 'kt9'.*ednet-kt1"):
        load(path, "kt9")
    with pytest.raises(ValueError, match="takes no option 'preset'"):
        load(path, "dkt", preset="assistments2009")


def test_ednet_needs_contents(tmp_path):
    path = write(tmp_path / "u1.csv", GOOD)
    with pytest.raises(DataError, match="contents"):
        load(path, "ednet-kt1")


def test_truncated_zip_is_a_clear_error(tmp_path, contents):
    archive = tmp_path / "kt1.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("KT1/u1.csv", GOOD * 50)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="kt1.zip.*bad archive"):
        load(archive, "ednet-kt1", contents=contents)


def test_zip_and_tar_give_the_same_rows_as_a_folder(tmp_path, contents):
    import tarfile

    folder = tmp_path / "KT1"
    write(folder / "u1.csv", GOOD)
    write(folder / "u2.csv", KT1_HEADER + "5,1,q2,b,7\n")
    with zipfile.ZipFile(tmp_path / "kt1.zip", "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"KT1/{f.name}")
    with tarfile.open(tmp_path / "kt1.tar.gz", "w:gz") as tf:
        tf.add(folder, arcname="KT1")
    expected = load(folder, "ednet-kt1", contents=contents)
    for archive in ("kt1.zip", "kt1.tar.gz"):
        got = load(tmp_path / archive, "ednet-kt1", contents=contents)
        assert got.drop(columns="skill_ids").equals(expected.drop(columns="skill_ids"))
    assert sorted(expected.user_id.unique()) == ["u1", "u2"]


def test_bad_file_mid_ingest_leaves_the_store_intact(tmp_path, contents):
    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "a" / "u1.csv", GOOD)
    store.ingest([tmp_path / "a"], "ednet-kt1", contents=contents)
    before = store.counts()
    before_bytes = store.path.read_bytes()
    write(tmp_path / "b" / "u2.csv", GOOD)
    write(tmp_path / "b" / "u3.csv", KT1_HEADER + "1,1,q1,a,1\nnot-a-time,2,q2,b,2\n")
    write(tmp_path / "b" / "u4.csv", GOOD)
    with pytest.raises(DataError, match=r"u3.csv, line 3, column 'timestamp'"):
        store.ingest([tmp_path / "b"], "ednet-kt1", contents=contents, batch_files=1)
    assert store.counts() == before
    assert store.path.read_bytes() == before_bytes
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".db.duckdb.lock", "a", "b", "contents", "db.duckdb"]


def test_ingest_is_incremental_and_idempotent(tmp_path, contents):
    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "in" / "u1.csv", GOOD)
    assert store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents).rows_added == 3
    write(tmp_path / "in" / "u2.csv", GOOD)
    report = store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    assert (report.files_unchanged, report.rows_added) == (1, 3)
    assert store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents).rows_added == 0
    write(tmp_path / "in" / "u2.csv", KT1_HEADER + "5,1,q2,b,7\n")
    report = store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    assert (report.files_replaced, report.rows_added) == (1, 1)
    assert store.counts()["interactions"] == 4
    assert store.counts()["files"] == 2


def test_skip_mode_ingest_reports_and_keeps_the_rest(tmp_path, contents):
    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "in" / "u1.csv", GOOD)
    write(tmp_path / "in" / "u2.csv", b"\xff\xfe garbage\n")
    report = store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents, errors="skip")
    assert [i.kind for i in report.issues] == ["encoding"]
    assert report.issues[0].source == str((tmp_path / "in" / "u2.csv").resolve())
    assert store.counts()["interactions"] == 3


def test_dkt_bad_sequences(tmp_path):
    path = write(tmp_path / "s.csv", "2\n1,2\n1,0\n3\n1,2\n1,1,1\n2\n4,x\n0,1\n")
    with pytest.raises(DataError, match=r"s.csv, line 4: length"):
        load(path, "dkt")
    df, report = load_with_report(path, "dkt", errors="skip")
    assert len(df) == 2
    assert [(i.kind, i.line) for i in report.issues] == [("length", 4), ("cast", 8)]


def test_one_ingest_at_a_time(tmp_path, contents):
    from edusim.data.dbfile import exclusive as _exclusive

    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "in" / "u1.csv", GOOD)
    with _exclusive(store.path), pytest.raises(BlockingIOError, match="another ingest"):
        store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    assert store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents).rows_added == 3


def test_rows_with_equal_times_keep_file_order(tmp_path, contents):
    # EdNet KT1 stamps every question of a bundle with the bundle's start time.
    body = KT1_HEADER + "5,1,q2,b,1\n5,1,q1,a,1\n5,1,q3,c,1\n9,2,q1,b,1\n"
    write(tmp_path / "in" / "u1.csv", body)
    store = Store(tmp_path / "db.duckdb")
    store.ingest([tmp_path / "in"], "ednet-kt1", contents=contents)
    expected = ["q2", "q1", "q3", "q1"]
    assert read_store(store.path).item_id.tolist() == expected
    assert load(tmp_path / "in", "ednet-kt1", contents=contents).item_id.tolist() == expected


def test_learners_from_two_files_do_not_merge_silently(tmp_path):
    store = Store(tmp_path / "db.duckdb")
    write(tmp_path / "train.csv", "2\n1,2\n1,0\n")
    write(tmp_path / "test.csv", "1\n3\n1\n")
    store.ingest([tmp_path / "train.csv"], "dkt")
    with pytest.raises(DataError, match=r"test.csv.*user clash: learner '0' is already"):
        store.ingest([tmp_path / "test.csv"], "dkt")
    store.ingest([tmp_path / "test.csv"], "dkt", prefix_users=True)
    assert sorted(read_store(store.path).user_id.unique()) == ["0", "test:0"]
    assert store.counts()["learners"] == 2
