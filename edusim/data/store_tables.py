"""The tables of a store: their definitions, their creation, and the check that a database
file is a store.

Example:
    >>> from edusim.data.dbfile import open_duckdb
    >>> con = open_duckdb()
    >>> check_store(con, "mem")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    edusim.data.dbfile.StoreError: mem: a DuckDB database but not an edusim store: ...
    >>> create_tables(con); check_store(con, "mem")
"""

from __future__ import annotations

import duckdb

from edusim.data.dbfile import StoreError
from edusim.data.loader_base import EVENT_COLUMNS, ITEM_COLUMNS, SKILL_COLUMNS
from edusim.data.schema import SQL_COLUMNS

__all__ = ["STORE_TABLES", "create_tables", "check_store", "table_names"]

#: Each table of a store and the columns it must have (older stores may lack later extras).
STORE_TABLES: dict[str, tuple[str, ...]] = {
    "interactions": (*SQL_COLUMNS, "file", "line"),
    "events": (*EVENT_COLUMNS, "file"),
    "items": tuple(ITEM_COLUMNS),
    "skills": tuple(SKILL_COLUMNS),
    "files": ("key", "format", "fingerprint", "rows"),
    "learners": ("user_id", "file"),
}


def _ddl(name: str, columns: dict[str, str], extra: str = "") -> str:
    body = ", ".join(f'"{c}" {t}' for c, t in columns.items())
    return f"CREATE TABLE IF NOT EXISTS {name} ({body}{extra})"


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the store's tables if missing (and add columns newer versions use)."""
    con.execute(_ddl("interactions", SQL_COLUMNS, ", file VARCHAR, line BIGINT"))
    con.execute(_ddl("events", EVENT_COLUMNS, ", file VARCHAR"))
    con.execute(_ddl("items", ITEM_COLUMNS))
    con.execute(_ddl("skills", SKILL_COLUMNS))
    con.execute(
        "CREATE TABLE IF NOT EXISTS files (key VARCHAR PRIMARY KEY, format VARCHAR, "
        "fingerprint VARCHAR, rows BIGINT, ingested_at TIMESTAMP DEFAULT current_timestamp)"
    )
    for column in ("size", "mtime_ns"):
        con.execute(f"ALTER TABLE files ADD COLUMN IF NOT EXISTS {column} BIGINT")
    con.execute("CREATE TABLE IF NOT EXISTS learners (user_id VARCHAR, file VARCHAR)")


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The tables of the main database of ``con``."""
    return {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        ""
    ).fetchall()}


def check_store(con: duckdb.DuckDBPyConnection, where: object) -> None:
    """Raise :class:`~edusim.data.dbfile.StoreError` unless ``con`` holds a store's tables.

    ``where`` names the database in the message.
    """
    rows = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database()"
    ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    for table, columns in STORE_TABLES.items():
        if table not in found:
            raise StoreError(f"{where}: a DuckDB database but not an edusim store: "
                             f"it has no table {table!r}")
        missing = [c for c in columns if c not in found[table]]
        if missing:
            raise StoreError(f"{where}: a DuckDB database but not an edusim store: "
                             f"table {table!r} lacks the columns {missing}")
