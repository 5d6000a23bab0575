"""Learner-level splits of a store, written as Parquet files.

Example:
    >>> import tempfile, pathlib
    >>> from edusim.data import Store
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "seq.csv").write_text("2\\n1,2\\n1,0\\n1\\n3\\n1\\n1\\n4\\n0\\n")
    >>> _ = Store(d / "db.duckdb").ingest([d / "seq.csv"], "dkt")
    >>> parts = write_split(d / "db.duckdb", d / "split", {"train": 2 / 3, "test": 1 / 3}, seed=0)
    >>> {name: rows for name, (_, rows) in parts.items()}
    {'train': 3, 'test': 1}
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from edusim.atomic import atomic_path, make_folder
from edusim.data.schema import CANONICAL_COLUMNS
from edusim.data.split import assign_learners
from edusim.data.store import Store

__all__ = ["write_split"]


def write_split(
    db_path: str | os.PathLike,
    out_dir: str | os.PathLike,
    parts: Mapping[str, float],
    seed: int = 0,
) -> dict[str, tuple[Path, int]]:
    """Write ``out_dir/<part>.parquet`` for each part, splitting learners with ``seed``.

    The assignment is the one :func:`edusim.data.split_learners` makes for the same learners
    and seed. Each file is written to a temporary name and moved into place.

    Returns:
        ``{part: (path, interactions)}``.

    Raises:
        ValueError: For a part name that cannot name a file in ``out_dir`` (empty, ``..``,
            or holding a path separator), or fractions :func:`assign_learners` refuses.
    """
    names = list(parts)
    for name in names:
        if not name or name in {".", ".."} or any(c in name for c in "/\\\0"):
            raise ValueError(f"part name {name!r} cannot name a file in {out_dir}")
    out = Path(out_dir)
    make_folder(out)
    written: dict[str, tuple[Path, int]] = {}
    with Store(db_path).connect() as con:
        users = np.array(
            [u for (u,) in con.execute("SELECT DISTINCT user_id FROM interactions").fetchall()]
        )
        users = np.sort(users.astype(str))
        assignment = assign_learners(users, [parts[n] for n in names], seed)
        con.register("_parts", pa.table({"user_id": users, "part": assignment}))
        columns = ", ".join(f'i."{c}"' for c in CANONICAL_COLUMNS)
        for index, name in enumerate(names):
            target = out / f"{name}.parquet"
            with atomic_path(target) as tmp:
                con.execute(
                    f"COPY (SELECT {columns} FROM interactions i JOIN _parts p USING (user_id) "
                    "WHERE p.part = ? ORDER BY i.user_id, i.timestamp, i.file, i.line) "
                    "TO ? (FORMAT parquet)", [index, str(tmp)],
                )
                rows = pq.read_metadata(tmp).num_rows
            written[name] = (target, int(rows))
    return written
