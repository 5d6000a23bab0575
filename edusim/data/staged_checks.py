"""Checks on staged tables: every bad row reported with its file, line and column, and in
skip mode dropped (strict mode raises :class:`~edusim.data.DataError` at once).

Tables checked here have the columns ``_source`` (the file key) and ``_rn`` (the 1-based data
row, so the line is ``_rn + 1``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import numpy as np

from edusim.data.schema import DataError, ErrorMode, Issue

__all__ = ["collect", "drop_rows", "cast_columns", "null_check", "order_check", "quote"]


def quote(name: str) -> str:
    """``name`` as a quoted SQL identifier: the one way a name (from a header or a column
    mapping) enters SQL; values always go in as parameters."""
    return '"' + name.replace('"', '""') + '"'


def collect(issues: list[Issue], new: Sequence[Issue], mode: ErrorMode) -> None:
    """Add ``new`` to ``issues``; in strict mode raise at once when there are any."""
    if new and mode is ErrorMode.STRICT:
        raise DataError([*issues, *new])
    issues.extend(new)


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
    data = con.sql(
        f"SELECT _source, _rn, TRY_CAST({quote(column)} AS BIGINT) AS v FROM {table} "
        "ORDER BY _source, _rn"
    ).to_arrow_table()
    values = data.column("v").to_numpy(zero_copy_only=False)
    if len(values) < 2:
        return
    sources = data.column("_source").combine_chunks().dictionary_encode().indices.to_numpy()
    back = np.flatnonzero((values[1:] < values[:-1]) & (sources[1:] == sources[:-1])) + 1
    if not len(back):
        return
    keys, lines = data.column("_source").to_pylist(), data.column("_rn").to_pylist()
    collect(
        issues,
        [
            Issue(keys[i], "out of order",
                  f"{column} {int(values[i])} is earlier than the previous row's "
                  f"{int(values[i - 1])}", int(lines[i]) + 1, column)
            for i in back.tolist()
        ],
        mode,
    )
