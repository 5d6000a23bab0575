"""Loading any supported source into the canonical DataFrame.

Example:
    >>> formats()
    ['csv', 'dkt', 'ednet-kt1', 'ednet-kt2', 'ednet-kt3', 'ednet-kt4']
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from edusim.data.csv_fast_path import read_blobs
from edusim.data.dbfile import open_duckdb
from edusim.data.loader_base import (
    STAGE,
    Loader,
    stage_checked,
)
from edusim.data.schema import CANONICAL_COLUMNS, DataError, ErrorMode, Issue, from_arrow
from edusim.data.sources import as_paths, open_sources
from edusim.registry import Entry, Registry

__all__ = ["LOADERS", "LoadReport", "formats", "make_loader", "load", "load_with_report"]

#: The source formats: format name -> its :class:`Loader` class (one line per format).
LOADERS: Registry[type[Loader]] = Registry("format", {
    "ednet-kt1": Entry("edusim.data.ednet:EdNetKT1Loader", "EdNet KT1",
                       "One file per learner, one row per answered question."),
    "ednet-kt2": Entry("edusim.data.ednet:EdNetActionLoader", "EdNet KT2",
                       "One file per learner of enter/respond/submit actions; final answers."),
    "ednet-kt3": Entry("edusim.data.ednet:EdNetKT3Loader", "EdNet KT3",
                       "KT2 plus lecture and explanation actions."),
    "ednet-kt4": Entry("edusim.data.ednet:EdNetKT4Loader", "EdNet KT4",
                       "Every action, with cursor time."),
    "csv": Entry("edusim.data.csv_loader:CsvLoader", "CSV table",
                 "One row per answer, columns named by a mapping or an ASSISTments preset."),
    "dkt": Entry("edusim.data.dkt_format:DktLoader", "DKT sequences",
                 "Three lines per learner: length, skill ids, correctness."),
})

PathLike = str | os.PathLike


@dataclass(frozen=True)
class LoadReport:
    """What a load or ingest read, and the problems it skipped (skip mode).

    Attributes:
        files: Number of input files read.
        rows: Interactions kept.
        issues: Every problem found; empty in a clean load.
    """

    files: int
    rows: int
    issues: tuple[Issue, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, int]:
        """Number of issues per kind."""
        out: dict[str, int] = {}
        for issue in self.issues:
            out[issue.kind] = out.get(issue.kind, 0) + 1
        return out


def formats() -> list[str]:
    """The format names :func:`load` accepts."""
    return sorted(LOADERS)


def make_loader(format: str, **options: Any) -> Loader:
    """The loader for ``format`` with its options (``contents=``, ``columns=``, ``preset=``...).

    Raises:
        ValueError: For an unknown format (:class:`edusim.registry.UnknownNameError`, which
            lists the valid ones) or an option that format does not take.

    Example:
        >>> make_loader("dkt", contents="x")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: format 'dkt' takes no option 'contents'; its options: ['skill_names', ...]
    """
    cls = LOADERS.load(format)
    allowed = [f.name for f in dataclasses.fields(cls) if f.init]
    for name in options:
        if name not in allowed:
            raise ValueError(f"format {format!r} takes no option {name!r}; its options: {allowed}")
    return cls(**options)


def _options(contents: PathLike | None, options: dict[str, Any]) -> dict[str, Any]:
    return {**options, "contents": contents} if contents is not None else options


def load_with_report(
    path: PathLike | Sequence[PathLike],
    format: str,
    *,
    contents: PathLike | None = None,
    errors: ErrorMode | str = ErrorMode.STRICT,
    **options: Any,
) -> tuple[pd.DataFrame, LoadReport]:
    """Like :func:`load`, and also return the :class:`LoadReport` (skipped problems)."""
    mode = ErrorMode(errors)
    loader = make_loader(format, **_options(contents, options))
    paths = as_paths(path)
    with open_sources(paths) as files:
        if not files:
            raise DataError([Issue(", ".join(map(str, paths)), "no files", "no data files found")])
        direct = loader.canonical_arrow(files, mode)
        if direct is not None:
            table, issues = direct
            table = table.sort_by([("user_id", "ascending"), ("timestamp", "ascending")])
        else:
            table, issues = _through_duckdb(loader, files, mode)
    frame = from_arrow(table)
    return frame, LoadReport(len(files), len(frame), tuple(issues))


def _through_duckdb(loader: Loader, files: list, mode: ErrorMode
                    ) -> tuple[pa.Table, list[Issue]]:
    """The rows by the loader's fast path when the input is clean, else staged in DuckDB."""
    con = open_duckdb()
    try:
        issues = list(loader.catalog(con))
        context = loader.fast_context(con)
        blobs = None if context is None else read_blobs(files)
        fast = None if blobs is None else loader.fast_batch(context, files, blobs)
        if fast is not None:
            return _sorted_canonical(fast), issues
        stage_checked(con, loader, files, mode, issues)
        columns = ", ".join(f'"{c}"' for c in CANONICAL_COLUMNS)
        table = con.sql(
            f"SELECT {columns} FROM {STAGE} ORDER BY user_id, timestamp, _source, _rn"
        ).to_arrow_table()
    finally:
        con.close()
    return table, issues


def _sorted_canonical(table: pa.Table) -> pa.Table:
    """Fast-path rows as staging returns them: plain strings, every column, same order."""
    plain = pa.table({
        name: pc.cast(column, pa.string()) if pa.types.is_dictionary(column.type) else column
        for name, column in zip(table.column_names, table.columns, strict=True)
    })
    for name in CANONICAL_COLUMNS:
        if name not in plain.column_names:
            plain = plain.append_column(name, pa.nulls(len(plain), pa.string()))
    order = [(c, "ascending") for c in ("user_id", "timestamp", "_source", "_rn")]
    return plain.sort_by(order).select(list(CANONICAL_COLUMNS))


def load(
    path: PathLike | Sequence[PathLike],
    format: str,
    *,
    contents: PathLike | None = None,
    errors: ErrorMode | str = ErrorMode.STRICT,
    **options: Any,
) -> pd.DataFrame:
    """Load interactions from ``path`` into the canonical DataFrame.

    Args:
        path: A file, folder, glob, ``.zip`` or ``.tar[.gz]`` (or a list of them).
        format: One of :func:`formats`.
        contents: EdNet contents folder (or ``questions.csv``), needed by ``ednet-*``.
        errors: ``strict`` (raise :class:`DataError` listing every problem) or ``skip``
            (drop bad rows/files; use :func:`load_with_report` to see them).
        **options: Format options: ``columns=``, ``preset=``, ``skill_separator=``,
            ``timestamp_unit=``, ``merge_on=`` for ``csv``; ``skill_names=`` for ``dkt``.

    Returns:
        The canonical frame (:data:`edusim.data.CANONICAL_COLUMNS`), sorted by user, time.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "seq.csv"
        >>> _ = path.write_text("2\\n7,8\\n1,0\\n")
        >>> load(path, "dkt")["correct"].tolist()
        [True, False]
    """
    frame, _ = load_with_report(path, format, contents=contents, errors=errors, **options)
    return frame
