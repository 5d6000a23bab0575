"""Reading many CSV files into one DuckDB staging table with DuckDB's parallel CSV reader.

Files are matched by column *name* (their headers may order columns differently): the header
of each file is read, files with the same header are read together by one ``read_csv`` call
over the list of files, and every needed column arrives as text. Typed columns are then cast
in SQL, and every value that fails to cast is reported with its file, line and column.

The staging table has the requested columns plus ``_source`` (the file key), ``_user`` (the
user id from the file name) and ``_rn`` (the 1-based data row in the file).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

import duckdb

from edusim.data.schema import DataError, ErrorMode, Issue
from edusim.data.sources import SourceFile, read_header

__all__ = ["read_files", "cast_columns", "collect", "quote", "drop_rows"]


def quote(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def collect(issues: list[Issue], new: Sequence[Issue], mode: ErrorMode) -> None:
    """Add ``new`` to ``issues``; in strict mode raise at once when there are any."""
    if new and mode is ErrorMode.STRICT:
        raise DataError([*issues, *new])
    issues.extend(new)


def read_files(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[SourceFile],
    table: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    mode: ErrorMode = ErrorMode.STRICT,
) -> list[Issue]:
    """Create the temp table ``table`` holding the columns of all ``files`` as text.

    Returns the problems found (empty files, missing columns, bad encoding, rows with the
    wrong number of fields); files or rows with problems are left out. In strict mode the
    first problems raise :class:`DataError` instead.
    """
    columns = [*required, *optional]
    select = ", ".join(f"NULL::VARCHAR AS {quote(c)}" for c in columns)
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
        issues.extend(_read_group(con, members, header, table, columns))
    collect([], issues, mode)
    return issues


def _header_problem(file: SourceFile, required: Sequence[str]) -> tuple[str, ...] | Issue:
    try:
        header = read_header(file.path)
    except UnicodeDecodeError as exc:
        return Issue(file.key, "encoding", f"header is not UTF-8 ({exc.reason})", 1)
    except OSError as exc:
        return Issue(file.key, "unreadable", str(exc))
    if header is None:
        return Issue(file.key, "empty file", "the file has no header and no rows")
    missing = [c for c in required if c not in header]
    if missing:
        return Issue(
            file.key, "missing column", f"columns {missing} absent; header is {header}", 1,
            missing[0],
        )
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        return Issue(file.key, "bad header", f"duplicated column names {duplicated}", 1)
    return tuple(header)


def _read_group(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[SourceFile],
    header: tuple[str, ...],
    table: str,
    columns: Sequence[str],
) -> list[Issue]:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _files AS SELECT * FROM (VALUES "
        + ", ".join(
            f"({_literal(str(f.path))}, {_literal(f.key)}, {_literal(f.user_id)})" for f in files
        )
        + ") AS t(path, key, user_id)"
    )
    spec = "{" + ", ".join(f"{_literal(c)}: 'VARCHAR'" for c in header) + "}"
    paths = "[" + ", ".join(_literal(str(f.path)) for f in files) + "]"
    picked = ", ".join(
        f"r.{quote(c)}" if c in header else f"NULL::VARCHAR AS {quote(c)}" for c in columns
    )
    con.execute(
        f"INSERT INTO {table} SELECT {picked}, f.key, f.user_id, "
        "row_number() OVER (PARTITION BY r.filename ORDER BY r._order) "
        "FROM (SELECT *, row_number() OVER () AS _order FROM read_csv("
        f"{paths}, header = true, auto_detect = false, columns = {spec}, delim = ',', "
        "quote = '\"', escape = '\"', filename = true, store_rejects = true, "
        "rejects_table = '_rej_errors', rejects_scan = '_rej_scans')) AS r "
        "JOIN _files AS f ON r.filename = f.path"
    )
    rows = con.execute(
        "SELECT f.key, e.line, e.column_name, e.error_type, e.error_message "
        "FROM _rej_errors e JOIN _rej_scans s USING (scan_id, file_id) "
        "JOIN _files f ON s.file_path = f.path ORDER BY f.key, e.line"
    ).fetchall()
    con.execute("DROP TABLE IF EXISTS _rej_errors; DROP TABLE IF EXISTS _rej_scans")
    return [
        Issue(key, str(kind).lower(), str(message).splitlines()[0], int(line), column)
        for key, line, column, kind, message in rows
    ]


def drop_rows(con: duckdb.DuckDBPyConnection, table: str, bad: str) -> None:
    """Delete from ``table`` the rows whose ``(_source, _rn)`` are in the query ``bad``."""
    con.execute(f"DELETE FROM {table} WHERE (_source, _rn) IN (SELECT _source, _rn FROM ({bad}))")


def cast_columns(
    con: duckdb.DuckDBPyConnection,
    table: str,
    types: Mapping[str, str],
    mode: ErrorMode,
    issues: list[Issue],
) -> None:
    """Check that each text column of ``table`` named in ``types`` casts to its SQL type.

    Reports each failing value (file, line, column) and, in skip mode, deletes its row; the
    columns stay text (cast them with ``CAST`` when selecting).
    """
    for column, sql_type in types.items():
        bad = (
            f"SELECT _source, _rn, {quote(column)} AS v FROM {table} WHERE {quote(column)} "
            f"IS NOT NULL AND TRY_CAST({quote(column)} AS {sql_type}) IS NULL"
        )
        found = con.execute(bad + " ORDER BY _source, _rn").fetchall()
        new = [
            Issue(src, "cast", f"{value!r} is not a valid {sql_type}", int(rn) + 1, column)
            for src, rn, value in found
        ]
        collect(issues, new, mode)
        if found:
            drop_rows(con, table, bad)


def null_check(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    mode: ErrorMode,
    issues: list[Issue],
) -> None:
    """Report (and in skip mode delete) rows of ``table`` with a null in any of ``columns``."""
    for column in columns:
        bad = f"SELECT _source, _rn FROM {table} WHERE {quote(column)} IS NULL"
        found = con.execute(bad + " ORDER BY _source, _rn").fetchall()
        collect(
            issues,
            [Issue(src, "missing value", "empty field", int(rn) + 1, column) for src, rn in found],
            mode,
        )
        if found:
            drop_rows(con, table, bad)


def order_check(
    con: duckdb.DuckDBPyConnection, table: str, column: str, mode: ErrorMode, issues: list[Issue]
) -> None:
    """Report rows whose integer ``column`` is smaller than on the previous row of the file.

    The rows are kept in skip mode (the output is sorted by time anyway): a counted warning.
    """
    found = con.execute(
        f"SELECT _source, _rn, v, prev FROM (SELECT _source, _rn, CAST({quote(column)} AS BIGINT)"
        f" AS v, lag(CAST({quote(column)} AS BIGINT)) OVER (PARTITION BY _source ORDER BY _rn)"
        f" AS prev FROM {table}) WHERE v < prev ORDER BY _source, _rn"
    ).fetchall()
    collect(
        issues,
        [
            Issue(src, "out of order", f"{column} {v} is earlier than the previous row's {p}",
                  int(rn) + 1, column)
            for src, rn, v, p in found
        ],
        mode,
    )
