"""The canonical interaction table every loader produces, and its validation.

One row is one answered item:

=============  ==================  =========================================================
column         pandas dtype        meaning
=============  ==================  =========================================================
``user_id``    ``str``             learner id (EdNet: the file stem, e.g. ``u1``)
``item_id``    ``str``             question id
``skill_ids``  ``object`` (lists)  the skills (knowledge components) the item exercises
``correct``    ``bool``            whether the (final) answer was right
``timestamp``  ``int64``           milliseconds since the epoch, or an ordinal when unknown
``elapsed_ms`` ``Int64``           optional: time spent on the item
``answer``     ``str``             optional: the answer given
``event``      ``str``             optional: the event that produced the row
``session_id`` ``str``             optional: session (EdNet: solving id / bundle attempt)
=============  ==================  =========================================================

Frames are sorted by ``user_id`` then ``timestamp`` (ties keep file order), so per-learner
sequences are contiguous slices.

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"user_id": ["u1"], "item_id": ["q1"], "skill_ids": [["s1"]],
    ...                    "correct": [True], "timestamp": [1]})
    >>> list(validate(df).columns) == list(CANONICAL_COLUMNS)
    True
"""

from __future__ import annotations

import enum
import gc
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from edusim.data.bounds import MAX_QUOTE_CHARS, clip

__all__ = [
    "REQUIRED_COLUMNS",
    "OPTIONAL_COLUMNS",
    "CANONICAL_COLUMNS",
    "ARROW_SCHEMA",
    "SQL_COLUMNS",
    "ErrorMode",
    "Issue",
    "DataError",
    "validate",
    "from_arrow",
    "empty_frame",
]

REQUIRED_COLUMNS: tuple[str, ...] = ("user_id", "item_id", "skill_ids", "correct", "timestamp")
OPTIONAL_COLUMNS: tuple[str, ...] = ("elapsed_ms", "answer", "event", "session_id")
CANONICAL_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

#: The canonical columns as DuckDB column definitions (the store's ``interactions`` table).
SQL_COLUMNS: dict[str, str] = {
    "user_id": "VARCHAR",
    "item_id": "VARCHAR",
    "skill_ids": "VARCHAR[]",
    "correct": "BOOLEAN",
    "timestamp": "BIGINT",
    "elapsed_ms": "BIGINT",
    "answer": "VARCHAR",
    "event": "VARCHAR",
    "session_id": "VARCHAR",
}

ARROW_SCHEMA = pa.schema(
    [
        ("user_id", pa.string()),
        ("item_id", pa.string()),
        ("skill_ids", pa.list_(pa.string())),
        ("correct", pa.bool_()),
        ("timestamp", pa.int64()),
        ("elapsed_ms", pa.int64()),
        ("answer", pa.string()),
        ("event", pa.string()),
        ("session_id", pa.string()),
    ]
)

_MAX_SHOWN = 10


class ErrorMode(str, enum.Enum):
    """What a loader does with a bad file or row.

    ``STRICT`` raises :class:`DataError` listing every problem; ``SKIP`` drops the bad rows
    (or files), keeps the rest and reports the problems as counted warnings.
    """

    STRICT = "strict"
    SKIP = "skip"


@dataclass(frozen=True)
class Issue:
    """One problem found in the input.

    Attributes:
        source: The file (or ``archive!member``) the problem is in.
        kind: A short category (``cast``, ``encoding``, ``missing column``, ``duplicate row``...).
        message: What is wrong, in words.
        line: 1-based line in the file (header is line 1), when known.
        field: The column concerned, when known.

    A message or field quoting the input is cut to a few hundred characters, so that no
    input can make an error message large.
    """

    source: str
    kind: str
    message: str
    line: int | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", clip(str(self.message), 2 * MAX_QUOTE_CHARS))
        if self.field is not None:
            object.__setattr__(self, "field", clip(str(self.field)))

    def __str__(self) -> str:
        where = self.source + (f", line {self.line}" if self.line is not None else "")
        where += f", column {self.field!r}" if self.field else ""
        return f"{where}: {self.kind}: {self.message}"


