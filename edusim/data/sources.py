"""Input files: folders, globs, single files, and zip/tar archives of learner files.

:func:`open_sources` turns the paths a user gives into a list of :class:`SourceFile` on disk;
archive members are extracted into a temporary folder that lives as long as the context.

Example:
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (pathlib.Path(d) / "u7.csv").write_text("timestamp\\n1\\n")
    ...     with open_sources(d) as files:
    ...         [(f.key == str(pathlib.Path(d, "u7.csv").resolve()), f.user_id) for f in files]
    [(True, 'u7')]
"""

from __future__ import annotations

import contextlib
import csv
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

from edusim.data.bounds import MAX_ARCHIVE_BYTES, MAX_COLUMNS, LineTooLong, clip, first_line
from edusim.data.schema import DataError, Issue

__all__ = ["SourceFile", "open_sources", "as_paths", "read_header", "HeaderError"]

PathLike = str | os.PathLike

_DATA_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class SourceFile:
    """One input file, on disk.

    Attributes:
        path: Where the bytes are (inside a temporary folder for archive members).
        key: The file's identity, used in messages and by the store: its resolved path
            (symbolic links followed), or ``<resolved archive>!<member>`` for an archive
            member. Two files are the same file exactly when their keys are equal, whatever
            folder or link they were reached through.
        user_id: The learner id the file name gives (its stem), for per-learner formats.
    """

    path: Path
    key: str
    user_id: str


def _on_disk(path: Path) -> SourceFile:
    return SourceFile(path, str(path.resolve()), path.stem)


def as_paths(paths: PathLike | Sequence[PathLike]) -> list[PathLike]:
    """One path or a sequence of paths, as a list (a string is one path, not characters).

    Example:
        >>> as_paths("data/KT1"), as_paths(["a.csv", "b.csv"])
        (['data/KT1'], ['a.csv', 'b.csv'])
    """
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    if isinstance(paths, bytes) or not isinstance(paths, Sequence):
        raise TypeError(f"expected a path or a list of paths, got {type(paths).__name__}")
    return list(paths)


@contextlib.contextmanager
def open_sources(paths: PathLike | Sequence[PathLike],
                 max_archive_bytes: int = MAX_ARCHIVE_BYTES) -> Iterator[list[SourceFile]]:
    """Expand ``paths`` (files, folders, globs, ``.zip``, ``.tar[.gz]``) into data files.

    Folders are read recursively for ``*.csv``/``*.txt``/``*.tsv`` files, in sorted order.
    An archive is checked before anything is extracted: no member may be named twice, and
    its members together may not expand past ``max_archive_bytes`` nor past the free space
    of the temporary folder.

    Raises:
        DataError: When a path does not exist, matches nothing, or an archive is unreadable
            (a truncated zip, a corrupt tar, a repeated member, too large), naming the path
            and the reason.
    """
    with tempfile.TemporaryDirectory(prefix="edusim-src-") as scratch:
        files: list[SourceFile] = []
        for raw in as_paths(paths):
            files.extend(_expand(Path(raw), Path(scratch), max_archive_bytes))
        duplicates = sorted(k for k, n in Counter(f.key for f in files).items() if n > 1)
        if duplicates:
            raise DataError([Issue(k, "duplicate file", "given twice") for k in duplicates])
        yield files


def _expand(path: Path, scratch: Path, limit: int) -> list[SourceFile]:
    text = str(path)
    if any(ch in text for ch in "*?["):
        matches = sorted(Path(p) for p in glob.glob(text, recursive=True))
        if not matches:
            raise DataError([Issue(text, "not found", "the pattern matches no file")])
        return [f for m in matches for f in _expand(m, scratch, limit)]
    if not path.exists():
        raise DataError([Issue(text, "not found", "no such file or folder")])
    if path.is_dir():
        # "**" does not descend into linked folders, so below the resolved root only a file
        # itself can be a link: one lstat per file instead of one per path component.
        root = path.resolve()
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in _DATA_SUFFIXES)
        return [_on_disk(p) if p.is_symlink()
                else SourceFile(p, str(root / p.relative_to(path)), p.stem) for p in found]
    if path.suffix in _DATA_SUFFIXES:
        return [_on_disk(path)]
    if zipfile.is_zipfile(path) or path.suffix == ".zip":
        return _extract(path, scratch, _unzip, limit)
    if _is_tar(path):
        return _extract(path, scratch, _untar, limit)
    return [_on_disk(path)]


