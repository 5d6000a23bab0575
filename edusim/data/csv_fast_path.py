"""The fast path for clean per-learner CSV files: many small files parsed as one Arrow table.

EdNet ships one small file per learner (784k files of ~170 rows). Any reader that opens and
parses them one by one pays a fixed cost per file that dwarfs the rows. Here the data lines
of a batch of files are joined, as bytes, into one buffer that pyarrow's multi-threaded CSV
reader parses at once; each row's file comes from the per-file line counts.

The fast path only *accepts*: it returns ``None`` whenever a batch is not plainly clean (a
header that differs from the expected one, quotes, carriage returns, blank lines, a value
that does not parse, a row count that does not add up), and the caller then falls back to
the DuckDB staging path, which finds and reports every problem with its file and line. So
the two paths never disagree about what is valid: the fast one never has to explain.

Example:
    >>> import pyarrow as pa
    >>> blobs = [b"t,q\\n5,a\\n6,b\\n", b"t,q\\n7,c"]
    >>> joined = join_bodies(blobs, b"t,q")
    >>> joined.counts.tolist()
    [2, 1]
    >>> parse_joined(joined, {"t": pa.int64(), "q": pa.string()}).column("t").to_pylist()
    [5, 6, 7]
    >>> join_bodies([b"q,t\\n1,2\\n"], b"t,q") is None  # another header: not for this path
    True
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from edusim.data import bounds
from edusim.data.sources import SourceFile

__all__ = [
    "Joined",
    "join_bodies",
    "parse_joined",
    "read_blobs",
    "in_time_order",
    "repeats_within_files",
    "provenance",
    "positions",
]

#: A string column read as a dictionary (few distinct values: ids, answers).
DICTIONARY = pa.dictionary(pa.int32(), pa.string())


@dataclass
class Joined:
    """The data lines of a batch of files, joined.

    Attributes:
        buffer: Every file's data lines, in file order, each line ending in ``\\n``.
        counts: Data rows per file.
    """

    buffer: bytes
    counts: np.ndarray

    @functools.cached_property
    def file_index(self) -> np.ndarray:
        """The index (into the batch) of the file of each row."""
        return np.repeat(np.arange(len(self.counts), dtype=np.int32), self.counts)


def read_blobs(files: Sequence[SourceFile]) -> list[bytes] | None:
    """The bytes of each file, or ``None`` when one is larger than
    :data:`~edusim.data.bounds.MAX_BLOB_BYTES` (such files are never read whole: they are
    hashed in chunks and staged, and DuckDB streams them)."""
    if any(f.path.stat().st_size > bounds.MAX_BLOB_BYTES for f in files):
        return None
    blobs = []
    for file in files:
        with open(file.path, "rb") as handle:
            blobs.append(handle.read())
    return blobs


def join_bodies(blobs: Sequence[bytes], header: bytes) -> Joined | None:
    """Join the data lines of files whose first line is exactly ``header``, else ``None``.

    ``None`` too when the bytes hold anything the plain parse would not read as the DuckDB
    reader does: quotes, carriage returns, blank lines, or a line longer than
    :data:`~edusim.data.bounds.MAX_LINE_BYTES` (the checked path names it).
    """
    bodies, counts = [], np.zeros(len(blobs), dtype=np.int64)
    for index, data in enumerate(blobs):
        end = data.find(b"\n")
        if end < 0 or data[:end] != header:
            return None
        if len(data) > bounds.MAX_LINE_BYTES and bounds.first_long_line([data]) is not None:
            return None
        body = data[end + 1 :]
        if body and not body.endswith(b"\n"):
            body += b"\n"
        counts[index] = body.count(b"\n")
        bodies.append(body)
    buffer = b"".join(bodies)
    if buffer.startswith(b"\n") or any(mark in buffer for mark in (b"\n\n", b"\r", b'"')):
        return None
    return Joined(buffer, counts)


def parse_joined(joined: Joined, columns: Mapping[str, pa.DataType]) -> pa.Table | None:
    """Parse the joined lines as ``columns`` (names in file order, Arrow types), or ``None``.

    Empty fields are nulls (as in DuckDB's reader); nothing else is. ``None`` when a line
    has the wrong number of fields, a value does not parse as its type, text is not UTF-8,
    or the row count differs from the lines counted.
    """
    try:
        table = pacsv.read_csv(
            pa.py_buffer(joined.buffer),
            read_options=pacsv.ReadOptions(column_names=list(columns), block_size=4 << 20),
            parse_options=pacsv.ParseOptions(quote_char=False, double_quote=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict(columns), null_values=[""], strings_can_be_null=True,
                check_utf8=True,
            ),
        )
    except pa.ArrowInvalid:
        return None
    return table if table.num_rows == int(joined.counts.sum()) else None


def in_time_order(times: np.ndarray, file_index: np.ndarray) -> bool:
    """Whether ``times`` never decrease from one row to the next within a file."""
    same_file = file_index[1:] == file_index[:-1]
    return not bool(np.any((times[1:] < times[:-1]) & same_file))


def repeats_within_files(times: np.ndarray, items: np.ndarray, file_index: np.ndarray) -> bool:
    """Whether a file repeats an (item, time) pair; ``times`` must be in order within files.

    Only rows whose time equals a neighbour's can repeat, so only those are compared.
    """
    tied = np.flatnonzero((times[1:] == times[:-1]) & (file_index[1:] == file_index[:-1]))
    if not len(tied):
        return False
    rows = np.union1d(tied, tied + 1)
    keys = np.stack([file_index[rows], times[rows], items[rows]], axis=1)
    return len(np.unique(keys, axis=0)) < len(rows)


def provenance(files: Sequence[SourceFile], joined: Joined) -> dict[str, pa.Array]:
    """``user_id``, ``_source`` (file key) and ``_rn`` (1-based data row) of each row."""
    index = pa.array(joined.file_index)
    starts = np.cumsum(joined.counts) - joined.counts
    rn = np.arange(1, int(joined.counts.sum()) + 1) - np.repeat(starts, joined.counts)
    return {
        "user_id": pa.DictionaryArray.from_arrays(index, pa.array([f.user_id for f in files])),
        "_source": pa.DictionaryArray.from_arrays(index, pa.array([f.key for f in files])),
        "_rn": pa.array(rn, type=pa.int64()),
    }


def positions(column: pa.ChunkedArray, values: pa.Array) -> np.ndarray:
    """For each row of the dictionary ``column``, the position of its value in ``values``.

    ``-1`` for nulls and for values not in ``values``. Works on the (small) dictionaries,
    then gathers per row with integer indexing.

    Example:
        >>> column = pa.chunked_array([pa.array(["b", None, "z", "a"]).dictionary_encode()])
        >>> positions(column, pa.array(["a", "b"])).tolist()
        [1, -1, -1, 0]
    """
    found = []
    for chunk in column.chunks:
        where = pc.index_in(chunk.dictionary, value_set=values).fill_null(-1).to_numpy()
        indices = pc.fill_null(chunk.indices, len(where)).to_numpy()
        found.append(np.append(where, -1)[indices])
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
