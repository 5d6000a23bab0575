"""ASSISTments exports and DKT sequence files: load, split by learner, export to Parquet.

    python examples/data_assistments_kt_split.py [--out runs/assistments]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from edusim.data import Store, load, split_learners
from edusim.data.export import write_split

DATA = Path("../shared/data/assistments")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="runs/assistments")
    parser.add_argument("--data", default=str(DATA))
    args = parser.parse_args()
    data, out = Path(args.data), Path(args.out)

    # 1. The raw ASSISTments 2009 export: one row per (answer, skill), merged per answer.
    raw = load(data / "skill_builder_2009_sample.csv", "csv", preset="assistments2009")
    print(f"skill builder: {len(raw)} answers by {raw.user_id.nunique()} learners")

    # 2. The DKT three-line format used by knowledge-tracing papers.
    train = load(data / "assist2009_updated" / "assist2009_updated_train.csv", "dkt")
    fit, valid = split_learners(train, (0.9, 0.1), seed=0)
    print(f"DKT train file: {len(fit)} rows to fit, {len(valid)} to validate")

    # 3. Into a store, then a seeded learner-level split written as Parquet.
    store = Store(out / "assist.duckdb")
    store.ingest([data / "skill_builder_2009_sample.csv"], "csv", preset="assistments2009")
    parts = write_split(store.path, out / "split", {"train": 0.8, "valid": 0.1, "test": 0.1})
    for name, (path, rows) in parts.items():
        print(f"{name}: {rows} interactions -> {path}")


if __name__ == "__main__":
    main()
