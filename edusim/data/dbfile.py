"""The database file of a store: one writer at a time, and all-or-nothing replacement.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "db.duckdb"
    >>> with exclusive(path), atomic_copy(path) as work:
    ...     _ = work.write_bytes(b"new")
    >>> path.read_bytes()
    b'new'
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from edusim.data.loader_base import open_duckdb

__all__ = ["exclusive", "atomic_copy"]


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``.<name>.lock`` beside ``path`` (one ingest at a time).

    Raises:
        BlockingIOError: When another process is ingesting into the same store.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BlockingIOError(f"another ingest into {path} is running") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def atomic_copy(path: Path) -> Iterator[Path]:
    """A temporary copy of the database next to ``path``; it replaces ``path`` on success."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    if Path(f"{path}.wal").exists():
        # Changes someone made with their own connection still sit in the write-ahead log:
        # fold them into the database file first, or the copy would miss them.
        con = open_duckdb(path)
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
    try:
        if path.exists():
            shutil.copy2(path, tmp)
        yield tmp
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            if leftover.exists():
                leftover.unlink()
