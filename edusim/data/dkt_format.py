"""The three-line sequence format of knowledge-tracing papers (DKT, DKVMN).

Each learner is three lines: the number of interactions, the comma-separated skill ids, and
the comma-separated correctness (0/1); trailing commas are allowed. User ids are the
sequence index (``"0"``, ``"1"`` ...; prefixed by the file stem when several files are read
together), timestamps the position in the sequence, and the item id is the skill id (the
format has no item ids).

Example:
    >>> import tempfile, pathlib
    >>> from edusim.data import load
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "train.csv"
    >>> _ = path.write_text("3\\n1,1,2,\\n0,1,1\\n1\\n5\\n1\\n")
    >>> df = load(path, "dkt")
    >>> df[["user_id", "item_id", "correct", "timestamp"]].values.tolist()
    [['0', '1', False, 0], ['0', '1', True, 1], ['0', '2', True, 2], ['1', '5', True, 0]]
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
import pyarrow.compute  # noqa: F401  (registers pa.compute)

from edusim.data.bounds import LineTooLong, bounded_lines
from edusim.data.loader_base import SKILLS, STAGE, Loader, create_catalog
from edusim.data.schema import DataError, ErrorMode, Issue
from edusim.data.sources import SourceFile
from edusim.data.staged_checks import collect

__all__ = ["DktLoader", "parse_dkt"]


class _Problem(Exception):
    """A problem that makes a whole file unreadable (carries its :class:`Issue`)."""

    def __init__(self, *fields) -> None:
        self.issue = Issue(*fields)
        super().__init__(str(self.issue))


def parse_dkt(path: Path, key: str, mode: ErrorMode) -> tuple[pa.Table, list[Issue]]:
    """Parse one sequence file into an Arrow table (``user``, ``skill``, ``correct``, ``pos``).

    Bad sequences (a bad count, a length mismatch, a non-integer skill, a correctness other
    than 0/1) are reported with their line and, in skip mode, left out.

    Raises:
        DataError: In strict mode, on the first bad sequences, naming the file and line.
    """
    try:
        lines = _read_lines(path, key)
    except _Problem as problem:
        issue = problem.issue
        collect([], [issue], mode)
        return _table(np.zeros(0, np.int64), [], [], np.zeros(0, np.int64)), [issue]
    while lines and not lines[-1].strip():
        lines.pop()
    issues: list[Issue] = []
    if not lines:
        collect(issues, [Issue(key, "empty file", "no sequences")], mode)
    elif len(lines) % 3:
        collect(issues, [Issue(key, "truncated", f"{len(lines)} lines is not a multiple of 3",
                               len(lines))], mode)
    n = len(lines) // 3
    counts = [line.strip().rstrip(",") for line in lines[0 : 3 * n : 3]]
    skills = [line.strip().rstrip(",") for line in lines[1 : 3 * n : 3]]
    answers = [line.strip().rstrip(",") for line in lines[2 : 3 * n : 3]]
    keep = np.ones(n, dtype=bool)
    for index in range(n):
        problem = _check(counts[index], skills[index], answers[index])
        if problem is not None:
            keep[index] = False
            kind, message, offset = problem
            collect(issues, [Issue(key, kind, message, 3 * index + offset)], mode)
    kept = np.flatnonzero(keep)
    lengths = np.array([int(counts[i]) for i in kept], dtype=np.int64)
    skill_values = ",".join(skills[i] for i in kept).split(",") if len(kept) else []
    answer_values = ",".join(answers[i] for i in kept).split(",") if len(kept) else []
    users = np.repeat(kept, lengths)
    starts = np.cumsum(lengths) - lengths
    positions = np.arange(len(users), dtype=np.int64) - np.repeat(starts, lengths)
    return _table(users, skill_values, answer_values, positions), issues


def _read_lines(path: Path, key: str) -> list[str]:
    """The file's lines as text, read by the bounded reader; a problem raises its Issue."""
    lines = []
    with open(path, "rb") as handle:
        try:
            for number, raw in enumerate(bounded_lines(handle, key), start=1):
                try:
                    lines.append(raw.decode("utf-8").rstrip("\r\n"))
                except UnicodeDecodeError as exc:
                    raise _Problem(key, "encoding", f"not UTF-8 at byte {exc.start} of the line",
                                   number) from None
        except LineTooLong as exc:
            raise _Problem(key, "line too long", f"longer than {exc.limit:,} bytes",
                           exc.line) from None
    return lines