def _is_tar(path: Path) -> bool:
    name = path.name
    if name.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
        return True
    try:
        return tarfile.is_tarfile(path)
    except OSError:
        return False


def _extract(path: Path, scratch: Path, extractor, limit: int) -> list[SourceFile]:
    target = Path(tempfile.mkdtemp(prefix=path.stem + "-", dir=scratch))
    try:
        extractor(path, target, min(limit, shutil.disk_usage(target).free))
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise DataError([Issue(str(path), "bad archive", f"cannot read archive: {exc}")]) from exc
    found = sorted(p for p in target.rglob("*") if p.is_file() and p.suffix in _DATA_SUFFIXES)
    archive = str(path.resolve())
    return [SourceFile(p, f"{archive}!{p.relative_to(target).as_posix()}", p.stem) for p in found]


def _unzip(path: Path, target: Path, limit: int) -> None:
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        _check_members([(m.filename, m.file_size, m.is_dir()) for m in members], limit)
        bad = archive.testzip()
        if bad is not None:
            raise zipfile.BadZipFile(f"member {bad!r} fails its CRC check")
        archive.extractall(target)


def _untar(path: Path, target: Path, limit: int) -> None:
    with tarfile.open(path) as archive:
        members = archive.getmembers()
        _check_members([(m.name, m.size if m.isfile() else 0, m.isdir()) for m in members],
                       limit)
        archive.extractall(target, filter="data")


def _check_members(members: list[tuple[str, int, bool]], limit: int) -> None:
    """Refuse unsafe or repeated member names and a total size past ``limit`` bytes.

    The sizes are the ones the archive declares; the readers stop (zip: with a CRC error) at
    the declared size, so the check bounds what extraction writes.
    """
    for name, _, _ in members:
        if Path(name).is_absolute() or ".." in Path(name).parts:
            raise ValueError(f"unsafe member name {clip(name)!r}")
    names = Counter(Path(name).as_posix() for name, _, folder in members if not folder)
    repeated = sorted(n for n, k in names.items() if k > 1)
    if repeated:
        raise ValueError(f"member {clip(repeated[0])!r} appears more than once (extracting "
                         "would keep only the last); rename the members")
    total = sum(size for _, size, _ in members)
    if total > limit:
        raise ValueError(f"members expand to {total:,} bytes, more than the {limit:,} allowed "
                         "(or free in the temporary folder)")


class HeaderError(ValueError):
    """A header line that is not a usable list of column names."""


def read_header(path: Path, source: str = "") -> list[str] | None:
    """Column names on the first line of a CSV file, or ``None`` for an empty file.

    The line is read with the bounded reader, so a file of one endless line costs one
    bounded read, and parsed as CSV (a quoted name may hold commas and quotes). A UTF-8
    byte-order mark is dropped.

    Raises:
        UnicodeDecodeError: For non-UTF-8 bytes.
        HeaderError: For a line past :data:`~edusim.data.bounds.MAX_LINE_BYTES` or with more
            than :data:`~edusim.data.bounds.MAX_COLUMNS` names.
    """
    try:
        line = first_line(path, source or str(path))
    except LineTooLong as exc:
        raise HeaderError(f"header longer than {exc.limit:,} bytes") from None
    if not line.strip():
        return None
    if line.count(b",") >= MAX_COLUMNS:
        raise HeaderError(f"header has {line.count(b',') + 1:,} columns, more than "
                          f"{MAX_COLUMNS:,}")
    text = line.decode("utf-8").lstrip("\ufeff")
    try:
        return [name.strip() for name in next(csv.reader([text], strict=True))]
    except csv.Error as exc:
        raise HeaderError(f"header is not one CSV line ({exc})") from None
