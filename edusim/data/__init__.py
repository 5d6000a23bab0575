"""Real student data: the canonical interaction table, loaders, the DuckDB store, analysis.

Example:
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "seq.csv"
    >>> _ = path.write_text("3\\n1,2,1\\n0,1,1\\n")
    >>> df = load(path, "dkt")
    >>> list(df.columns) == list(CANONICAL_COLUMNS), len(df)
    (True, 3)
"""

from edusim.data.loaders import LOADERS, LoadReport, formats, load, load_with_report, make_loader
from edusim.data.schema import (
    CANONICAL_COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    DataError,
    ErrorMode,
    Issue,
    validate,
)
from edusim.data.split import split_learners
from edusim.data.store import TABLES, IngestReport, Store, read_store

__all__ = [
    "CANONICAL_COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "DataError",
    "ErrorMode",
    "Issue",
    "LOADERS",
    "LoadReport",
    "formats",
    "load",
    "load_with_report",
    "make_loader",
    "split_learners",
    "Store",
    "IngestReport",
    "TABLES",
    "read_store",
    "validate",
]
