"""Load EdNet into the edusim store, summarise it, and write the full analysis report.

Run from the repository root (the real EdNet sample lives in ../shared/data):

    python examples/analyse_ednet.py [EDNET_DIR] [--out runs/ednet-report]

EDNET_DIR holds a ``KT4/`` folder of learner files (or ``KT1/``...) and ``contents/``.
Without real data, ``--synthetic N`` simulates N learners in EdNet KT1 format first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from edusim.data import Store, analysis
from edusim.data.report import write_report
from edusim.data.synthetic_ednet import SynthConfig, write_synthetic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ednet", nargs="?", default="../shared/data/ednet")
    parser.add_argument("--out", default="runs/ednet-report")
    parser.add_argument("--synthetic", type=int, default=0, help="Simulate N learners instead.")
    args = parser.parse_args()
    out = Path(args.out)
    root = Path(args.ednet)
    if args.synthetic:
        root = out / "synthetic"
        write_synthetic(root, SynthConfig(learners=args.synthetic, mean_steps=100),
                        overwrite=True)
    level = next(name for name in ("KT4", "KT3", "KT2", "KT1") if (root / name).is_dir())

    # One store per data set: learners of two sets share ids (u1, u2...), and a store refuses
    # a learner it already holds from another file rather than merge them.
    store = Store(out / f"{'synthetic' if args.synthetic else 'ednet'}-{level}.duckdb")
    report = store.ingest([root / level], f"ednet-{level.lower()}", contents=root / "contents")
    print(f"{report.files_read} learner files read, {report.rows_added} interactions added")
    print(analysis.summary(store).to_string(index=False))
    print(analysis.skill_difficulty(store).head(10).to_string(index=False))
    _, graph = analysis.prerequisite_graph(store, min_learners=3)
    print(f"estimated prerequisites: {graph}")
    print(f"report: {write_report(store, out, title=f'EdNet {level}')}")


if __name__ == "__main__":
    main()
