"""Reading many CSV files into one DuckDB staging table with DuckDB's parallel CSV reader.

Files are matched by column *name* (their headers may order columns differently): the header
of each file is read, files with the same header are read together by one ``read_csv`` call
over the list of files, and every needed column arrives as text (or as the SQL type asked
for; the reader reports each value that does not parse, with file, line and column). The
checks on the staged rows are in :mod:`edusim.data.staged_checks`. Paths and column types
reach DuckDB as parameters; column names only through
:func:`~edusim.data.staged_checks.quote`.

The staging table has the requested columns plus ``_source`` (the file key), ``_user`` (the
user id from the file name) and ``_rn`` (the 1-based data row in the file).
"""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from edusim.data.bounds import MAX_LINE_BYTES, bounded_lines, clip, first_long_line_in_file
from edusim.data.schema import ErrorMode, Issue
from edusim.data.sources import HeaderError, SourceFile, read_header
from edusim.data.staged_checks import collect, quote

__all__ = ["read_files"]


def read_files(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[SourceFile],
    table: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    mode: ErrorMode = ErrorMode.STRICT,
    concat: bool = False,
    types: Mapping[str, str] | None = None,
) -> list[Issue]:
    """Create the temp table ``table`` holding the columns of all ``files``.

    Columns are text unless ``types`` gives an SQL type; values that do not parse as their
    type are reported by DuckDB's reader (file, line, column) and their rows left out.

    With ``concat``, the data lines of each group of files are joined (as bytes, each line
    prefixed by its file's index) into one batch file that DuckDB parses in parallel: much
    faster than a multi-file scan when there are many small files (EdNet has 784k files of
    ~170 rows; DuckDB's multi-file reader costs about a millisecond per file). A file holding
    a quote character is read on its own instead (a quoted field may hold a line break,
    which the per-line prefix would split).

    Lines are records: the header is line 1 and each CSV record one line (a record whose
    quoted field holds a line break still counts once, as DuckDB's reader counts). A row
    left out by the reader does not shift the lines of the rows after it.

    Returns the problems found (empty files, missing columns, bad encoding, rows with the
    wrong number of fields; one per row); files or rows with problems are left out. In
    strict mode the first problems raise :class:`DataError` instead.
    """
    columns = [*required, *optional]
    types = {c: (types or {}).get(c, "VARCHAR") for c in columns}
    select = ", ".join(f"NULL::{types[c]} AS {quote(c)}" for c in columns)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT {select}, NULL::VARCHAR AS _source, "
        "NULL::VARCHAR AS _user, NULL::BIGINT AS _rn LIMIT 0"
    )
    issues: list[Issue] = []
    groups: dict[tuple[str, ...], list[SourceFile]] = defaultdict(list)
    for file in files:
        problem = _header_problem(file, required)
        if isinstance(problem, Issue):
            issues.append(problem)
        else:
            groups[problem].append(file)
    collect([], issues, mode)
    for header, members in groups.items():
        if concat:
            found, members = _read_concatenated(con, members, header, table, types)
            issues.extend(found)
        if members:
            issues.extend(_read_group(con, members, header, table, types))
    collect([], issues, mode)
    return issues


def _header_problem(file: SourceFile, required: Sequence[str]) -> tuple[str, ...] | Issue:
    try:
        header = read_header(file.path, file.key)
    except UnicodeDecodeError as exc:
        return Issue(file.key, "encoding", f"header is not UTF-8 ({exc.reason})", 1)
    except HeaderError as exc:
        return Issue(file.key, "bad header", str(exc), 1)
    except OSError as exc:
        return Issue(file.key, "unreadable", str(exc))
    if header is None:
        return Issue(file.key, "empty file", "the file has no header and no rows")
    missing = [c for c in required if c not in header]
    if missing:
        return Issue(
            file.key, "missing column",
            f"columns {missing} absent; header is {clip(','.join(header))!r}", 1, missing[0],
        )
    duplicated = sorted(name for name, n in Counter(header).items() if n > 1)
    if duplicated:
        return Issue(file.key, "bad header", f"duplicated column names {duplicated}", 1)
    # DuckDB's reader reports a line past max_line_size only up to its buffer size (32 MiB):
    # a longer one it drops without a word, so lines are measured here first.
    long_line = first_long_line_in_file(file.path)
    if long_line is not None:
        return Issue(file.key, "line too long",
                     f"longer than {MAX_LINE_BYTES:,} bytes", long_line)
    return tuple(header)


