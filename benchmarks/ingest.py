"""Ingest throughput: a hand-written pandas loop versus the edusim DuckDB store.

Generates a synthetic EdNet KT1 folder (default 10,000 learner files, about 5 million rows,
simulated by BKT learners on the fractions curriculum), then ingests it

(a) the way analysts often do by hand: ``pd.read_csv`` per file, add the user id, ``concat``,
    merge ``questions.csv`` for correctness (no validation, nothing written to disk), and
(b) with ``edusim.data.Store.ingest`` (validated, into a DuckDB file on disk),

each in a fresh subprocess so that peak resident memory (``ru_maxrss``) is measured per
approach. The store is also run on a quarter of the files, to show that its memory does not
grow with the input (it streams batches of files), and re-run on the same files (idempotent:
nothing to add). Prints a table with rows/s, peak memory and the ratio to the pandas loop,
and the projected time for EdNet KT1's 131 million rows at the measured rate.

Usage:
    python benchmarks/ingest.py [--learners 10000] [--mean-steps 500] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EDNET_KT1_ROWS = 131_000_000


def pandas_loop(folder: Path, contents: Path, limit: int | None) -> int:
    """The baseline: one ``pd.read_csv`` per learner file, then concat and merge."""
    import pandas as pd

    files = sorted(folder.glob("u*.csv"))[:limit]
    frames = []
    for path in files:
        frame = pd.read_csv(path)
        frame["user_id"] = path.stem
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    questions = pd.read_csv(contents / "questions.csv")
    data = data.merge(questions[["question_id", "correct_answer", "tags"]], on="question_id")
    data["correct"] = data["user_answer"] == data["correct_answer"]
    return len(data)


def edusim_store(folder: Path, contents: Path, limit: int | None, db: Path) -> int:
    """edusim: validated ingest into a DuckDB file."""
    from edusim.data import Store

    files = sorted(folder.glob("u*.csv"))[:limit]
    paths = files if limit else [folder]
    report = Store(db).ingest(paths, "ednet-kt1", contents=contents)
    return report.rows_added if report.rows_added else Store(db).counts()["interactions"]


def duckdb_write_only(
    folder: Path, contents: Path, limit: int | None, db: Path
) -> tuple[int, float]:
    """A floor for any DuckDB store: only the write of rows already parsed and checked.

    Builds the store's Arrow batches first (not timed), then times inserting them into the
    ``interactions`` table of a fresh database file. Returns (rows, seconds).
    """
    from edusim.data.csv_fast_path import read_blobs
    from edusim.data.dbfile import open_duckdb
    from edusim.data.ednet import EdNetKT1Loader
    from edusim.data.ingest import batches
    from edusim.data.schema import CANONICAL_COLUMNS
    from edusim.data.sources import open_sources
    from edusim.data.store_tables import create_tables

    loader = EdNetKT1Loader(contents=contents)
    con = open_duckdb(db)
    create_tables(con)
    loader.catalog(con)
    context = loader.fast_context(con)
    with open_sources([folder]) as files:
        tables = [loader.fast_batch(context, group, read_blobs(group))
                  for group in batches(files[:limit], 20_000, 16 << 20)]
    start = time.perf_counter()
    for parsed in tables:
        columns = ", ".join(f'"{c}"' for c in CANONICAL_COLUMNS if c in parsed.column_names)
        con.execute(f"INSERT INTO interactions ({columns}, file, line) "
                    f"SELECT {columns}, _source, _rn + 1 FROM parsed")
    con.execute("CHECKPOINT")
    con.close()
    return sum(t.num_rows for t in tables), time.perf_counter() - start


def worker(args: argparse.Namespace) -> None:
    """Run one approach in this process and print its time, rows and peak memory as JSON."""
    import pandas  # noqa: F401  (imports are not part of the measured time)

    import edusim.data  # noqa: F401

    folder, contents = Path(args.work) / "KT1", Path(args.work) / "contents"
    limit = args.limit or None
    before = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = before.ru_utime + before.ru_stime
    start = time.perf_counter()
    if args.worker == "pandas":
        rows = pandas_loop(folder, contents, limit)
    elif args.worker == "write-only":
        rows, seconds = duckdb_write_only(folder, contents, limit, Path(args.db))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(json.dumps({"rows": rows, "seconds": seconds, "cpu": float("nan"),
                          "peak_mb": usage.ru_maxrss / 1024}))
        return
    else:
        rows = edusim_store(folder, contents, limit, Path(args.db))
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    peak_mb = usage.ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb}))


def run(approach: str, work: Path, limit: int = 0, db: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--worker", approach, "--work", str(work),
               "--limit", str(limit), "--db", str(db or "")]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--mean-steps", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", default="", help="Folder for the synthetic data (reused).")
    parser.add_argument("--worker", default="", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--db", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    from edusim.data.synthetic_ednet import SynthConfig, write_synthetic

    work = Path(args.work or Path(tempfile.gettempdir()) / "edusim-ingest-bench"
                / f"n{args.learners}-m{args.mean_steps}-s{args.seed}")
    if not (work / "KT1").is_dir():
        start = time.perf_counter()
        result = write_synthetic(work, SynthConfig(learners=args.learners,
                                                   mean_steps=args.mean_steps, seed=args.seed))
        print(f"generated {args.learners} files, {result.rows:,} rows in "
              f"{time.perf_counter() - start:.1f} s -> {work}")
    with tempfile.TemporaryDirectory() as scratch:
        db_full, db_quarter = Path(scratch) / "full.duckdb", Path(scratch) / "quarter.duckdb"
        results = {
            "pandas loop (read_csv + concat)": run("pandas", work),
            "edusim store": run("edusim", work, db=db_full),
            "edusim store, 1/4 of the files": run("edusim", work, args.learners // 4,
                                                  db=db_quarter),
            "edusim store, re-ingest (no change)": run("edusim", work, db=db_full),
            "floor: DuckDB write of parsed rows": run("write-only", work,
                                                      db=Path(scratch) / "floor.duckdb"),
        }
    base = results["pandas loop (read_csv + concat)"]
    base_rate = base["rows"] / base["seconds"]
    print(f"\nIngest of {args.learners:,} synthetic EdNet KT1 files, {os.cpu_count()} CPUs")
    print("(seconds: wall clock; cpu: user+system seconds of all threads, which contention "
          "from other processes does not inflate)")
    print(f"{'approach':38s} {'rows':>10s} {'seconds':>8s} {'rows/s':>10s} {'x pandas':>8s} "
          f"{'cpu s':>7s} {'rows/cpu-s':>10s} {'x pandas':>8s} {'peak MB':>7s}")
    base_cpu_rate = base["rows"] / base["cpu"]
    for name, r in results.items():
        rate, cpu_rate = r["rows"] / r["seconds"], r["rows"] / r["cpu"]
        print(f"{name:38s} {r['rows']:>10,} {r['seconds']:>8.2f} {rate:>10,.0f} "
              f"{rate / base_rate:>8.1f} {r['cpu']:>7.2f} {cpu_rate:>10,.0f} "
              f"{cpu_rate / base_cpu_rate:>8.1f} {r['peak_mb']:>7.0f}")
    store = results["edusim store"]
    rate = store["rows"] / store["seconds"]
    print(f"\nprojected time for EdNet KT1 ({EDNET_KT1_ROWS / 1e6:.0f}M rows) at the store's "
          f"rate: {EDNET_KT1_ROWS / rate / 60:.1f} min (pandas loop: "
          f"{EDNET_KT1_ROWS / base_rate / 60:.1f} min, and memory for all rows at once)")


if __name__ == "__main__":
    main()
