"""EdNet (Choi et al. 2020) loaders for the four levels KT1-KT4 and the contents tables.

* KT1 files ``u<ID>.csv`` have ``timestamp, solving_id, question_id, user_answer,
  elapsed_time``: one row per answered question. Correctness comes from
  ``contents/questions.csv``.
* KT2/KT3/KT4 files have ``timestamp, action_type, item_id, source, user_answer, platform``
  (+ ``cursor_time`` in KT4). A learner enters a bundle, responds to its questions (the last
  ``respond`` before the bundle's ``submit`` is the final answer) and submits it. Every row
  goes to the event table; each final answer becomes one interaction, stamped with the time of
  that respond, with ``elapsed_ms`` the time from entering the bundle to submitting it and
  ``session_id`` the row number of the submit (one bundle attempt).

Columns are matched by name; ``action_type`` and ``source`` are open sets.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import duckdb
import numpy as np
import pyarrow as pa

from edusim.data.csv_fast_path import (
    DICTIONARY,
    in_time_order,
    join_bodies,
    parse_joined,
    positions,
    provenance,
    repeats_within_files,
)
from edusim.data.csv_staging import read_files
from edusim.data.loader_base import EVENTS, ITEMS, SKILLS, STAGE, Loader, create_catalog
from edusim.data.schema import DataError, ErrorMode, Issue
from edusim.data.sources import SourceFile
from edusim.data.staged_checks import collect, drop_rows, null_check, order_check

__all__ = ["EdNetKT1Loader", "EdNetActionLoader", "stage_contents", "contents_file"]

_RAW = "_ednet_raw"


def contents_file(contents: str | os.PathLike | None, name: str) -> Path:
    """The path of ``name`` (e.g. ``questions.csv``) in the EdNet contents folder.

    ``contents`` may be the folder or the questions file itself.

    Raises:
        DataError: When ``contents`` is not given or the file is missing.
    """
    if contents is None:
        raise DataError([Issue("contents", "missing contents",
                               "EdNet needs the contents folder (questions.csv) for correctness; "
                               "pass contents=... (CLI: --contents DIR)")])
    root = Path(contents)
    path = root if root.is_file() and name == "questions.csv" else root / name
    if root.is_file() and name != "questions.csv":
        path = root.parent / name
    if not path.is_file():
        raise DataError([Issue(str(path), "not found", f"EdNet contents file {name} is missing")])
    return path


def stage_contents(
    con: duckdb.DuckDBPyConnection, contents: str | os.PathLike | None, mode: ErrorMode
) -> list[Issue]:
    """Fill ``stage_items`` and ``stage_skills`` from ``questions.csv`` and, when present,
    ``lectures.csv``, ``payments.csv`` and ``coupons.csv`` (items of kind ``lecture``,
    ``payment``, ``coupon``; their other columns are not kept)."""
    create_catalog(con)
    issues: list[Issue] = []
    questions = contents_file(contents, "questions.csv")
    file = SourceFile(questions, questions.name, "")
    needed = ["question_id", "bundle_id", "correct_answer", "tags"]
    collect(issues, read_files(con, [file], "_questions", needed, ["part"], mode), mode)
    null_check(con, "_questions", ["question_id", "correct_answer"], mode, issues)
    con.execute(
        f"INSERT INTO {ITEMS} SELECT question_id, {_tags('tags')}, 'question', bundle_id, "
        "correct_answer, part FROM _questions"
    )
    for name, id_column, kind in _OTHER_CONTENTS:
        path = Path(questions).parent / name
        if not path.is_file():
            continue
        file = SourceFile(path, path.name, "")
        collect(issues, read_files(con, [file], "_contents", [id_column], ["tags", "part"],
                                   mode), mode)
        con.execute(
            f"INSERT INTO {ITEMS} (item_id, skill_ids, kind, part) SELECT {id_column}, "
            f"{_tags('tags')}, '{kind}', part FROM _contents"
        )
    con.execute(
        f"INSERT INTO {SKILLS} (skill_id) SELECT DISTINCT s FROM (SELECT unnest(skill_ids) AS s "
        f"FROM {ITEMS}) ORDER BY TRY_CAST(s AS INTEGER), s"
    )
    return issues


#: Optional contents tables whose ids appear in KT3/KT4 logs: (file, id column, item kind).
_OTHER_CONTENTS = (
    ("lectures.csv", "lecture_id", "lecture"),
    ("payments.csv", "payment_item_id", "payment"),
    ("coupons.csv", "coupon_id", "coupon"),
)


def _tags(column: str) -> str:
    """SQL turning a ``;``-separated tag field into a list; ``-1`` and empty mean none."""
    return (
        f"list_filter(string_split(coalesce({column}, ''), ';'), "
        "lambda t: trim(t) <> '' AND trim(t) <> '-1')"
    )


def _unknown_questions(
    con: duckdb.DuckDBPyConnection, where: str, column: str, mode: ErrorMode, issues: list[Issue]
) -> None:
    bad = (
        f"SELECT _source, _rn, {column} AS q FROM {_RAW} WHERE {where} AND {column} NOT IN "
        f"(SELECT item_id FROM {ITEMS} WHERE kind = 'question')"
    )
    found = con.execute(bad + " ORDER BY _source, _rn").fetchall()
    collect(
        issues,
        [
            Issue(src, "unknown id", f"question {q!r} is not in questions.csv", int(rn) + 1,
                  column)
            for src, rn, q in found
        ],
        mode,
    )
    if found:
        drop_rows(con, _RAW, bad)


@dataclass(frozen=True)
class _EdNetLoader(Loader):
    contents: str | os.PathLike | None = None
    users_from_file_names: ClassVar[bool] = True
    complete_catalog: ClassVar[bool] = True

    def catalog(self, con: duckdb.DuckDBPyConnection) -> list[Issue]:
        return stage_contents(con, self.contents, ErrorMode.STRICT)


@dataclass(frozen=True)
class EdNetKT1Loader(_EdNetLoader):
    """EdNet KT1: one row per answered question.

    Example:
        >>> import tempfile, pathlib
        >>> from edusim.data import load
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "questions.csv").write_text("question_id,bundle_id,explanation_id,"
        ...     "correct_answer,part,tags,deployed_at\\nq1,b1,e1,b,1,1;2,0\\n")
        >>> _ = (d / "u9.csv").write_text("timestamp,solving_id,question_id,user_answer,"
        ...     "elapsed_time\\n1000,1,q1,b,5000\\n2000,2,q1,c,4000\\n")
        >>> df = load(d / "u9.csv", "ednet-kt1", contents=d)
        >>> df[["user_id", "item_id", "correct", "timestamp"]].values.tolist()
        [['u9', 'q1', True, 1000], ['u9', 'q1', False, 2000]]
    """

    format: ClassVar[str] = "ednet-kt1"

    def stage(
        self, con: duckdb.DuckDBPyConnection, files: Sequence[SourceFile], mode: ErrorMode
    ) -> list[Issue]:
        required = ["timestamp", "question_id", "user_answer"]
        types = {"timestamp": "BIGINT", "elapsed_time": "BIGINT"}
        issues = read_files(con, files, _RAW, required, ["solving_id", "elapsed_time"], mode,
                            concat=True, types=types)
        null_check(con, _RAW, ["timestamp", "question_id"], mode, issues)
        order_check(con, _RAW, "timestamp", mode, issues)
        _unknown_questions(con, "TRUE", "question_id", mode, issues)
        con.execute(
            f"INSERT INTO {STAGE} SELECT r._user, r.question_id, q.skill_ids, "
            "coalesce(r.user_answer = q.correct_answer, FALSE), CAST(r.timestamp AS BIGINT), "
            "CAST(r.elapsed_time AS BIGINT), r.user_answer, NULL, r.solving_id, r._source, r._rn "
            f"FROM {_RAW} r JOIN {ITEMS} q ON q.item_id = r.question_id AND q.kind = 'question'"
        )
        return issues


    def fast_context(self, con: duckdb.DuckDBPyConnection) -> pa.Table:
        return con.sql(
            f"SELECT item_id, correct_answer, skill_ids FROM {ITEMS} WHERE kind = 'question'"
        ).to_arrow_table()

    def fast_batch(
        self, context: pa.Table, files: Sequence[SourceFile], blobs: Sequence[bytes]
    ) -> pa.Table | None:
        joined = join_bodies(blobs, _KT1_HEADER)
        raw = parse_joined(joined, _KT1_TYPES) if joined is not None else None
        if raw is None or raw.column("timestamp").null_count:
            return None
        raw, catalog = raw.unify_dictionaries().combine_chunks(), context
        question = positions(raw.column("question_id"), catalog.column("item_id"))
        times, rows = raw.column("timestamp").to_numpy(), joined.file_index
        if (
            np.any(question < 0)
            or np.any(times < 0)
            or not in_time_order(times, rows)
            or repeats_within_files(times, question, rows)
        ):
            return None
        answers = pa.concat_arrays([
            *(chunk.dictionary for chunk in raw.column("user_answer").chunks),
            catalog.column("correct_answer").combine_chunks(),
        ]).unique()
        given = positions(raw.column("user_answer"), answers)
        expected = positions(
            pa.chunked_array([catalog.column("correct_answer").dictionary_encode()]), answers
        )[question]
        origin = provenance(files, joined)
        return pa.table({
            "user_id": origin["user_id"],
            "item_id": raw.column("question_id"),
            "skill_ids": catalog.column("skill_ids").take(pa.array(question)),
            "correct": pa.array((given == expected) & (given >= 0)),
            "timestamp": raw.column("timestamp"),
            "elapsed_ms": raw.column("elapsed_time"),
            "answer": raw.column("user_answer"),
            "session_id": raw.column("solving_id"),
            "_source": origin["_source"],
            "_rn": origin["_rn"],
        })


_KT1_HEADER = b"timestamp,solving_id,question_id,user_answer,elapsed_time"
_KT1_TYPES = {
    "timestamp": pa.int64(),
    "solving_id": DICTIONARY,
    "question_id": DICTIONARY,
    "user_answer": DICTIONARY,
    "elapsed_time": pa.int64(),
}


@dataclass(frozen=True)
class EdNetActionLoader(_EdNetLoader):
    """EdNet KT2, KT3 and KT4: action logs; interactions are the final answers.

    Example:
        >>> import tempfile, pathlib
        >>> from edusim.data import load
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "questions.csv").write_text("question_id,bundle_id,explanation_id,"
        ...     "correct_answer,part,tags,deployed_at\\nq1,b1,e1,b,1,7,0\\n")
        >>> _ = (d / "u2.csv").write_text("timestamp,action_type,item_id,source,user_answer,"
        ...     "platform\\n10,enter,b1,sprint,,web\\n20,respond,q1,sprint,a,web\\n"
        ...     "30,respond,q1,sprint,b,web\\n40,submit,b1,sprint,,web\\n")
        >>> df = load(d / "u2.csv", "ednet-kt2", contents=d)
        >>> df[["item_id", "answer", "correct", "timestamp", "elapsed_ms"]].values.tolist()
        [['q1', 'b', True, 30, 30]]
    """

    format: ClassVar[str] = "ednet-kt2"

    def stage(
        self, con: duckdb.DuckDBPyConnection, files: Sequence[SourceFile], mode: ErrorMode
    ) -> list[Issue]:
        required = ["timestamp", "action_type", "item_id"]
        optional = ["source", "user_answer", "platform", "cursor_time"]
        types = {"timestamp": "BIGINT", "cursor_time": "BIGINT"}
        issues = read_files(con, files, _RAW, required, optional, mode, concat=True, types=types)
        null_check(con, _RAW, required, mode, issues)
        order_check(con, _RAW, "timestamp", mode, issues)
        _unknown_questions(
            con, "action_type = 'respond' AND starts_with(item_id, 'q')", "item_id", mode, issues
        )
        con.execute(
            f"INSERT INTO {EVENTS} SELECT _user, CAST(timestamp AS BIGINT), action_type, item_id,"
            f" source, user_answer, platform, CAST(cursor_time AS BIGINT), _source FROM {_RAW}"
        )
        con.execute(f"INSERT INTO {STAGE} {_FINAL_ANSWERS}")
        return issues


_FINAL_ANSWERS = f"""
WITH ev AS (
    SELECT _source, _user, _rn, CAST(timestamp AS BIGINT) AS ts, action_type, item_id,
           user_answer FROM {_RAW}),
