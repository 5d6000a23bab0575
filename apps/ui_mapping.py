"""A teacher's own answer sheet: map its columns, read yes/no and dates, then the loader.

The Data explorer lets a visitor say which column holds the student, the question, whether
the answer was right, the time and the skill. :func:`to_canonical` turns such a sheet into
edusim's canonical columns, accepting what teachers write (``yes``/``no``, ``true``/``false``,
``1``/``0``; ISO dates like ``2024-03-04 09:15`` or Unix milliseconds), and explains every
problem in plain words (which column, which value, which rows). :func:`load_mapped` then hands
the canonical table to :func:`edusim.data.load`, which validates it as for any CSV.

Example:
    >>> import io
    >>> sheet = read_sheet(io.BytesIO(b"student,question,right,time\\nana,q1,yes,2024-03-04\\n"))
    >>> mapping = guess_mapping(list(sheet.columns))
    >>> mapping["correct"], mapping["time"]
    ('right', 'time')
    >>> to_canonical(sheet, mapping)[["user_id", "correct", "timestamp"]].values.tolist()
    [['ana', 1, 1709510400000]]
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pandas as pd

from edusim.data import DataError, load

__all__ = [
    "FIELDS",
    "NONE",
    "TEMPLATE_CSV",
    "MappingError",
    "guess_mapping",
    "load_mapped",
    "plain_words",
    "read_sheet",
    "to_canonical",
]

#: What the page asks for: field -> (question to the visitor, required?).
FIELDS = {
    "student": ("Which column says who answered (the student)?", True),
    "question": ("Which column says which question it was?", True),
    "correct": ("Which column says whether the answer was right?", True),
    "time": ("Which column says when (optional)?", False),
    "skill": ("Which column names the skill (optional)?", False),
}
NONE = "(none)"
_GUESSES = {
    "student": ("student", "user", "learner", "pupil", "name", "child"),
    "question": ("question", "item", "problem", "exercise", "task", "q"),
    "correct": ("correct", "right", "score", "result", "ok", "mark"),
    "time": ("time", "date", "timestamp", "when", "day"),
    "skill": ("skill", "topic", "kc", "concept", "standard", "unit"),
}
_TRUE = {"1", "yes", "y", "true", "t", "right", "correct"}
_FALSE = {"0", "no", "n", "false", "f", "wrong", "incorrect"}

#: A template a teacher can download and fill in.
TEMPLATE_CSV = (
    "student,question,correct,time,skill\n"
    "Ana,Q1,yes,2024-03-04 09:00,fractions\n"
    "Ana,Q2,no,2024-03-04 09:02,fractions\n"
    "Ben,Q1,no,2024-03-04 09:01,fractions\n"
    "Ben,Q3,yes,2024-03-04 09:05,decimals\n"
)


class MappingError(ValueError):
    """The sheet cannot be read with the chosen columns; the message says why, plainly."""


def read_sheet(data: io.BytesIO | bytes, max_rows: int = 500_000) -> pd.DataFrame:
    """Every cell as text (nothing is guessed yet).

    Raises:
        MappingError: When the file is not a readable CSV.
    """
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        sheet = pd.read_csv(source, dtype=str, keep_default_na=False, nrows=max_rows,
                            encoding="utf-8-sig", sep=None, engine="python")
    except (UnicodeDecodeError, pd.errors.ParserError, csv.Error) as exc:
        raise MappingError(f"this file cannot be read as a CSV table ({exc})") from None
    if sheet.empty or len(sheet.columns) < 2:
        raise MappingError("the file needs a header row and at least two columns")
    return sheet


def guess_mapping(columns: list[str]) -> dict[str, str]:
    """A first guess of which column is which field, by name (``NONE`` when nothing fits)."""
    taken: set[str] = set()
    mapping = {}
    for field, names in _GUESSES.items():
        lower = {c: re.sub(r"[^a-z]", "", c.lower()) for c in columns if c not in taken}
        hit = next((c for n in names for c, low in lower.items() if low == n), None)
        hit = hit or next((c for n in names for c, low in lower.items()
                           if len(n) > 2 and n in low), None)
        mapping[field] = hit or NONE
        if hit:
            taken.add(hit)
    return mapping


def _rows(mask: pd.Series) -> str:
    rows = [str(i + 2) for i in mask[mask].index[:5]]  # +2: the header is line 1
    more = int(mask.sum()) - len(rows)
    return ", ".join(rows) + (f" and {more} more" if more > 0 else "")


def _correct(values: pd.Series, column: str) -> pd.Series:
    low = values.str.strip().str.lower()
    bad = ~low.isin(_TRUE | _FALSE)
    if bad.any():
        shown = ", ".join(f"'{v}'" for v in values[bad].unique()[:3])
        raise MappingError(
            f"column '{column}' should say whether each answer was right (yes/no, true/false "
            f"or 1/0), but it has {shown} on line(s) {_rows(bad)}"
        )
    return low.isin(_TRUE).astype(int)


def _time(values: pd.Series, column: str) -> pd.Series:
    text = values.str.strip()
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().all():
        return numbers.astype("int64")  # already a count (e.g. Unix milliseconds)
    dates = pd.to_datetime(text, errors="coerce", format="ISO8601")
    bad = dates.isna()
    if bad.any():
        shown = ", ".join(f"'{v}'" for v in values[bad].unique()[:3])
        raise MappingError(
            f"column '{column}' should hold dates and times (like 2024-03-04 09:15) or "
            f"numbers, but it has {shown} on line(s) {_rows(bad)}"
        )
    if dates.dt.tz is not None:
        dates = dates.dt.tz_convert(None)
    return (dates.astype("datetime64[ms]").astype("int64")).astype("int64")


def to_canonical(sheet: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """The sheet in edusim's canonical columns.

    Raises:
        MappingError: A required field without a column, one column used twice, empty cells,
            or values that are not yes/no or dates.
    """
    chosen = {f: c for f, c in mapping.items() if c != NONE}
    missing = [f for f, (_, required) in FIELDS.items() if required and f not in chosen]
    if missing:
        raise MappingError(f"choose a column for: {', '.join(missing)}")
    used = list(chosen.values())
    twice = sorted({c for c in used if used.count(c) > 1})
    if twice:
        raise MappingError(f"column '{twice[0]}' is chosen for two things; pick one each")
    for field, column in chosen.items():
        if column not in sheet.columns:
            raise MappingError(f"the file has no column '{column}'")
        empty = sheet[column].str.strip() == ""
        if empty.any() and field in ("student", "question", "correct"):
            raise MappingError(f"column '{column}' ({field}) is empty on line(s) {_rows(empty)}")
    frame = pd.DataFrame({
        "user_id": sheet[chosen["student"]].str.strip(),
        "item_id": sheet[chosen["question"]].str.strip(),
        "correct": _correct(sheet[chosen["correct"]], chosen["correct"]),
    })
    skill = chosen.get("skill")
    frame.insert(2, "skill_ids", sheet[skill].str.strip() if skill else frame["item_id"])
    if "time" in chosen:
        frame["timestamp"] = _time(sheet[chosen["time"]], chosen["time"])
    else:  # the order of the rows is the order of the answers
        frame["timestamp"] = range(len(frame))
    return frame


_SQL_TYPES = {
    "BIGINT": "whole number", "INTEGER": "whole number", "INT64": "whole number",
    "INT32": "whole number", "DOUBLE": "number", "BOOLEAN": "yes/no value",
    "VARCHAR": "text", "TIMESTAMP": "date and time",
}


def plain_words(message: str) -> str:
    """A loader message without database type names ("not a valid BIGINT" -> plain words).

    Example:
        >>> plain_words("Could not convert string '2024-03-04' to INT64: not a valid BIGINT")
        "Could not convert string '2024-03-04' to a whole number: not a valid whole number"
    """
    for name, words in _SQL_TYPES.items():
        message = re.sub(rf"\b(valid|an?) {name}\b", rf"\1 {words}", message)
        message = re.sub(rf"\b{name}\b", f"a {words}", message)
    return message


def load_mapped(sheet: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Map the sheet and load it with :func:`edusim.data.load` (validated like any CSV).

    Raises:
        MappingError: On any problem, in plain words.
    """
    frame = to_canonical(sheet, mapping)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mapped.csv"
        frame.to_csv(path, index=False)
        columns = {c: c for c in ("user_id", "item_id", "skill_ids", "correct", "timestamp")}
        try:
            return load(path, "csv", columns=columns, skill_separator=";")
        except (DataError, ValueError) as exc:
            raise MappingError(plain_words(str(exc))) from None
