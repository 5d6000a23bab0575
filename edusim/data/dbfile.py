"""The database file of a store: safe connections, one writer at a time, all-or-nothing.

Every DuckDB connection edusim opens comes from :func:`open_duckdb`: settings are passed as
values (never pasted into SQL), DuckDB may not install or load extensions (a ``.sqlite``
file, an ``https://`` path or a ``read_json`` never fetches code), and the configuration is
locked. A file that is not a usable database (a text file, a folder, a database another
program holds open) raises :class:`StoreError` naming the path and the reason.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "db.duckdb"
    >>> with exclusive(path), atomic_copy(path) as work:
    ...     _ = work.write_bytes(b"new")
    >>> path.read_bytes()
    b'new'
    >>> open_duckdb(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    edusim.data.dbfile.StoreError: ...db.duckdb: not a DuckDB database file
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb

from edusim.atomic import make_folder
from edusim.data.bounds import clip

__all__ = ["StoreError", "open_duckdb", "check_memory_limit", "exclusive", "atomic_copy"]

#: Settings of every connection: no extension is ever installed or loaded behind our back.
_SETTINGS = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
}
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


class StoreError(ValueError):
    """A database file that cannot be used as (or is not) an edusim store."""


def check_memory_limit(limit: str) -> str:
    """``limit`` if it reads as a DuckDB memory size (``512MB``, ``2GiB``), else ``ValueError``.

    Example:
        >>> check_memory_limit("1GB'; --")
        Traceback (most recent call last):
        ...
        ValueError: memory_limit must be a size such as '512MB' or '2GiB', got "1GB'; --"
    """
    if not isinstance(limit, str) or not _MEMORY.fullmatch(limit.strip()):
        raise ValueError(f"memory_limit must be a size such as '512MB' or '2GiB', got {limit!r}")
    return limit.strip()


def open_duckdb(path: str | os.PathLike = ":memory:", read_only: bool = False,
                memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with safe settings (see the module docstring), progress bar off.

    Raises:
        StoreError: When ``path`` is a folder, not a DuckDB file, or held by another program.
        ValueError: For a ``memory_limit`` that is not a size.
    """
    config: dict[str, object] = dict(_SETTINGS)
    if memory_limit is not None:
        config["memory_limit"] = check_memory_limit(memory_limit)
    where = str(path)
    if where != ":memory:":
        _refuse_folder(Path(where))
    try:
        con = duckdb.connect(where, read_only=read_only, config=config)
    except duckdb.Error as exc:
        raise StoreError(_explain(where, exc)) from None
    con.execute("SET enable_progress_bar = false")
    con.execute("SET lock_configuration = true")
    return con


def _explain(path: str, exc: duckdb.Error) -> str:
    text = str(exc)
    if "Could not set lock" in text:
        holder = re.search(r"held in (\S+)(?: \(PID (\d+)\))?", text)
        who = ""
        if holder:
            program = clip(os.path.basename(holder.group(1)), 120)
            who = f" ({program}, process {holder.group(2)})" if holder.group(2) else f" ({program})"
        return f"{path}: in use by another program{who}; close it and try again"
    if "not a valid DuckDB database" in text or "xtension" in text:
        return f"{path}: not a DuckDB database file"
    return f"{path}: cannot open as a DuckDB database: {clip(text.splitlines()[0])}"


def _refuse_folder(path: Path) -> None:
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a database file")


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``.<name>.lock`` beside ``path`` (one ingest at a time).

    Give the resolved path (symbolic links followed), so that every route to one database
    takes the same lock. Once it is held, no other ingest can be running, so the copies a
    killed one left (``.<name>-*.tmp`` and their ``.wal``) are removed, whether or not
    this ingest has anything to write.

    Raises:
        BlockingIOError: When another process is ingesting into the same store.
        StoreError: When ``path`` is a folder.
    """
    _refuse_folder(path)
    make_folder(path.parent)
    with open(path.with_name(f".{path.name}.lock"), "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BlockingIOError(f"another ingest into {path} is running") from None
        try:
            for stale in glob.glob(_temp_pattern(path)) + glob.glob(_temp_pattern(path) + ".wal"):
                Path(stale).unlink(missing_ok=True)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _temp_pattern(path: Path) -> str:
    return str(path.with_name(f".{glob.escape(path.name)}-*.tmp"))


@contextlib.contextmanager
def atomic_copy(path: Path) -> Iterator[Path]:
    """A temporary copy of the database next to ``path``; it replaces ``path`` on success.

    Call it under :func:`exclusive` (which removes the copies a killed ingest left).
    """
    make_folder(path.parent)
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