def _check(count: str, skills: str, answers: str) -> tuple[str, str, int] | None:
    if not count.isdigit():
        return "count", f"{count!r} is not a sequence length", 1
    n = int(count)
    n_skills = skills.count(",") + 1 if skills else 0
    n_answers = answers.count(",") + 1 if answers else 0
    if n_skills != n or n_answers != n:
        return "length", f"length {n} but {n_skills} skills and {n_answers} answers", 1
    if not skills.replace(",", "").replace(" ", "").isdigit() and n:
        return "cast", "skill ids must be non-negative integers", 2
    if answers.replace(",", "").replace(" ", "").strip("01") and n:
        return "cast", "correctness must be 0 or 1", 3
    return None


def _table(users: np.ndarray, skills: list[str], answers: list[str], pos: np.ndarray) -> pa.Table:
    skill_array = pa.compute.utf8_trim_whitespace(pa.array(skills, type=pa.string()))
    answer_array = pa.compute.utf8_trim_whitespace(pa.array(answers, type=pa.string()))
    return pa.table(
        {
            "user": pa.array(users.astype(np.int64)),
            "skill": skill_array,
            "correct": pa.compute.equal(answer_array, "1"),
            "pos": pa.array(pos),
        }
    )


@dataclass(frozen=True)
class DktLoader(Loader):
    """Reads three-line sequence files.

    Args:
        skill_names: Optional tab-separated ``id<TAB>name`` file naming the skills.
        prefix_users: Prefix user ids with the file stem (``train:0``) even for one file;
            they always are when several files are read together.
    """

    skill_names: str | os.PathLike | None = None
    prefix_users: bool = False
    format: ClassVar[str] = "dkt"
    unique_times: ClassVar[bool] = True

    def catalog(self, con: duckdb.DuckDBPyConnection) -> list[Issue]:
        create_catalog(con)
        if self.skill_names is not None:
            pairs = []
            names = str(self.skill_names)
            try:
                text = _read_lines(Path(self.skill_names), names)
            except _Problem as problem:
                raise DataError([problem.issue]) from None
            for line in text:
                if line.strip():
                    skill, _, name = line.partition("\t")
                    pairs.append((skill.strip(), name.strip()))
            names = pa.table({"skill_id": [p[0] for p in pairs], "name": [p[1] for p in pairs]})
            con.register("_dkt_names", names)
            con.execute(f"INSERT INTO {SKILLS} SELECT skill_id, name FROM _dkt_names")
            con.unregister("_dkt_names")
        return []

    def canonical_arrow(
        self, files: Sequence[SourceFile], mode: ErrorMode
    ) -> tuple[pa.Table, list[Issue]]:
        issues: list[Issue] = []
        tables = []
        for file in files:
            parsed, found = parse_dkt(file.path, file.key, mode)
            issues.extend(found)
            prefix = f"{file.user_id}:" if len(files) > 1 or self.prefix_users else ""
            users = pa.compute.cast(parsed.column("user"), pa.string())
            if prefix:
                users = pa.compute.binary_join_element_wise(prefix, users, "")
            skills = parsed.column("skill").combine_chunks()
            offsets = pa.array(np.arange(len(skills) + 1, dtype=np.int32))
            tables.append(
                pa.table(
                    {
                        "user_id": users,
                        "item_id": skills,
                        "skill_ids": pa.ListArray.from_arrays(offsets, skills),
                        "correct": parsed.column("correct"),
                        "timestamp": parsed.column("pos"),
                        "_source": pa.array([file.key] * len(skills), type=pa.string()),
                    }
                )
            )
        return pa.concat_tables(tables), issues

    def stage(
        self, con: duckdb.DuckDBPyConnection, files: Sequence[SourceFile], mode: ErrorMode
    ) -> list[Issue]:
        table, issues = self.canonical_arrow(files, mode)
        con.register("_dkt", table)
        con.execute(
            f"INSERT INTO {STAGE} (user_id, item_id, skill_ids, correct, timestamp, _source, _rn)"
            " SELECT user_id, item_id, skill_ids, correct, timestamp, _source, "
            "row_number() OVER () FROM _dkt"
        )
        con.unregister("_dkt")
        return issues
