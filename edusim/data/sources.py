"""Input files: folders, globs, single files, and zip/tar archives of learner files.

:func:`open_sources` turns the paths a user gives into a list of :class:`SourceFile` on disk;
archive members are extracted into a temporary folder that lives as long as the context.

Example:
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (pathlib.Path(d) / "u7.csv").write_text("timestamp\\n1\\n")
    ...     with open_sources([d]) as files:
    ...         [(f.key, f.user_id) for f in files]
    [('u7.csv', 'u7')]
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tarfile
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from edusim.data.schema import DataError, Issue

__all__ = ["SourceFile", "open_sources", "read_header"]

_DATA_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class SourceFile:
    """One input file, on disk.

    Attributes:
        path: Where the bytes are (inside a temporary folder for archive members).
        key: The stable name used in messages and for idempotent re-ingest: the file name
            for files in a folder, ``archive.zip!member`` for archive members.
        user_id: The learner id the file name gives (its stem), for per-learner formats.
    """

    path: Path
    key: str
    user_id: str


def _key_for(path: Path, root: Path | None) -> str:
    return path.name if root is None else path.relative_to(root).as_posix()


@contextlib.contextmanager
def open_sources(paths: Sequence[str | os.PathLike]) -> Iterator[list[SourceFile]]:
    """Expand ``paths`` (files, folders, globs, ``.zip``, ``.tar[.gz]``) into data files.

    Folders are read recursively for ``*.csv``/``*.txt``/``*.tsv`` files, in sorted order.

    Raises:
        DataError: When a path does not exist, matches nothing, or an archive is unreadable
            (a truncated zip, a corrupt tar), naming the path and the reason.
    """
    with tempfile.TemporaryDirectory(prefix="edusim-src-") as scratch:
        files: list[SourceFile] = []
        for raw in paths:
            files.extend(_expand(Path(raw), Path(scratch)))
        duplicates = sorted(k for k, n in Counter(f.key for f in files).items() if n > 1)
        if duplicates:
            raise DataError([Issue(k, "duplicate file", "given twice") for k in duplicates])
        yield files


def _expand(path: Path, scratch: Path) -> list[SourceFile]:
    text = str(path)
    if any(ch in text for ch in "*?["):
        matches = sorted(Path(p) for p in glob.glob(text, recursive=True))
        if not matches:
            raise DataError([Issue(text, "not found", "the pattern matches no file")])
        return [f for m in matches for f in _expand(m, scratch)]
    if not path.exists():
        raise DataError([Issue(text, "not found", "no such file or folder")])
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in _DATA_SUFFIXES)
        return [SourceFile(p, _key_for(p, path), p.stem) for p in found]
    if path.suffix in _DATA_SUFFIXES:
        return [SourceFile(path, path.name, path.stem)]
    if zipfile.is_zipfile(path) or path.suffix == ".zip":
        return _extract(path, scratch, _unzip)
    if _is_tar(path):
        return _extract(path, scratch, _untar)
    return [SourceFile(path, path.name, path.stem)]


def _is_tar(path: Path) -> bool:
    name = path.name
    if name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
        return True
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def _extract(path: Path, scratch: Path, extractor) -> list[SourceFile]:
    target = Path(tempfile.mkdtemp(prefix=path.stem + "-", dir=scratch))
    try:
        extractor(path, target)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise DataError([Issue(str(path), "bad archive", f"cannot read archive: {exc}")]) from exc
    found = sorted(p for p in target.rglob("*") if p.is_file() and p.suffix in _DATA_SUFFIXES)
    return [
        SourceFile(p, f"{path.name}!{p.relative_to(target).as_posix()}", p.stem) for p in found
    ]


def _unzip(path: Path, target: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        bad = archive.testzip()
        if bad is not None:
            raise zipfile.BadZipFile(f"member {bad!r} fails its CRC check")
        for member in archive.infolist():
            _check_member_name(member.filename)
        archive.extractall(target)


def _untar(path: Path, target: Path) -> None:
    with tarfile.open(path) as archive:
        archive.extractall(target, filter="data")


def _check_member_name(name: str) -> None:
    parts = Path(name).parts
    if Path(name).is_absolute() or ".." in parts:
        raise ValueError(f"unsafe member name {name!r}")


def read_header(path: Path) -> list[str] | None:
    """Column names on the first line of a CSV file, or ``None`` for an empty file.

    A UTF-8 byte-order mark is dropped. Raises ``UnicodeDecodeError`` for non-UTF-8 bytes.
    """
    with open(path, "rb") as handle:
        line = handle.readline()
    if not line.strip():
        return None
    text = line.decode("utf-8").lstrip("\ufeff").rstrip("\r\n")
    return [name.strip().strip('"') for name in text.split(",")]
