"""Generic CSV loader: any table with one row per answer, columns named by a mapping.

The mapping goes from canonical column to source column; presets cover the ASSISTments
exports. Rows sharing the ``merge_on`` key (ASSISTments 2009 repeats a multi-skill answer
once per skill) become one interaction with all their skills.

Example:
    >>> import tempfile, pathlib
    >>> from edusim.data import load
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = path.write_text("student,question,kc,right,t\\nA,p1,add;sub,1,5\\nA,p2,,0,9\\n")
    >>> df = load(path, "csv", columns={"user_id": "student", "item_id": "question",
    ...           "skill_ids": "kc", "correct": "right", "timestamp": "t"}, skill_separator=";")
    >>> df[["user_id", "item_id", "skill_ids", "correct"]].values.tolist()
    [['A', 'p1', ['add', 'sub'], True], ['A', 'p2', [], False]]
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import duckdb

from edusim.data.csv_staging import read_files
from edusim.data.loader_base import SKILLS, STAGE, Loader
from edusim.data.schema import CANONICAL_COLUMNS, DataError, ErrorMode, Issue
from edusim.data.sources import SourceFile
from edusim.data.staged_checks import cast_columns, collect, drop_rows, null_check, quote

__all__ = ["CsvLoader", "CsvSpec", "TimeUnit", "PRESETS"]

_RAW = "_csv_raw"


class TimeUnit(str, enum.Enum):
    """How a source's time column reads: milliseconds, seconds, or a plain ordering key."""

    MILLISECONDS = "ms"
    SECONDS = "s"
    ORDER = "order"


@dataclass(frozen=True)
class CsvSpec:
    """How to read one kind of CSV export.

    Attributes:
        columns: Canonical column -> source column. ``user_id``, ``item_id`` and ``correct``
            are required; without ``timestamp`` the row order in the file is used; without
            ``skill_ids`` the item id is the skill.
        skill_separator: Separator inside the skill field (``None``: one skill per row).
        timestamp_unit: Unit of the time column.
        elapsed_unit: Unit of the ``elapsed_ms`` source column (``ms`` or ``s``).
        merge_on: Source column whose equal values (per learner) are one interaction.
        skill_name: Source column with a human-readable skill name, if any.
    """

    columns: Mapping[str, str]
    skill_separator: str | None = None
    timestamp_unit: TimeUnit = TimeUnit.MILLISECONDS
    elapsed_unit: TimeUnit = TimeUnit.MILLISECONDS
    merge_on: str | None = None
    skill_name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "columns", dict(self.columns))
        object.__setattr__(self, "timestamp_unit", TimeUnit(self.timestamp_unit))
        object.__setattr__(self, "elapsed_unit", TimeUnit(self.elapsed_unit))
        missing = [c for c in ("user_id", "item_id", "correct") if c not in self.columns]
        if missing:
            raise DataError([Issue("columns", "missing mapping",
                                   f"the column mapping needs {missing}", field=missing[0])])


PRESETS: dict[str, CsvSpec] = {
    "assistments2009": CsvSpec(
        {"user_id": "user_id", "item_id": "problem_id", "skill_ids": "skill_id",
         "correct": "correct", "timestamp": "order_id", "elapsed_ms": "ms_first_response",
         "answer": "answer_text", "session_id": "assignment_id"},
        timestamp_unit=TimeUnit.ORDER, merge_on="order_id", skill_name="skill_name",
    ),
    "assistments2015": CsvSpec(
        {"user_id": "user_id", "item_id": "sequence_id", "skill_ids": "sequence_id",
         "correct": "correct", "timestamp": "log_id"},
        timestamp_unit=TimeUnit.ORDER,
    ),
    "assistments2017": CsvSpec(
        {"user_id": "studentId", "item_id": "problemId", "skill_ids": "skill",
         "correct": "correct", "timestamp": "startTime", "elapsed_ms": "timeTaken",
         "session_id": "assignmentId"},
        timestamp_unit=TimeUnit.SECONDS, elapsed_unit=TimeUnit.SECONDS,
    ),
}

_TRUE = "('1', '1.0', 'true', 't', 'yes')"
_FALSE = "('0', '0.0', 'false', 'f', 'no')"