def _read_csv(extra: str = "") -> str:
    """The ``read_csv`` call over the parameters ``?`` (paths) and ``?`` (column types).

    Every value reaches DuckDB as a parameter; only column names, quoted by :func:`quote`,
    are part of the SQL text.
    """
    return (
        f"SELECT *, row_number() OVER () AS _order FROM read_csv(?, header = true, "
        "auto_detect = false, columns = ?, delim = ',', quote = '\"', escape = '\"', "
        f"max_line_size = {int(MAX_LINE_BYTES)}, store_rejects = true{extra}, "
        "rejects_table = '_rej_errors', rejects_scan = '_rej_scans')"
    )


def _picked(header: tuple[str, ...], types: Mapping[str, str]) -> str:
    return ", ".join(
        f"r.{quote(c)}" if c in header else f"NULL::{t} AS {quote(c)}" for c, t in types.items()
    )


def _register(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> None:
    """Materialise the Arrow ``table`` as the temp table ``name``."""
    con.register("_arrow_input", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _arrow_input")
    finally:
        con.unregister("_arrow_input")


def _read_group(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[SourceFile],
    header: tuple[str, ...],
    table: str,
    types: Mapping[str, str],
) -> list[Issue]:
    paths = [str(f.path) for f in files]
    _register(con, "_files", pa.table({
        "path": paths, "key": [f.key for f in files], "user_id": [f.user_id for f in files],
    }))
    spec = {c: types.get(c, "VARCHAR") for c in header}
    try:
        con.execute(
            f"INSERT INTO {table} SELECT {_picked(header, types)}, f.key, f.user_id, "
            "row_number() OVER (PARTITION BY r.filename ORDER BY r._order) "
            f"FROM ({_read_csv(', filename = true')}) AS r "
            "JOIN _files AS f ON r.filename = f.path",
            [paths, spec],
        )
    except duckdb.Error as exc:  # bytes the reader cannot parse at all: find the file
        _drop_rejects(con)
        if len(files) == 1:
            return [Issue(files[0].key, "unreadable", _first_line(exc))]
        return [i for f in files for i in _read_group(con, [f], header, table, types)]
    rows = con.execute(
        "SELECT f.key, e.line, e.column_name, e.error_type, e.error_message "
        "FROM _rej_errors e JOIN _rej_scans s USING (scan_id, file_id) "
        "JOIN _files f ON s.file_path = f.path "
        "QUALIFY row_number() OVER (PARTITION BY f.key, e.line ORDER BY e.column_idx) = 1 "
        "ORDER BY f.key, e.line"
    ).fetchall()
    _drop_rejects(con)
    if rows:
        keys = [key for key, *_ in rows]
        _register(con, "_gaps", _gaps(keys, [int(line) - 1 for _, line, *_ in rows]))
        con.execute(
            f"UPDATE {table} SET _rn = _rn + (SELECT count(*) FROM _gaps g "
            f"WHERE g.key = {table}._source AND g.gap < {table}._rn) "
            f"WHERE _source IN (SELECT key FROM _gaps)"
        )
    return [
        Issue(key, str(kind).lower(), _first_line(message), int(line), column)
        for key, line, column, kind, message in rows
    ]


def _drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP TABLE IF EXISTS _rej_errors; DROP TABLE IF EXISTS _rej_scans")


def _first_line(message: object) -> str:
    return clip((str(message).splitlines() or [""])[0])


def _gaps(keys: Sequence[str], rows: Sequence[int]) -> pa.Table:
    """For the rows (1-based data rows) the reader left out, per key: ``row - rank``.

    The reader numbers the rows it keeps 1, 2, 3...; the ``k``-th kept row is data row
    ``k + #{left-out rows with row - rank < k}``, which is what renumbering adds.

    Example:
        >>> _gaps(["f", "f", "f"], [5, 2, 2]).to_pydict()
        {'key': ['f', 'f'], 'gap': [1, 3]}
    """
    out_keys, out_gaps = [], []
    ranks: dict[str, int] = defaultdict(int)
    for key, row in sorted(set(zip(keys, rows, strict=True))):
        ranks[key] += 1
        out_keys.append(key)
        out_gaps.append(row - ranks[key])
    return pa.table({"key": pa.array(out_keys, pa.string()),
                     "gap": pa.array(out_gaps, pa.int64())})


def _read_concatenated(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[SourceFile],
    header: tuple[str, ...],
    table: str,
    types: Mapping[str, str],
) -> tuple[list[Issue], list[SourceFile]]:
    """Read ``files`` as one batch file; returns the issues and the files left for
    :func:`_read_group` (those holding a quote character)."""
    with tempfile.TemporaryDirectory(prefix="edusim-batch-") as scratch:
        batch = Path(scratch) / "batch.csv"
        starts, quoted = _write_batch(files, batch)
        kept = [i for i in range(len(files)) if i not in quoted]
        _register(con, "_files", pa.table({
            "idx": pa.array(kept, type=pa.int64()),
            "key": [files[i].key for i in kept],
            "user_id": [files[i].user_id for i in kept],
            "start": pa.array(starts[kept], type=pa.int64()),
        }))
        spec = {"_file": "BIGINT", **{c: types.get(c, "VARCHAR") for c in header}}
        try:
            con.execute(
                f"INSERT INTO {table} SELECT {_picked(header, types)}, f.key, f.user_id, "
                f"r._order - f.start + 2 FROM ({_read_csv()}) AS r "
                "JOIN _files AS f ON r._file = f.idx",
                [str(batch), spec],
            )
        except duckdb.Error:  # bytes the reader cannot parse at all: read file by file
            _drop_rejects(con)
            return [], list(files)
    rows = con.execute(
        "SELECT line, column_name, error_type, error_message FROM _rej_errors "
        "QUALIFY row_number() OVER (PARTITION BY line ORDER BY column_idx) = 1 ORDER BY line"
    ).fetchall()
    _drop_rejects(con)
    if rows:
        # One scope, the batch: the batch row of kept row k is k plus the gaps before it.
        _register(con, "_gaps", _gaps([""] * len(rows), [int(line) - 1 for line, *_ in rows]))
        con.execute(
            f"UPDATE {table} SET _rn = {table}._rn + (SELECT count(*) FROM _gaps g "
            f"WHERE g.gap < {table}._rn + f.start - 2) FROM _files f WHERE f.key = {table}._source"
        )
    issues = []
    for line, column, kind, message in rows:
        index = int(np.searchsorted(starts, int(line), side="right")) - 1
        local = int(line) - int(starts[index]) + 2
        issues.append(Issue(files[index].key, str(kind).lower(),
                            _first_line(message), local, column))
    return issues, [files[i] for i in sorted(quoted)]


_CHUNK = 1 << 20


def _write_batch(files: Sequence[SourceFile], batch: Path) -> tuple[np.ndarray, set[int]]:
    """Write the data lines of ``files`` to ``batch``, each prefixed by ``<file index>,``.

    Files are copied in chunks (memory is bounded by a chunk, not by a file). A file that
    holds a quote character is left out of the batch.

    Returns the batch-file line (1-based; line 1 is the header) of each file's first row,
    and the indices of the files left out.
    """
    starts = np.zeros(len(files), dtype=np.int64)
    quoted: set[int] = set()
    line = 2
    with open(batch, "wb") as out:
        out.write(b"_file,header\n")
        for index, file in enumerate(files):
            starts[index] = line
            mark = out.tell()
            written = _copy_body(file, out, b"%d," % index)
            if written is None:
                quoted.add(index)
                out.seek(mark)
                out.truncate()
            else:
                line += written
    return starts, quoted


def _copy_body(file: SourceFile, out, prefix: bytes) -> int | None:
    """Copy the data lines of ``file`` (``\\r\\n`` made ``\\n``, trailing line breaks
    dropped) to ``out`` with ``prefix`` before each; the number of lines, or ``None`` (and
    a partial copy) when the file holds a quote."""
    lines, pending, started = 0, b"", False
    with open(file.path, "rb") as source:
        for _ in bounded_lines(source, file.key):  # the header, checked by the caller
            break
        while chunk := source.read(_CHUNK):
            if b'"' in chunk:
                return None
            chunk = pending + chunk
            body = chunk.rstrip(b"\r\n")
            pending = chunk[len(body):]
            if not body:
                continue
            if b"\r" in body:
                body = body.replace(b"\r\n", b"\n")
            if not started:
                out.write(prefix)
                started = True
            out.write(body.replace(b"\n", b"\n" + prefix))
            lines += body.count(b"\n")
    if started:
        out.write(b"\n")
        lines += 1
    return lines