resp AS (SELECT * FROM ev WHERE action_type = 'respond' AND starts_with(item_id, 'q')),
sub AS (SELECT _source AS s_source, _rn AS s_rn, ts AS s_ts, item_id AS bundle
        FROM ev WHERE action_type = 'submit'),
ent AS (SELECT _source AS e_source, _rn AS e_rn, ts AS e_ts, item_id AS e_bundle
        FROM ev WHERE action_type = 'enter'),
answered AS (
    SELECT resp.*, sub.s_rn, sub.s_ts, sub.bundle FROM resp ASOF JOIN sub
    ON resp._source = sub.s_source AND sub.s_rn >= resp._rn
    QUALIFY row_number() OVER (PARTITION BY _source, s_rn, item_id ORDER BY _rn DESC) = 1),
final AS (
    SELECT a.*, q.skill_ids, q.correct_answer FROM answered a
    JOIN {ITEMS} q ON q.item_id = a.item_id AND q.kind = 'question' AND q.bundle_id = a.bundle)
SELECT f._user, f.item_id, f.skill_ids, coalesce(f.user_answer = f.correct_answer, FALSE), f.ts,
       f.s_ts - ent.e_ts, f.user_answer, 'respond', CAST(f.s_rn AS VARCHAR), f._source, f._rn
FROM final f ASOF LEFT JOIN ent
    ON f._source = ent.e_source AND f.bundle = ent.e_bundle AND ent.e_rn <= f._rn
"""


@dataclass(frozen=True)
class EdNetKT3Loader(EdNetActionLoader):
    """EdNet KT3 (KT2 plus lecture and explanation actions)."""

    format: ClassVar[str] = "ednet-kt3"


@dataclass(frozen=True)
class EdNetKT4Loader(EdNetActionLoader):
    """EdNet KT4 (every action, with ``cursor_time``)."""

    format: ClassVar[str] = "ednet-kt4"
