"""Bounds on what one input may cost, and the one bounded line reader every loader uses.

A hostile or broken file must not hang an ingest or exhaust memory: a line is never read
past :data:`MAX_LINE_BYTES`, a header never has more than :data:`MAX_COLUMNS` names, an
archive never expands past :data:`MAX_ARCHIVE_BYTES`, and a message never quotes more than
:data:`MAX_QUOTE_CHARS` characters of the input. Going past a bound is a clear error naming
the file, the line and the bound, never a slow or silent one.

Example:
    >>> import io
    >>> list(bounded_lines(io.BytesIO(b"a,b\\n1,2\\n"), "f.csv"))
    [b'a,b\\n', b'1,2\\n']
    >>> list(bounded_lines(io.BytesIO(b"x" * 10), "f.csv", limit=4))
    Traceback (most recent call last):
    ...
    edusim.data.bounds.LineTooLong: f.csv, line 1: longer than 4 bytes
    >>> clip("y" * 300, 12)
    'yyyyyyyyyyyy... [288 more characters]'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

import numpy as np

from edusim.text import MAX_QUOTE_CHARS, clip

__all__ = [
    "MAX_LINE_BYTES",
    "MAX_COLUMNS",
    "MAX_ARCHIVE_BYTES",
    "MAX_BLOB_BYTES",
    "MAX_QUOTE_CHARS",
    "LineTooLong",
    "bounded_lines",
    "first_line",
    "first_long_line",
    "first_long_line_in_file",
    "clip",
]

#: The longest line (header or data) read, in bytes: DuckDB's own default ``max_line_size``.
MAX_LINE_BYTES = 2 << 20
#: The most columns a header may name (ASSISTments 2017 has about 80).
MAX_COLUMNS = 4096
#: The most bytes the members of one zip or tar archive may expand to (EdNet KT4: ~8 GB).
MAX_ARCHIVE_BYTES = 64 << 30
#: Files larger than this are never read into memory whole (hashed in chunks, then streamed).
MAX_BLOB_BYTES = 64 << 20


class LineTooLong(ValueError):
    """A line longer than the bound; names the file and line."""

    def __init__(self, source: str, line: int, limit: int) -> None:
        self.source, self.line, self.limit = source, line, limit
        super().__init__(f"{source}, line {line}: longer than {limit:,} bytes")


def bounded_lines(handle: BinaryIO, source: str, limit: int = MAX_LINE_BYTES
                  ) -> Iterator[bytes]:
    """The lines of ``handle`` (with their ``\\n``), each read with at most ``limit`` bytes.

    Memory is bounded by one line, whatever the file holds.

    Raises:
        LineTooLong: At the first line longer than ``limit`` (before reading the rest of it).
    """
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not (len(line) == limit + 1 and line.endswith(b"\n")):
            raise LineTooLong(source, number, limit)
        yield line


def first_line(path, source: str, limit: int = MAX_LINE_BYTES) -> bytes:
    """The first line of the file at ``path`` without its line break (``b""`` if empty).

    Raises:
        LineTooLong: When the first line is longer than ``limit``.
    """
    with open(path, "rb") as handle:
        for line in bounded_lines(handle, source, limit):
            return line.rstrip(b"\r\n")
    return b""


def first_long_line(chunks: Iterable[bytes], limit: int = MAX_LINE_BYTES) -> int | None:
    """The 1-based number of the first line of ``chunks`` (joined) longer than ``limit``
    bytes (its line break not counted), or ``None``.

    Memory is bounded by one chunk; the search for line breaks runs in numpy, so a scan
    costs about as much as reading the bytes.

    Example:
        >>> first_long_line([b"ab\\ncd", b"efg\\nh\\n"], limit=4)
        2
        >>> first_long_line([b"ab\\ncd\\n"], limit=4) is None
        True
    """
    line, run = 1, 0  # the current line's number, and its length so far
    for chunk in chunks:
        breaks = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 0x0A)
        if not len(breaks):
            run += len(chunk)
            if run > limit:
                return line
            continue
        lengths = np.diff(breaks, prepend=-1) - 1
        lengths[0] += run
        if lengths.max() > limit:
            return line + int(np.argmax(lengths > limit))
        line += len(breaks)
        run = len(chunk) - 1 - int(breaks[-1])
        if run > limit:
            return line
    return None


def first_long_line_in_file(path, limit: int = MAX_LINE_BYTES) -> int | None:
    """:func:`first_long_line` over the file at ``path``, read in 1 MiB chunks; a file no
    longer than ``limit`` is not read at all."""
    with open(path, "rb") as handle:
        if handle.seek(0, 2) <= limit:
            return None
        handle.seek(0)
        return first_long_line(iter(lambda: handle.read(1 << 20), b""), limit)
