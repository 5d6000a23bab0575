"""The loader interface: every source is staged into DuckDB tables of one shape.

A :class:`Loader` reads a batch of files into the temp tables ``stage_interactions``
(canonical columns plus ``_source`` and ``_rn``, the file key and data row) and
``stage_events``, and describes its items and skills in ``stage_items`` and ``stage_skills``.
:func:`edusim.data.load` turns the staged rows into a DataFrame; :class:`edusim.data.Store`
merges them into a database file. One SQL path serves both.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import duckdb
import pyarrow as pa

from edusim.data.schema import SQL_COLUMNS, DataError, ErrorMode, Issue
from edusim.data.sources import SourceFile
from edusim.data.staged_checks import collect, drop_rows

__all__ = [
    "Loader",
    "STAGE",
    "EVENTS",
    "ITEMS",
    "SKILLS",
    "EVENT_COLUMNS",
    "ITEM_COLUMNS",
    "SKILL_COLUMNS",
    "create_stage",
    "check_duplicates",
    "stage_checked",
    "check_times",
    "derive_catalog",
]

STAGE, EVENTS, ITEMS, SKILLS = "stage_interactions", "stage_events", "stage_items", "stage_skills"

EVENT_COLUMNS: dict[str, str] = {
    "user_id": "VARCHAR",
    "timestamp": "BIGINT",
    "event": "VARCHAR",
    "item_id": "VARCHAR",
    "source": "VARCHAR",
    "answer": "VARCHAR",
    "platform": "VARCHAR",
    "cursor_time": "BIGINT",
}
ITEM_COLUMNS: dict[str, str] = {
    "item_id": "VARCHAR",
    "skill_ids": "VARCHAR[]",
    "kind": "VARCHAR",
    "bundle_id": "VARCHAR",
    "correct_answer": "VARCHAR",
    "part": "VARCHAR",
}
SKILL_COLUMNS: dict[str, str] = {"skill_id": "VARCHAR", "name": "VARCHAR"}


def _ddl(columns: dict[str, str]) -> str:
    return ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns.items())


def create_stage(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create empty staging tables for interactions and events."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE} ({_ddl(SQL_COLUMNS)}, _source VARCHAR, _rn BIGINT)"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE {EVENTS} ({_ddl(EVENT_COLUMNS)}, _source VARCHAR)")


def create_catalog(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create empty staging tables for items and skills."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {ITEMS} ({_ddl(ITEM_COLUMNS)})")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {SKILLS} ({_ddl(SKILL_COLUMNS)})")


class Loader(ABC):
    """Reads one source format into the staging tables.

    Attributes:
        format: The format name (``ednet-kt1``, ``csv`` ...).
        users_from_file_names: Whether each file is one learner named by the file.
        unique_times: Whether the format rules out repeated (user, item, time) rows, so
            that the duplicate check can be skipped.
        complete_catalog: Whether :meth:`catalog` lists every item the interactions can use
            (rows with unknown items are rejected), so nothing needs deriving.
    """

    format: ClassVar[str]
    users_from_file_names: ClassVar[bool] = False
    unique_times: ClassVar[bool] = False
    complete_catalog: ClassVar[bool] = False

    def canonical_arrow(
        self, files: Sequence[SourceFile], mode: ErrorMode
    ) -> tuple[pa.Table, list[Issue]] | None:
        """The canonical rows as Arrow, built without DuckDB, or ``None`` (stage instead).

        Loaders that can build the table directly (faster for small inputs) override this.
        """
        return None

    def fast_context(self, con: duckdb.DuckDBPyConnection) -> Any:
        """What :meth:`fast_batch` needs from the catalog (``stage_items`` is filled), or
        ``None``: the format has no fast path and every batch is staged."""
        return None

    def fast_batch(
        self, context: Any, files: Sequence[SourceFile], blobs: Sequence[bytes]
    ) -> pa.Table | None:
        """The canonical rows (plus ``_source``, ``_rn``) of a batch that is entirely clean.

        Optional canonical columns that are null throughout may be left out.

        ``context`` comes from :meth:`fast_context`, ``blobs`` are the files' bytes. Pure
        Arrow, no DuckDB (it runs in a reader thread). Returns ``None`` when the batch is not
        plainly clean: the caller then stages it, and staging reports every problem (see
        :mod:`edusim.data.csv_fast_path`).
        """
        return None

    def catalog(self, con: duckdb.DuckDBPyConnection) -> list[Issue]:
        """Fill ``stage_items``/``stage_skills`` from the source's content tables, if any.

        The default has none: :func:`derive_catalog` then fills them from the interactions.
        """
        create_catalog(con)
        return []

    @abstractmethod
    def stage(
        self, con: duckdb.DuckDBPyConnection, files: Sequence[SourceFile], mode: ErrorMode
    ) -> list[Issue]:
        """Append the interactions (and events) of ``files`` to the staging tables.

        Returns the problems found; in strict mode problems raise
        :class:`edusim.data.DataError` instead.
        """


def stage_checked(con: duckdb.DuckDBPyConnection, loader: Loader, files: Sequence[SourceFile],
                  mode: ErrorMode, issues: list[Issue]) -> None:
    """Stage ``files`` with ``loader`` into fresh staging tables, then run the checks every
    staged batch gets whatever its format (times, then repeats).

    A DuckDB failure while staging becomes a :class:`DataError` naming the files.
    """
    create_stage(con)
    try:
        issues.extend(loader.stage(con, files, mode))
    except duckdb.Error as exc:
        keys = ", ".join(f.key for f in files[:3]) + (" ..." if len(files) > 3 else "")
        first = (str(exc).splitlines() or [""])[0]
        raise DataError([Issue(keys, "read error", first)]) from None
    check_times(con, mode, issues)
    if not loader.unique_times:
        check_duplicates(con, mode, issues)


def check_times(con: duckdb.DuckDBPyConnection, mode: ErrorMode, issues: list[Issue]) -> None:
    """Report (and in skip mode drop) rows with a negative timestamp (before 1970, or a
    negative ordinal): no source writes those, so they are corrupt."""
    bad = f"SELECT _source, _rn, timestamp FROM {STAGE} WHERE timestamp < 0"
    found = con.execute(bad + " ORDER BY _source, _rn").fetchall()
    collect(issues, [Issue(src, "negative time", f"timestamp {ts} is negative", int(rn) + 1,
                           "timestamp") for src, rn, ts in found], mode)
    if found:
        drop_rows(con, STAGE, bad)


def check_duplicates(con: duckdb.DuckDBPyConnection, mode: ErrorMode, issues: list[Issue]) -> None:
    """Report (and in skip mode drop) repeated interactions: same user, item and time."""
    repeated = con.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {STAGE} GROUP BY user_id, item_id, timestamp "
        "HAVING count(*) > 1)"
    ).fetchall()[0][0]
    if not repeated:
        return
    bad = (
        f"SELECT _source, _rn FROM {STAGE} QUALIFY row_number() OVER "
        "(PARTITION BY user_id, item_id, timestamp ORDER BY _source, _rn) > 1"
    )
    found = con.execute(bad + " ORDER BY _source, _rn").fetchall()
    collect(
        issues,
        [
            Issue(src, "duplicate row", "same user, item and timestamp as an earlier row",
                  int(rn) + 1)
            for src, rn in found
        ],
        mode,
    )
    if found:
        drop_rows(con, STAGE, bad)


def derive_catalog(con: duckdb.DuckDBPyConnection) -> None:
    """Add to the staged items and skills those the staged interactions use but lack."""
    con.execute(
        f"INSERT INTO {ITEMS} (item_id, skill_ids, kind) SELECT item_id, "
        f"first(skill_ids ORDER BY timestamp), 'question' FROM {STAGE} "
        f"WHERE item_id NOT IN (SELECT item_id FROM {ITEMS}) GROUP BY item_id"
    )
    con.execute(
        f"INSERT INTO {SKILLS} (skill_id) SELECT DISTINCT s FROM "
        f"(SELECT unnest(skill_ids) AS s FROM {STAGE}) "
        f"WHERE s NOT IN (SELECT skill_id FROM {SKILLS})"
    )

