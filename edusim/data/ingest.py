"""One ingest into an open store database: batches of files in, tables out.

For each batch of files (at most ``batch_files`` files or about ``batch_bytes`` bytes, so
memory is bounded by a batch, not by the input):

1. the files' bytes are read (the next batch is read and hashed in a background thread while
   this one is parsed and written) and hashed; a file whose content hash is the one the store
   holds is left alone;
   (a file over :data:`~edusim.data.bounds.MAX_BLOB_BYTES` is hashed in chunks and its batch
   staged, so no file is ever held in memory whole);
2. the loader's fast path (:meth:`Loader.fast_batch`) turns a clean batch straight into Arrow;
   anything else is staged in DuckDB, where every problem is found and reported (or dropped,
   in skip mode);
3. the rows go into ``interactions`` (and ``events``), the learners into ``learners`` and the
   files, with their hash, size and modification time, into ``files``. A changed file's
   earlier rows are deleted first.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from edusim.data.csv_fast_path import read_blobs
from edusim.data.loader_base import (
    EVENT_COLUMNS,
    EVENTS,
    ITEMS,
    SKILLS,
    STAGE,
    Loader,
    derive_catalog,
    stage_checked,
)
from edusim.data.schema import CANONICAL_COLUMNS, DataError, ErrorMode, Issue
from edusim.data.sources import SourceFile
from edusim.data.store_tables import create_tables

__all__ = ["FileRecord", "IngestResult", "run_ingest", "batches", "digest"]

Progress = Callable[[int, int], None]
_FAST, _PER_FILE = "_fast_rows", "_per_file"


@dataclass(frozen=True)
class FileRecord:
    """What the ``files`` table holds about one ingested file."""

    fingerprint: str
    size: int | None = None
    mtime_ns: int | None = None

    @property
    def format(self) -> str:
        """The format the file was ingested as (the fingerprint is ``format:hash``)."""
        return self.fingerprint.partition(":")[0]

    def same_stat(self, fingerprint_prefix: str, stat: os.stat_result) -> bool:
        """Whether the file looks untouched: same format, size and modification time."""
        return (
            self.fingerprint.startswith(fingerprint_prefix)
            and self.size == stat.st_size
            and self.mtime_ns == stat.st_mtime_ns
        )


@dataclass
class IngestResult:
    """Counts of one ingest run (the store turns them into an ``IngestReport``)."""

    read: int = 0
    unchanged: int = 0
    replaced: int = 0
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)


def digest(data: bytes) -> str:
    """The content hash of a file's bytes.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "f"
        >>> _ = path.write_bytes(b"x" * 3_000_000)
        >>> digest(b"x" * 3_000_000) == digest_file(path)
        True
    """
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def digest_file(path: os.PathLike) -> str:
    """:func:`digest` of a file's bytes, read in chunks (memory: one chunk)."""
    hasher = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            hasher.update(chunk)
    return hasher.hexdigest()


def batches(files: list[SourceFile], max_files: int, max_bytes: int
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


@dataclass
class _Batch:
    """A batch of files read, hashed and (when clean and a fast path exists) parsed."""

    files: list[SourceFile]
    prints: dict[str, str]
    changed: list[SourceFile]
    rows: pa.Table | None


_NONE = FileRecord("")  # a file the store does not hold yet


def _prepared(
    groups: Iterator[list[SourceFile]], loader: Loader, context: Any,
    known: dict[str, FileRecord],
) -> Iterator[_Batch]:
    """Each group read, hashed and fast-parsed, the next one in a thread meanwhile.

    The thread's work (file reads, hashing, pyarrow parsing) mostly releases the GIL, so it
    overlaps with DuckDB writing the previous batch.
    """

    def prepare(group: list[SourceFile]) -> _Batch:
        whole = read_blobs(group)
        blobs = whole if whole is not None else [None] * len(group)
        prints = {
            f.key: f"{loader.format}:{digest(b) if b is not None else digest_file(f.path)}"
            for f, b in zip(group, blobs, strict=True)
        }
        fresh = [known.get(f.key, _NONE).fingerprint != prints[f.key] for f in group]
        changed = [f for f, new in zip(group, fresh, strict=True) if new]
        rows = None
        if context is not None and changed and whole is not None:
            blobs = [b for b, new in zip(blobs, fresh, strict=True) if new]
            rows = loader.fast_batch(context, changed, blobs)
        return _Batch(group, prints, changed, rows)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="edusim-read") as pool:
        pending = None
        for group in groups:
            upcoming = pool.submit(prepare, group)
            if pending is not None:
                yield pending.result()
            pending = upcoming
        if pending is not None:
            yield pending.result()


def run_ingest(
    con: duckdb.DuckDBPyConnection,
    loader: Loader,
    todo: list[SourceFile],
    known: dict[str, FileRecord],
    groups: Iterator[list[SourceFile]],
    mode: ErrorMode,
    progress: Progress | None = None,
    done: int = 0,
) -> IngestResult:
    """Ingest the files ``todo`` (in ``groups``) into the store open on ``con``."""
    create_tables(con)
    result = IngestResult(issues=list(loader.catalog(con)))
    _merge_catalog(con)
    total = done + len(todo)
    for batch in _prepared(groups, loader, loader.fast_context(con), known):
        changed = set(id(f) for f in batch.changed)
        _refresh_stats(con, [f for f in batch.files if id(f) not in changed])
        result.unchanged += len(batch.files) - len(batch.changed)
        if batch.changed:
            stale = [f.key for f in batch.changed if f.key in known]
            _delete_files(con, stale)
            added = None
            if batch.rows is not None:
                added = _commit_fast(con, batch.rows, batch.changed, batch.prints)
            if added is None:
                added = _commit_staged(con, loader, batch.changed, batch.prints, mode,
                                       result.issues)
            result.rows += added
            result.read += len(batch.changed)
            result.replaced += len(stale)
        done += len(batch.files)
        if progress is not None:
            progress(done, total)
    return result


