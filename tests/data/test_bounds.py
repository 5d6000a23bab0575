"""Bounded cost: wide headers, endless lines, long messages and large or odd archives."""

from __future__ import annotations

import io
import shutil
import tarfile
import tracemalloc
import warnings
import zipfile

import pytest

from edusim.data import DataError, Store, load
from edusim.data.sources import open_sources

from .data_helpers import KT1_HEADER, write

GOOD = KT1_HEADER + "1000,1,q1,a,10\n"
MAPPING = {"user_id": "u", "item_id": "i", "correct": "c"}


def test_a_header_wider_than_the_cap_is_refused_at_once(tmp_path):
    """Issue 12.7: 40k columns took 20 s in a quadratic duplicate check, and were accepted."""
    names = ["u", "i", "c", *(f"x{k}" for k in range(40_000))]
    path = write(tmp_path / "wide.csv", ",".join(names) + "\n" + ",".join(["1"] * len(names)))
    with pytest.raises(DataError, match=r"bad header: header has 40,003 columns, more than 4,096"):
        load(path, "csv", columns=MAPPING)


def test_duplicated_names_in_a_wide_header_are_found(tmp_path):
    names = ["u", "i", "c", *(f"x{k}" for k in range(4000)), "x17"]
    path = write(tmp_path / "dup.csv", ",".join(names) + "\n" + ",".join(["1"] * len(names)))
    with pytest.raises(DataError, match=r"duplicated column names \['x17'\]"):
        load(path, "csv", columns=MAPPING)


def test_one_endless_line_costs_one_bounded_read(tmp_path, contents, monkeypatch):
    """Issue 12.8: a 24 MB one-line file cost ~21x its size; now the reader stops at 2 MiB."""
    monkeypatch.setattr("edusim.data.bounds.MAX_BLOB_BYTES", 1 << 20)  # no whole-file read
    path = write(tmp_path / "in" / "u1.csv", b"a," * (12 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as info:
            Store(tmp_path / "db.duckdb").ingest([path], "ednet-kt1", contents=contents)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "bad header: header longer than 2,097,152 bytes" in str(info.value)
    assert peak < 8 << 20


@pytest.mark.parametrize("length", [3 << 20, 40 << 20])
@pytest.mark.parametrize("errors", ["strict", "skip"])
def test_a_data_line_past_the_bound_is_named_never_stored_or_dropped(tmp_path, contents,
                                                                     length, errors):
    """A 3 MB data line was stored whole by the fast path; one past DuckDB's 32 MiB buffer
    was dropped without a word (and the rows after it renumbered), in strict mode too."""
    body = f"1000,1,q1,a,10\n1001,2,q1,{'b' * length},10\n1002,3,q1,a,10\n"
    path = write(tmp_path / "in" / "u1.csv", KT1_HEADER + body)
    store = Store(tmp_path / "db.duckdb")
    if errors == "strict":
        with pytest.raises(DataError, match=r"u1.csv, line 3: line too long: longer than 2,097"):
            store.ingest([path], "ednet-kt1", contents=contents)
        with pytest.raises(DataError, match="line too long"):
            load(path, "ednet-kt1", contents=contents)
        return
    report = store.ingest([path], "ednet-kt1", contents=contents, errors="skip")
    assert [(i.kind, i.line) for i in report.issues] == [("line too long", 3)]
    assert report.rows_added == 0


def test_the_line_scan_finds_the_first_long_line_across_chunks():
    from edusim.data.bounds import first_long_line

    assert first_long_line([b"ab\nc", b"d\nefgh", b"ij\n"], limit=5) == 3
    assert first_long_line([b"abcde", b"f"], limit=5) == 1
    assert first_long_line([b"ab\n", b"", b"abcde\n"], limit=5) is None


def test_messages_quote_a_bounded_part_of_the_input(tmp_path, contents):
    """Issue 12.8: an error repeated the whole header (20 MB header, 84 MB on stderr)."""
    header = ",".join(f"column_{k:07d}_" + "y" * 300 for k in range(3000))  # 0.9 MB, 3000 names
    path = write(tmp_path / "u1.csv", header + "\n")
    with pytest.raises(DataError, match="missing column") as info:
        load(path, "ednet-kt1", contents=contents)
    assert len(str(info.value)) < 1500
    long_value = "9" * 100_000
    path = write(tmp_path / "u2.csv", KT1_HEADER + f"1000,1,q{long_value},a,10\n")
    with pytest.raises(DataError, match="unknown id") as info:
        load(path, "ednet-kt1", contents=contents)
    assert len(str(info.value)) < 1500


def _zip(path, members):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the repeated name, as it should
        with zipfile.ZipFile(path, "w") as archive:
            for name, text in members:
                archive.writestr(name, text)
    return path


def test_a_zip_with_a_repeated_member_is_refused(tmp_path, contents):
    """Issue 12.17: extracting kept only the last of two members of one name."""
    archive = _zip(tmp_path / "kt1.zip", [("KT1/u1.csv", GOOD), ("KT1/u1.csv", GOOD)])
    with pytest.raises(DataError, match=r"kt1.zip: bad archive: .*'KT1/u1.csv' appears more"):
        load(archive, "ednet-kt1", contents=contents)


def test_a_tar_with_a_repeated_member_is_refused(tmp_path, contents):
    archive = tmp_path / "kt1.tar"
    with tarfile.open(archive, "w") as tar:
        for text in (GOOD, GOOD + "2000,2,q2,b,5\n"):
            info = tarfile.TarInfo("KT1/u1.csv")
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text.encode()))
    with pytest.raises(DataError, match="appears more than once"):
        load(archive, "ednet-kt1", contents=contents)


def test_an_archive_is_bounded_before_it_is_extracted(tmp_path):
    """Issue 12.8: a zip member was extracted before any check."""
    archive = _zip(tmp_path / "big.zip", [("KT1/u1.csv", "0" * 100_000)])
    with pytest.raises(DataError, match=r"expand to 100,000 bytes, more than the 1,000"):
        with open_sources(archive, max_archive_bytes=1_000):
            pass
    with open_sources(archive, max_archive_bytes=100_000) as files:
        assert [f.key.rsplit("!", 1)[1] for f in files] == ["KT1/u1.csv"]


def test_an_archive_larger_than_the_free_space_is_refused_before_it_is_extracted(
        tmp_path, monkeypatch):
    """Issue 12.8: 5b7f1e5 extracted a member whatever it expanded to and whatever was free."""
    archive = _zip(tmp_path / "big.zip", [("KT1/u1.csv", "0" * 100_000)])
    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda path: real(path)._replace(free=1_000))
    with pytest.raises(DataError, match=r"expand to 100,000 bytes, more than the 1,000"):
        with open_sources([archive]):
            pass
