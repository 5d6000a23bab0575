"""The DuckDB store: one database file with ``interactions``, ``items``, ``skills``, ``events``.

Ingest is

* **parallel and streaming**: files are read in batches of about 64 MiB by DuckDB's
  parallel CSV reader, never by a Python loop over rows; a progress callback runs after
  each batch and memory is bounded by one batch. Per-learner files (EdNet) are joined into
  one batch file first (bytes, not rows): DuckDB's multi-file scan costs about a
  millisecond per file, and EdNet has 784k files of ~170 rows;
* **incremental and idempotent**: the ``files`` table remembers each file's key and content
  hash; an unchanged file is skipped, a changed one replaces its earlier rows;
* **atomic**: the database is copied to a temporary file next to it, the ingest runs on the
  copy and the copy replaces the original (``os.replace``) only when everything succeeded.
  A bad file (strict mode) or a crash leaves the previous database untouched, and the
  :class:`~edusim.data.DataError` names the file, line and reason.

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
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from edusim.atomic import atomic_path
from edusim.data.loaders import make_loader
from edusim.data.schema import (
    CANONICAL_COLUMNS,
    SQL_COLUMNS,
    DataError,
    ErrorMode,
    Issue,
    from_arrow,
)
from edusim.data.sources import SourceFile, fingerprint, open_sources
from edusim.data.staging import (
    EVENT_COLUMNS,
    EVENTS,
    ITEM_COLUMNS,
    ITEMS,
    SKILL_COLUMNS,
    SKILLS,
    STAGE,
    Loader,
    check_duplicates,
    create_stage,
    derive_catalog,
    open_duckdb,
)

__all__ = ["Store", "IngestReport", "read_store", "TABLES"]

TABLES: tuple[str, ...] = ("interactions", "items", "skills", "events")
Progress = Callable[[int, int], None]

_FILES_DDL = (
    "CREATE TABLE IF NOT EXISTS files (key VARCHAR PRIMARY KEY, format VARCHAR, "
    "fingerprint VARCHAR, rows BIGINT, ingested_at TIMESTAMP DEFAULT current_timestamp)"
)


def _ddl(name: str, columns: dict[str, str], extra: str = "") -> str:
    body = ", ".join(f'"{c}" {t}' for c, t in columns.items())
    return f"CREATE TABLE IF NOT EXISTS {name} ({body}{extra})"


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
        self.path = Path(path)
        self.memory_limit = memory_limit

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @contextlib.contextmanager
    def connect(self, read_only: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection to the database (read-only by default), closed on exit.

        Raises:
            FileNotFoundError: When the database does not exist yet (read-only).
        """
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"no edusim store at {self.path} (ingest data first)")
        con = open_duckdb(self.path, read_only=read_only)
        try:
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
        paths: Sequence[str | os.PathLike],
        format: str,
        *,
        contents: str | os.PathLike | None = None,
        errors: ErrorMode | str = ErrorMode.STRICT,
        batch_files: int = 20_000,
        batch_bytes: int = 64 << 20,
        progress: Progress | None = None,
        **options: Any,
    ) -> IngestReport:
        """Add the files under ``paths`` (files, folders, globs, zip/tar) to the store.

        Args:
            paths: Inputs, as for :func:`edusim.data.load`.
            format: One of :func:`edusim.data.formats`.
            contents: EdNet contents folder (``ednet-*`` formats).
            errors: ``strict`` (any problem aborts; the store is unchanged) or ``skip``.
            batch_files: At most this many files per batch.
            batch_bytes: A batch closes once its files hold this many bytes (64 MiB: about
                1.5M EdNet rows); memory use is bounded by one batch, not the input size.
            progress: Called as ``progress(files_done, files_total)`` after each batch.
            **options: Format options, as for :func:`edusim.data.load`.

        Raises:
            DataError: A problem in the input (strict mode), naming file, line and reason.
        """
        mode = ErrorMode(errors)
        loader = make_loader(format, **({**options, "contents": contents} if contents else options))
        with _exclusive(self.path), open_sources(paths) as files:
            if not files:
                raise DataError([Issue(", ".join(map(str, paths)), "no files", "nothing to read")])
            known = self._known_files()
            prints = {f.key: f"{format}:{fingerprint(f.path)}" for f in files}
            todo = [f for f in files if known.get(f.key) != prints[f.key]]
            replaced = [f.key for f in todo if f.key in known]
            if progress is not None:
                progress(len(files) - len(todo), len(files))
            if not todo and self.path.exists():
                return IngestReport(len(files), 0, len(files), 0, 0)
            with _atomic_copy(self.path) as work:
                con = open_duckdb(work)
                con.execute(f"SET memory_limit = '{self.memory_limit}'")
                try:
                    rows, issues = _ingest(con, loader, format, todo, prints, replaced, mode,
                                           _batches(todo, batch_files, batch_bytes), progress,
                                           len(files) - len(todo))
                    con.execute("CHECKPOINT")
                finally:
                    con.close()
        return IngestReport(len(files), len(todo), len(files) - len(todo), len(replaced), rows,
                            tuple(issues))

    def _known_files(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        with self.connect() as con:
            return dict(con.execute("SELECT key, fingerprint FROM files").fetchall())

    # -- export ------------------------------------------------------------------------
    def export_parquet(self, out_dir: str | os.PathLike) -> list[Path]:
        """Write each table to ``out_dir/<table>.parquet`` (atomically) and return the paths."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        with self.connect() as con:
            for table in TABLES:
                target = out / f"{table}.parquet"
                with atomic_path(target) as tmp:
                    con.execute(f"COPY {table} TO '{tmp}' (FORMAT parquet)")
                written.append(target)
        return written


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
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
def _atomic_copy(path: Path) -> Iterator[Path]:
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


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_ddl("interactions", SQL_COLUMNS, ", file VARCHAR, line BIGINT"))
    con.execute(_ddl("events", EVENT_COLUMNS, ", file VARCHAR"))
    con.execute(_ddl("items", ITEM_COLUMNS))
    con.execute(_ddl("skills", SKILL_COLUMNS))
    con.execute(_FILES_DDL)
    con.execute("CREATE TABLE IF NOT EXISTS learners (user_id VARCHAR, file VARCHAR)")


def _ingest(
    con: duckdb.DuckDBPyConnection,
    loader: Loader,
    format: str,
    todo: list[SourceFile],
    prints: dict[str, str],
    replaced: list[str],
    mode: ErrorMode,
    batches: Iterator[list[SourceFile]],
    progress: Progress | None,
    done: int,
) -> tuple[int, list[Issue]]:
    _create_tables(con)
    issues = list(loader.catalog(con))
    _merge_catalog(con)
    total, rows = done + len(todo), 0
    for batch in batches:
        create_stage(con)
        try:
            issues.extend(loader.stage(con, batch, mode))
        except duckdb.Error as exc:
            keys = ", ".join(f.key for f in batch[:3]) + (" ..." if len(batch) > 3 else "")
            raise DataError([Issue(keys, "read error", str(exc).splitlines()[0])]) from exc
        if not loader.unique_times:
            check_duplicates(con, mode, issues)
        _check_user_clash(con, mode, issues)
        rows += _commit_batch(con, batch, prints, replaced, format)
        if not loader.complete_catalog:
            derive_catalog(con)
            _merge_catalog(con)
        done += len(batch)
        if progress is not None:
            progress(done, total)
    return rows, issues


def _batches(
    files: list[SourceFile], max_files: int, max_bytes: int
) -> Iterator[list[SourceFile]]:
    """Consecutive groups of ``files`` with at most ``max_files`` files or ~``max_bytes``."""
    batch: list[SourceFile] = []
    size = 0
    for file in files:
        batch.append(file)
        size += file.path.stat().st_size
        if len(batch) >= max_files or size >= max_bytes:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _check_user_clash(con: duckdb.DuckDBPyConnection, mode: ErrorMode, issues: list[Issue]) -> None:
    """Learners already in the store from another file would silently merge: report them.

    Uses the small ``learners`` table (one row per learner and file), not the interactions.
    """
    found = con.execute(
        f"SELECT DISTINCT s._source, s.user_id, l.file FROM {STAGE} s JOIN learners l "
        "ON l.user_id = s.user_id AND l.file <> s._source ORDER BY 1, 2"
    ).fetchall()
    new = [
        Issue(src, "user clash", f"learner {user!r} is already in the store from {other!r} "
              "(for dkt files pass prefix_users=True)", field="user_id")
        for src, user, other in found
    ]
    if new and mode is ErrorMode.STRICT:
        raise DataError([*issues, *new])
    issues.extend(new)
    if new:
        con.execute(
            f"DELETE FROM {STAGE} WHERE (_source, user_id) IN (SELECT unnest(?), unnest(?))",
            [[src for src, _, _ in found], [user for _, user, _ in found]],
        )


def _commit_batch(
    con: duckdb.DuckDBPyConnection,
    batch: list[SourceFile],
    prints: dict[str, str],
    replaced: list[str],
    format: str,
) -> int:
    keys = [f.key for f in batch]
    stale = [k for k in keys if k in set(replaced)]
    if stale:
        for table in ("interactions", "events", "learners"):
            con.execute(f"DELETE FROM {table} WHERE file IN (SELECT unnest(?))", [stale])
        con.execute("DELETE FROM files WHERE key IN (SELECT unnest(?))", [stale])
    columns = ", ".join(f'"{c}"' for c in CANONICAL_COLUMNS)
    con.execute(
        f"INSERT INTO interactions SELECT {columns}, _source, _rn + 1 FROM {STAGE}"
    )
    con.execute(f"INSERT INTO learners SELECT DISTINCT user_id, _source FROM {STAGE}")
    events = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
    con.execute(f"INSERT INTO events SELECT {events}, _source FROM {EVENTS}")
    counts = dict(con.execute(f"SELECT _source, count(*) FROM {STAGE} GROUP BY 1").fetchall())
    listing = pa.table({
        "key": keys,
        "format": [format] * len(keys),
        "fingerprint": [prints[k] for k in keys],
        "rows": pa.array([counts.get(k, 0) for k in keys], type=pa.int64()),
    })
    con.register("_listing", listing)
    con.execute("INSERT INTO files (key, format, fingerprint, rows) SELECT * FROM _listing")
    con.unregister("_listing")
    return int(sum(counts.values()))


def _merge_catalog(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"INSERT INTO items SELECT * FROM {ITEMS} WHERE item_id NOT IN (SELECT item_id FROM items)"
    )
    con.execute(
        "UPDATE skills SET name = s.name FROM "
        f"(SELECT skill_id, name FROM {SKILLS} WHERE name IS NOT NULL) s "
        "WHERE skills.skill_id = s.skill_id AND skills.name IS NULL"
    )
    con.execute(
        f"INSERT INTO skills SELECT * FROM {SKILLS} "
        "WHERE skill_id NOT IN (SELECT skill_id FROM skills)"
    )


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
