"""Fit the small DKT that ``examples/robust_matrix.toml`` uses as a learner simulator.

``edusim run examples/robust_matrix.toml`` must work on a machine with no network and no copy
of the ASSISTments data, so the fitted model is committed to the repository
(``examples/models/dkt_assist2009.pt``, about 40 KB) and this script is how it was made:
the ASSISTments 2009 skill-builder split of the DKVMN paper (``../shared/data``; not shipped,
its licence is for research use), restricted to its ``SKILLS`` most practised skills, a DKT
with 32 hidden units fitted for a few epochs, every draw from ``SEED``. It also writes
``dkt_assist2009.json``: the command, the data files' SHA-256, the skills and the held-out
AUC, so a reader can check the provenance, and rerunning the script remakes the same model.

Run from the repository root::

    nice -n 19 .venv/bin/python examples/fit_matrix_dkt.py --data ../shared/data
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import torch

from edusim.atomic import write_text_atomic
from edusim.data import load
from edusim.kt import FitSpec, TrainConfig, evaluate_model, fit, save_model

SKILLS = 10
SEED = 0
SIZES = {"hidden": 32, "embedding": 32}
_SPLIT = "assistments/assist2009_updated/assist2009_updated_{}.csv"


def _frames(data: Path):
    train, test = (load(data / _SPLIT.format(part), "dkt") for part in ("train", "test"))
    counts = train["skill_ids"].map(lambda s: s[0]).value_counts()
    keep = set(counts.index[:SKILLS])
    pick = [f[f["skill_ids"].map(lambda s: s[0] in keep)].reset_index(drop=True)
            for f in (train, test)]
    return (*pick, sorted(keep))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=Path("examples/models"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    train, test, skills = _frames(args.data)
    spec = FitSpec("dkt", model=SIZES, train=TrainConfig.recommended(
        "dkt", epochs=5, window=100, batch_size=64, seed=SEED, device="cpu"))
    model = fit(spec, train)
    metrics = evaluate_model(model, test, device="cpu")
    save_model(model, args.out / "dkt_assist2009.pt")
    files = {part: hashlib.sha256((args.data / _SPLIT.format(part)).read_bytes()).hexdigest()
             for part in ("train", "test")}
    record = {"command": "python examples/fit_matrix_dkt.py --data ../shared/data",
              "data": _SPLIT, "sha256": files, "skills": skills, "seed": SEED,
              "model": SIZES, "train_rows": len(train), "test_rows": len(test),
              **metrics.to_dict("test_")}
    write_text_atomic(args.out / "dkt_assist2009.json", json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