@dataclass(frozen=True)
class CsvLoader(Loader):
    """Reads CSV exports with a column mapping or a preset (``assistments2009/2015/2017``).

    Args:
        columns: Canonical column -> source column (overrides the preset's mapping).
        preset: A name in :data:`PRESETS`.
        skill_separator, timestamp_unit, merge_on: See :class:`CsvSpec` (override the preset).
    """

    columns: Mapping[str, str] | None = None
    preset: str | None = None
    skill_separator: str | None = None
    timestamp_unit: TimeUnit | str | None = None
    merge_on: str | None = None
    spec: CsvSpec = field(init=False)
    format: ClassVar[str] = "csv"

    def __post_init__(self) -> None:
        if self.preset is not None and self.preset not in PRESETS:
            raise DataError([Issue("preset", "unknown preset", f"{self.preset!r}; choose from "
                                   f"{sorted(PRESETS)}")])
        unknown = sorted(set(self.columns or {}) - set(CANONICAL_COLUMNS))
        if unknown:  # a typo (itme_id=...) would otherwise be ignored without a word
            raise DataError([Issue("columns", "unknown canonical column", f"{unknown}; the "
                                   f"keys are {', '.join(CANONICAL_COLUMNS)}")])
        base = PRESETS[self.preset] if self.preset else None
        if base is None and self.columns is None:
            raise DataError([Issue("columns", "missing mapping",
                                   "the csv format needs columns={...} or preset=...")])
        spec = CsvSpec(
            columns=self.columns if self.columns is not None else base.columns,
            skill_separator=self.skill_separator or (base.skill_separator if base else None),
            timestamp_unit=self.timestamp_unit
            or (base.timestamp_unit if base else TimeUnit.MILLISECONDS),
            elapsed_unit=base.elapsed_unit if base else TimeUnit.MILLISECONDS,
            merge_on=self.merge_on or (base.merge_on if base else None),
            skill_name=base.skill_name if base else None,
        )
        object.__setattr__(self, "spec", spec)

    def stage(
        self, con: duckdb.DuckDBPyConnection, files: Sequence[SourceFile], mode: ErrorMode
    ) -> list[Issue]:
        spec = self.spec
        cols = spec.columns
        extra = [c for c in (spec.merge_on, spec.skill_name) if c]
        required = list(dict.fromkeys([cols[c] for c in ("user_id", "item_id", "correct")]
                                      + [cols[c] for c in ("timestamp", "skill_ids") if c in cols]
                                      + extra))
        optional = [cols[c] for c in ("elapsed_ms", "answer", "event", "session_id") if c in cols]
        optional = [c for c in dict.fromkeys(optional) if c not in required]
        issues = read_files(con, files, _RAW, required, optional, mode)
        null_check(con, _RAW, [cols["user_id"], cols["item_id"], cols["correct"]], mode, issues)
        casts = {}
        if "timestamp" in cols:
            casts[cols["timestamp"]] = "DOUBLE" if spec.timestamp_unit is TimeUnit.SECONDS else (
                "BIGINT")
        if "elapsed_ms" in cols:
            casts[cols["elapsed_ms"]] = "DOUBLE"
        cast_columns(con, _RAW, casts, mode, issues)
        self._check_correct(con, mode, issues)
        params = {"separator": spec.skill_separator} if spec.skill_separator else None
        con.execute(f"INSERT INTO {STAGE} {self._select()}", params)
        if spec.skill_name:
            self._skill_names(con)
        return issues

    def _check_correct(self, con: duckdb.DuckDBPyConnection, mode: ErrorMode,
                       issues: list[Issue]) -> None:
        column = quote(self.spec.columns["correct"])
        bad = (f"SELECT _source, _rn, {column} AS v FROM {_RAW} "
               f"WHERE lower(trim({column})) NOT IN {_TRUE} AND lower(trim({column})) NOT IN "
               f"{_FALSE}")
        found = con.execute(bad + " ORDER BY _source, _rn").fetchall()
        collect(issues, [Issue(src, "cast", f"{v!r} is not 0/1/true/false", int(rn) + 1,
                               self.spec.columns["correct"]) for src, rn, v in found], mode)
        if found:
            drop_rows(con, _RAW, bad)

    def _expressions(self) -> dict[str, str]:
        spec, cols = self.spec, self.spec.columns

        def col(name: str) -> str:
            return quote(cols[name]) if name in cols else "NULL"

        if "skill_ids" not in cols:
            skills = f"[{col('item_id')}]"
        elif spec.skill_separator:
            skills = (f"list_filter(list_transform(string_split(coalesce({col('skill_ids')}, ''),"
                      " $separator), lambda s: trim(s)), lambda s: s <> '')")
        else:
            skills = (f"CASE WHEN trim(coalesce({col('skill_ids')}, '')) = '' THEN []::VARCHAR[] "
                      f"ELSE [trim({col('skill_ids')})] END")
        if "timestamp" not in cols:
            timestamp = "_rn - 1"
        elif spec.timestamp_unit is TimeUnit.SECONDS:
            timestamp = f"CAST(round(CAST({col('timestamp')} AS DOUBLE) * 1000) AS BIGINT)"
        else:
            timestamp = f"CAST({col('timestamp')} AS BIGINT)"
        scale = 1000 if spec.elapsed_unit is TimeUnit.SECONDS else 1
        elapsed = (f"CAST(round(CAST({col('elapsed_ms')} AS DOUBLE) * {scale}) AS BIGINT)"
                   if "elapsed_ms" in cols else "NULL")
        return {
            "user_id": f"CAST({col('user_id')} AS VARCHAR)",
            "item_id": f"CAST({col('item_id')} AS VARCHAR)",
            "skill_ids": skills,
            "correct": f"lower(trim({col('correct')})) IN {_TRUE}",
            "timestamp": timestamp,
            "elapsed_ms": elapsed,
            "answer": col("answer"),
            "event": col("event"),
            "session_id": col("session_id"),
        }

    def _select(self) -> str:
        exprs = self._expressions()
        if not self.spec.merge_on:
            body = ", ".join(exprs.values())
            return f"SELECT {body}, _source, _rn FROM {_RAW}"
        key = quote(self.spec.columns.get("user_id")) + ", " + quote(self.spec.merge_on)
        firsts = ", ".join(
            f"arg_min({expr}, _rn)" if name != "skill_ids"
            else f"list_sort(list_distinct(flatten(list({expr} ORDER BY _rn))))"
            for name, expr in exprs.items()
        )
        return (f"SELECT {firsts}, arg_min(_source, _rn), min(_rn) FROM {_RAW} "
                f"GROUP BY _source, {key}")

    def _skill_names(self, con: duckdb.DuckDBPyConnection) -> None:
        skill, name = quote(self.spec.columns["skill_ids"]), quote(self.spec.skill_name)
        con.execute(
            f"INSERT INTO {SKILLS} SELECT trim({skill}), min({name}) FROM {_RAW} "
            f"WHERE trim(coalesce({skill}, '')) <> '' AND trim({skill}) NOT IN "
            f"(SELECT skill_id FROM {SKILLS}) GROUP BY trim({skill})"
        )