class DataError(ValueError):
    """Input data is invalid; ``issues`` lists every problem found (file, line, field).

    Example:
        >>> print(DataError([Issue("u1.csv", "cast", "'x' is not an integer", 3, "timestamp")]))
        1 problem in the input data:
          u1.csv, line 3, column 'timestamp': cast: 'x' is not an integer
    """

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        shown = [f"  {issue}" for issue in self.issues[:_MAX_SHOWN]]
        more = len(self.issues) - len(shown)
        if more:
            shown.append(f"  ... and {more} more")
        noun = "problem" if len(self.issues) == 1 else "problems"
        super().__init__(f"{len(self.issues)} {noun} in the input data:\n" + "\n".join(shown))


def empty_frame() -> pd.DataFrame:
    """A canonical frame with no rows.

    Example:
        >>> empty_frame().shape
        (0, 9)
    """
    return from_arrow(ARROW_SCHEMA.empty_table())


def from_arrow(table: pa.Table) -> pd.DataFrame:
    """The canonical pandas frame for an Arrow table with the canonical columns.

    Missing optional columns are added as nulls; ``skill_ids`` becomes Python lists of str.
    """
    columns = {}
    n = table.num_rows
    for name in CANONICAL_COLUMNS:
        field_type = ARROW_SCHEMA.field(name).type
        if name in table.column_names:
            column = table.column(name)
            if column.type != field_type:
                column = column.cast(field_type)
        else:
            column = pa.nulls(n, type=field_type)
        columns[name] = column
    frame = pd.DataFrame(
        {
            "user_id": _strings(columns["user_id"]),
            "item_id": _strings(columns["item_id"]),
            "skill_ids": _lists(columns["skill_ids"]),
            "correct": columns["correct"].to_numpy(zero_copy_only=False).astype(bool),
            "timestamp": columns["timestamp"].to_numpy(zero_copy_only=False).astype(np.int64),
            "elapsed_ms": _nullable_ints(columns["elapsed_ms"]),
            "answer": _strings(columns["answer"]),
            "event": _strings(columns["event"]),
            "session_id": _strings(columns["session_id"]),
        }
    )
    return frame


def _lists(column: pa.ChunkedArray | pa.Array) -> pd.Series:
    """A list<string> column as an object Series of Python lists (fast for short lists)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    column = column.fill_null(pa.scalar([], type=column.type))
    values = column.flatten().to_pylist()
    offsets = (column.offsets.to_numpy() - column.offsets[0].as_py()).tolist()
    out = np.empty(len(column), dtype=object)
    # Building millions of small lists triggers the cyclic garbage collector again and again
    # (3-5x slower); lists of strings hold no cycles, so it is paused here and restored.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        out[:] = [values[a:b] for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    finally:
        if was_enabled:
            gc.enable()
    return pd.Series(out, dtype=object)


def _nullable_ints(column: pa.ChunkedArray | pa.Array) -> pd.arrays.IntegerArray:
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    mask = column.is_null().to_numpy(zero_copy_only=False)
    data = column.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
    return pd.arrays.IntegerArray(data, mask)


def _strings(column: pa.ChunkedArray | pa.Array) -> pd.Series:
    return pd.Series(column.to_pandas(), dtype="str")


def validate(
    df: pd.DataFrame, source: str = "<dataframe>", errors: ErrorMode | str = ErrorMode.STRICT
) -> pd.DataFrame:
    """Check ``df`` against the canonical schema and return it with canonical dtypes.

    Every violation is reported, naming ``source``, the row (0-based position, shown as
    ``line`` = position + 2 for a file with a header) and the column.

    Args:
        df: A frame with at least the required columns.
        source: Where the frame came from, for messages.
        errors: ``strict`` raises on any violation; ``skip`` drops violating rows.

    Returns:
        A new frame with exactly :data:`CANONICAL_COLUMNS`, sorted by user then timestamp.

    Raises:
        DataError: On missing columns, or (strict mode) on any bad row.

    Example:
        >>> bad = pd.DataFrame({"user_id": ["u1"], "item_id": ["q1"], "skill_ids": [["s"]],
        ...                     "correct": [2], "timestamp": [1]})
        >>> validate(bad, source="x.csv")
        Traceback (most recent call last):
        ...
        edusim.data.schema.DataError: 1 problem in the input data:
          x.csv, line 2, column 'correct': type: value 2 is not a boolean (0/1/True/False)
    """
    mode = ErrorMode(errors)
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DataError([Issue(source, "missing column", f"required column {c!r} is absent",
                               field=c) for c in missing])
    issues: list[Issue] = []
    bad = np.zeros(len(df), dtype=bool)
    for name in ("user_id", "item_id"):
        rows = np.asarray(df[name].isna())
        bad |= _report(issues, source, name, rows, "null", "missing value")
    bad |= _check_bool(df["correct"], issues, source)
    bad |= _check_int(df["timestamp"], issues, source)
    bad |= _check_skills(df["skill_ids"], issues, source)
    if issues and mode is ErrorMode.STRICT:
        raise DataError(issues)
    kept = df.loc[~bad]
    table = pa.table(
        {
            name: _arrow_column(kept, name)
            for name in CANONICAL_COLUMNS
            if name in kept.columns
        }
    )
    frame = from_arrow(table)
    return sort_canonical(frame)


def sort_canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` sorted by user then timestamp (stable), with a fresh RangeIndex."""
    return frame.sort_values(["user_id", "timestamp"], kind="stable", ignore_index=True)