def _commit_staged(con: duckdb.DuckDBPyConnection, loader: Loader, batch: list[SourceFile],
                   prints: dict[str, str], mode: ErrorMode, issues: list[Issue]) -> int:
    stage_checked(con, loader, batch, mode, issues)
    _check_user_clash(con, mode, issues)
    per_file = con.sql(
        f"SELECT user_id, _source, count(*) AS n FROM {STAGE} GROUP BY ALL"
    ).to_arrow_table()
    rows = _commit(con, STAGE, per_file, batch, prints)
    events = ", ".join(f'"{c}"' for c in EVENT_COLUMNS)
    con.execute(f"INSERT INTO events SELECT {events}, _source FROM {EVENTS}")
    if not loader.complete_catalog:
        derive_catalog(con)
        _merge_catalog(con)
    return rows


def _commit_fast(con: duckdb.DuckDBPyConnection, rows: pa.Table, batch: list[SourceFile],
                 prints: dict[str, str]) -> int | None:
    """Commit rows built by a fast path; ``None`` (nothing done) if a learner clashes."""
    per_file = (rows.select(["user_id", "_source"]).group_by(["user_id", "_source"])
                .aggregate([([], "count_all")]).rename_columns(["user_id", "_source", "n"]))
    con.register(_PER_FILE, per_file)
    try:
        if _clashes(con, _PER_FILE):
            return None
    finally:
        con.unregister(_PER_FILE)
    con.register(_FAST, rows)
    try:
        return _commit(con, _FAST, per_file, batch, prints)
    finally:
        con.unregister(_FAST)


def _clashes(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple[str, str, str]]:
    """(file, learner, other file) for learners the store already holds from another file."""
    return con.execute(
        f"SELECT DISTINCT s._source, s.user_id, l.file FROM {source} s "
        "JOIN learners l ON l.user_id = s.user_id AND l.file <> s._source ORDER BY 1, 2"
    ).fetchall()


def _check_user_clash(con: duckdb.DuckDBPyConnection, mode: ErrorMode, issues: list[Issue]) -> None:
    """Learners already in the store from another file would silently merge: report them.

    Uses the small ``learners`` table (one row per learner and file), not the interactions.
    """
    found = _clashes(con, STAGE)
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


def _delete_files(con: duckdb.DuckDBPyConnection, keys: list[str]) -> None:
    """Forget the rows of files about to be read again (they changed)."""
    if keys:
        for table in ("interactions", "events", "learners"):
            con.execute(f"DELETE FROM {table} WHERE file IN (SELECT unnest(?))", [keys])
        con.execute("DELETE FROM files WHERE key IN (SELECT unnest(?))", [keys])


def _commit(con: duckdb.DuckDBPyConnection, source: str, per_file: pa.Table,
            batch: list[SourceFile], prints: dict[str, str]) -> int:
    """Insert the rows of the table or view ``source`` and record the batch's files.

    ``per_file`` has the ``user_id, _source, n`` (rows) of each learner in each file.
    Canonical columns that ``source`` lacks are left to their default, null (cheaper for
    DuckDB than writing a column of nulls).
    """
    present = {row[0] for row in con.execute(f"DESCRIBE {source}").fetchall()}
    columns = ", ".join(f'"{c}"' for c in CANONICAL_COLUMNS if c in present)
    con.execute(f"INSERT INTO interactions ({columns}, file, line) "
                f"SELECT {columns}, _source, _rn + 1 FROM {source}")
    con.register(_PER_FILE, per_file)
    con.execute(f"INSERT INTO learners SELECT user_id, _source FROM {_PER_FILE}")
    con.unregister(_PER_FILE)
    counts: dict[str, int] = {}
    for key, n in zip(per_file.column("_source").to_pylist(), per_file.column("n").to_pylist(),
                      strict=True):
        counts[key] = counts.get(key, 0) + n
    stats = [f.path.stat() for f in batch]
    listing = pa.table({
        "key": [f.key for f in batch],
        "format": [prints[f.key].partition(":")[0] for f in batch],
        "fingerprint": [prints[f.key] for f in batch],
        "rows": pa.array([counts.get(f.key, 0) for f in batch], type=pa.int64()),
        "size": pa.array([s.st_size for s in stats], type=pa.int64()),
        "mtime_ns": pa.array([s.st_mtime_ns for s in stats], type=pa.int64()),
    })
    con.register("_listing", listing)
    con.execute("INSERT INTO files (key, format, fingerprint, rows, size, mtime_ns) "
                "SELECT * FROM _listing")
    con.unregister("_listing")
    return int(sum(counts.values()))


def _refresh_stats(con: duckdb.DuckDBPyConnection, files: list[SourceFile]) -> None:
    """Record the size and time of files whose content is unchanged (next time: no hash)."""
    if not files:
        return
    stats = [f.path.stat() for f in files]
    con.execute(
        "UPDATE files SET size = t.size, mtime_ns = t.mtime FROM (SELECT unnest(?) AS key, "
        "unnest(?) AS size, unnest(?) AS mtime) t WHERE files.key = t.key",
        [[f.key for f in files], [s.st_size for s in stats], [s.st_mtime_ns for s in stats]],
    )


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

