"""The DuckDB store: one database file with ``interactions``, ``items``, ``skills``, ``events``.

Ingest is

* **parallel and streaming**: files are read in batches of about 16 MiB, never by a Python
  loop over rows; a progress callback runs after each batch and memory is bounded by a
  batch. Clean EdNet KT1 batches take a fast path (:mod:`edusim.data.csv_fast_path`: the files'
  lines joined as bytes and parsed by pyarrow's multi-threaded reader); everything else,
  and every batch with a problem, is staged by DuckDB's parallel CSV reader, which reports
  each problem with its file and line (:mod:`edusim.data.ingest`);
* **incremental and idempotent**: the ``files`` table remembers each file's identity (its
  resolved path, or resolved archive and member; and its format), content hash, size and
  modification time; a file with the same size and time is not read again, one with the
  same content hash is skipped, a changed one replaces its earlier rows. Only the same
  identity replaces rows: a file of the same name elsewhere is another file, the same file
  under another format is refused, and a learner already held from another file is
  refused (``user clash``), never merged;
* **atomic**: the database (the file a link names, locked under that name) is copied to a
  temporary file next to it, the ingest runs on the copy and the copy replaces the original
  (``os.replace``) only when everything succeeded. A bad file (strict mode) or a crash
  leaves the previous database untouched, and the :class:`~edusim.data.DataError` names the
  file, line and reason; the next ingest removes the copy a killed one left.
* **safe**: see :mod:`edusim.data.dbfile` (no SQL from user strings, no extensions) and
  :mod:`edusim.data.bounds` (bounded lines, headers, archives and messages).

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "seq.csv").write_text("2\\n1,2\\n1,0\\n")
    >>> store = Store(d / "db.duckdb")
    >>> store.ingest([d / "seq.csv"], "dkt").rows_added
    2
    >>> store.ingest([d / "seq.csv"], "dkt").rows_added  # idempotent
    0
    >>> store.counts()["interactions"]
    2
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from edusim.atomic import atomic_path, make_folder
from edusim.data.dbfile import StoreError, atomic_copy, check_memory_limit, exclusive, open_duckdb
from edusim.data.ingest import FileRecord, batches, run_ingest
from edusim.data.loaders import make_loader
from edusim.data.schema import CANONICAL_COLUMNS, DataError, ErrorMode, Issue, from_arrow
from edusim.data.sources import SourceFile, as_paths, open_sources
from edusim.data.store_tables import check_store, table_names

__all__ = ["Store", "StoreError", "IngestReport", "read_store", "TABLES"]

TABLES: tuple[str, ...] = ("interactions", "items", "skills", "events")
Progress = Callable[[int, int], None]

@dataclass(frozen=True)
class IngestReport:
    """What one ingest did.

    Attributes:
        files_seen: Input files found.
        files_read: Files read (new or changed).
        files_unchanged: Files skipped because the store already holds them unchanged.
        files_replaced: Changed files whose earlier rows were replaced.
        rows_added: Interactions written.
        issues: Problems skipped (skip mode); empty in strict mode.
    """

    files_seen: int
    files_read: int
    files_unchanged: int
    files_replaced: int
    rows_added: int
    issues: tuple[Issue, ...] = ()


class Store:
    """A DuckDB database file of canonical interactions (see the module docstring).

    Args:
        path: The database file; created by the first ingest.
        memory_limit: DuckDB's memory limit while ingesting (its buffer pool otherwise keeps
            the growing table cached, up to most of the RAM).
    """

    def __init__(self, path: str | os.PathLike, memory_limit: str = "512MB") -> None:
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", os.fspath(path)):
            raise StoreError(f"{os.fspath(path)}: a URL; a store is a DuckDB file on this machine")
        self.path = Path(path)
        self.memory_limit = check_memory_limit(memory_limit)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @contextlib.contextmanager
    def connect(self, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection to the database (read-only by default), closed on exit.

        Raises:
            FileNotFoundError: When the database does not exist yet (read-only).
            StoreError: When the file is not a DuckDB database, is held by another program,
                or (read-only) lacks a store's tables.
        """
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"no edusim store at {self.path} (ingest data first)")
        con = open_duckdb(self.path, read_only=read_only)
        try:
            if read_only:
                check_store(con, self.path)
            yield con
        finally:
            con.close()

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run a read-only SQL query and return a DataFrame."""
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def counts(self) -> dict[str, int]:
        """Rows per table, plus ``learners`` (distinct users) and ``files``."""
        with self.connect() as con:
            out = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}
            out["learners"] = con.execute(
                "SELECT count(DISTINCT user_id) FROM learners"
            ).fetchall()[0][0]
            out["files"] = con.execute("SELECT count(*) FROM files").fetchall()[0][0]
        return out

    def interactions(self) -> pd.DataFrame:
        """All interactions as the canonical DataFrame (sorted by user, then time)."""
        return read_store(self.path)

    # -- ingest ------------------------------------------------------------------------
    def ingest(
        self,
        paths: str | os.PathLike | Sequence[str | os.PathLike],
        format: str,
        *,
        contents: str | os.PathLike | None = None,
        errors: ErrorMode | str = ErrorMode.STRICT,
        batch_files: int = 20_000,
        batch_bytes: int = 16 << 20,
        progress: Progress | None = None,
        check_content: bool = False,
        **options: Any,
    ) -> IngestReport:
        """Add the files under ``paths`` (files, folders, globs, zip/tar) to the store.

        Args:
            paths: One input or a list of them, as for :func:`edusim.data.load`.
            format: One of :func:`edusim.data.formats`.
            contents: EdNet contents folder (``ednet-*`` formats).
            errors: ``strict`` (any problem aborts; the store is unchanged) or ``skip``.
            batch_files: At most this many files per batch.
            batch_bytes: A batch closes once its files hold this many bytes (16 MiB: about
                540k EdNet KT1 rows); memory use is bounded by two batches (one being
                written, the next being read), not by the input size.
            progress: Called as ``progress(files_done, files_total)`` after each batch.
            check_content: Hash every file, even those whose size and modification time
                match the store's record (by default those are taken as unchanged, as
                ``git`` and ``make`` do, and not read at all).
            **options: Format options, as for :func:`edusim.data.load`.

        Raises:
            DataError: A problem in the input (strict mode), naming file, line and reason.
        """
        mode = ErrorMode(errors)
        loader = make_loader(format, **({**options, "contents": contents} if contents else options))
        paths = as_paths(paths)
        target = self.path.resolve()  # through a link: the file it names, and its lock
        with exclusive(target), open_sources(paths) as files:
            if not files:
                raise DataError([Issue(", ".join(map(str, paths)), "no files", "nothing to read")])
            known = _known_files(target)
            seen = len(files)
            files, issues = _same_format(files, known, format, mode)
            todo = [f for f in files if check_content or f.key not in known
                    or not known[f.key].same_stat(f"{format}:", f.path.stat())]
            if progress is not None:
                progress(len(files) - len(todo), len(files))
            if not todo and target.exists():
                return IngestReport(seen, 0, len(files), 0, 0, tuple(issues))
            with atomic_copy(target) as work:
                con = open_duckdb(work, memory_limit=self.memory_limit)
                try:
                    result = run_ingest(con, loader, todo, known,
                                        batches(todo, batch_files, batch_bytes), mode, progress,
                                        len(files) - len(todo))
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
        return IngestReport(seen, result.read, len(files) - result.read, result.replaced,
                            result.rows, (*issues, *result.issues))

    # -- export ------------------------------------------------------------------------
    def export_parquet(self, out_dir: str | os.PathLike) -> list[Path]:
        """Write each table to ``out_dir/<table>.parquet`` (atomically) and return the paths."""
        out = Path(out_dir)
        make_folder(out)
        written = []
        with self.connect() as con:
            for table in TABLES:
                target = out / f"{table}.parquet"
                with atomic_path(target) as tmp:
                    con.execute(f"COPY {table} TO ? (FORMAT parquet)", [str(tmp)])
                written.append(target)
        return written


def _known_files(target: Path) -> dict[str, FileRecord]:
    """The ``files`` table of the database at ``target`` (empty for a new or empty database).

    Raises:
        StoreError: When ``target`` is not a DuckDB database, is held by another program, or
            has tables but is not a store (edusim never adds its tables to another database).
    """
    if not target.exists():
        return {}
    con = open_duckdb(target, read_only=True)
    try:
        if not table_names(con):
            return {}
        check_store(con, target)
        columns = {row[0] for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'files'"
        ).fetchall()}
        stat = "size, mtime_ns" if "mtime_ns" in columns else "NULL, NULL"
        rows = con.execute(f"SELECT key, fingerprint, {stat} FROM files").fetchall()
    finally:
        con.close()
    return {key: FileRecord(*record) for key, *record in rows}


def _same_format(files: list[SourceFile], known: dict[str, FileRecord], format: str,
                 mode: ErrorMode) -> tuple[list[SourceFile], list[Issue]]:
    """A file is one format: one the store holds as another format is refused, never replaced.

    A file's identity is its resolved source (:attr:`SourceFile.key`) and its format; only a
    file with the same identity replaces earlier rows.
    """
    issues = [
        Issue(f.key, "format clash", f"the store holds this file as {known[f.key].format!r}, "
              f"not {format!r}; ingest it as {known[f.key].format!r} or into another store")
        for f in files if f.key in known and known[f.key].format != format
    ]
    if issues and mode is ErrorMode.STRICT:
        raise DataError(issues)
    clashing = {issue.source for issue in issues}
    return [f for f in files if f.key not in clashing], issues


def read_store(db_path: str | os.PathLike, table: str = "interactions") -> pd.DataFrame:
    """Read one table of a store; ``interactions`` comes back as the canonical frame.

    Example:
        >>> read_store("/nonexistent.duckdb")
        Traceback (most recent call last):
        ...
        FileNotFoundError: no edusim store at /nonexistent.duckdb (ingest data first)
    """
    known = (*TABLES, "files", "learners")
    if table not in known:
        raise ValueError(f"unknown table {table!r}; choose from {list(known)}")
    with Store(db_path).connect() as con:
        if table != "interactions":
            return con.sql(f"SELECT * FROM {table}").df()
        columns = ", ".join(f'"{c}"' for c in CANONICAL_COLUMNS)
        arrow = con.sql(
            f"SELECT {columns} FROM interactions ORDER BY user_id, timestamp, file, line"
        ).to_arrow_table()
    return from_arrow(arrow)