def _arrow_column(df: pd.DataFrame, name: str) -> pa.Array:
    series = df[name]
    if name == "skill_ids":
        return pa.array([[str(s) for s in v] for v in series], type=pa.list_(pa.string()))
    if name in ("correct",):
        return pa.array(series.astype(bool).to_numpy())
    if name in ("timestamp", "elapsed_ms"):
        return pa.array(pd.array(series, dtype="Int64"), type=pa.int64())
    return pa.array([None if pd.isna(v) else str(v) for v in series], type=pa.string())


def _report(
    issues: list[Issue], source: str, name: str, rows: np.ndarray, kind: str, message: str
) -> np.ndarray:
    for position in np.flatnonzero(rows):
        issues.append(Issue(source, kind, message, int(position) + 2, name))
    return rows


def _check_bool(series: pd.Series, issues: list[Issue], source: str) -> np.ndarray:
    if series.dtype == bool:
        return np.zeros(len(series), dtype=bool)
    bad = np.zeros(len(series), dtype=bool)
    for position, value in enumerate(series):
        if isinstance(value, (bool, np.bool_)) or (not pd.isna(value) and value in (0, 1)):
            continue
        bad[position] = True
        issues.append(Issue(source, "type", f"value {value!r} is not a boolean (0/1/True/False)",
                            position + 2, "correct"))
    return bad


def _check_int(series: pd.Series, issues: list[Issue], source: str) -> np.ndarray:
    if series.dtype.kind in "iu":
        return np.zeros(len(series), dtype=bool)
    numeric = pd.to_numeric(series, errors="coerce")
    bad = np.asarray(numeric.isna() | (numeric % 1 != 0))
    for position in np.flatnonzero(bad):
        issues.append(Issue(source, "type", f"value {series.iloc[position]!r} is not an integer",
                            int(position) + 2, "timestamp"))
    return bad


def _check_skills(series: pd.Series, issues: list[Issue], source: str) -> np.ndarray:
    bad = np.zeros(len(series), dtype=bool)
    for position, value in enumerate(series):
        if isinstance(value, (list, tuple, np.ndarray)) and all(
            isinstance(s, str) and s for s in value
        ):
            continue
        bad[position] = True
        issues.append(Issue(source, "type", f"value {value!r} is not a list of skill ids",
                            position + 2, "skill_ids"))
    return bad
