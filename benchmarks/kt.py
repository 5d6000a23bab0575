"""Knowledge-tracing benchmark: edusim BKT, DKT and SAKT against pyBKT on assist2009_updated.

Protocol (skill level, fixed split): train on ``assist2009_updated_train.csv``, test on
``assist2009_updated_test.csv`` (the DKVMN split, 110 skills, one skill per row, so no
multi-skill expansion and no same-attempt leak). Neural models hold out 10% of the training
learners for early stopping. These numbers are not comparable with pyKT's question-level
5-fold protocol. Windows (``VARIANTS``; each row's note repeats them):

- DKT and SAKT + recency: consecutive windows of 200 rows (each learner's rows cut into
  chunks; the first rows of a chunk see only the chunk's earlier rows).
- SAKT (the paper's architecture): windows of 30 rows ending every 15 rows, for training
  (the loss covers every row of every window) and for validation and test, where each row is
  predicted once, from the window in which it is new, with at least 15 earlier rows of its
  learner in view (all of them when it has fewer). Short windows help SAKT on this split:
  without relative positions, a window is its only notion of recency.

pyBKT is not a dependency: give the interpreter of a separate environment where it is
installed with ``--pybkt-python``; it runs in a subprocess on the same data (without it the
row is skipped with a message). To build pyBKT's C++/OpenMP core (its setup silently falls
back to pure Python, about 500x slower, if compiling fails)::

    python3 -m venv /tmp/pybkt/venv
    /tmp/pybkt/venv/bin/pip install "numpy==2.2.*" "scikit-learn==1.7.*" pandas requests \
        setuptools wheel
    /tmp/pybkt/venv/bin/pip download --no-deps --no-binary :all: pyBKT==1.4.3 -d /tmp/pybkt
    tar xzf /tmp/pybkt/pybkt-1.4.3.tar.gz -C /tmp/pybkt
    /tmp/pybkt/venv/bin/pip install --no-build-isolation --no-deps /tmp/pybkt/pybkt-1.4.3

The pyBKT row says whether the ``.so`` E-step was the one imported. Each neural model trains
in a child process of this script, so its peak memory is its own. ``--threads`` sets torch's
and OpenMP's (pyBKT's) CPU threads alike.

Usage::

    python benchmarks/kt.py --pybkt-python /tmp/pybkt/venv/bin/python
        [--models bkt,dkt,sakt,sakt-recency] [--epochs 5] [--sakt-epochs 30] [--threads 1]
        [--device cpu|cuda|cpu,cuda] [--seed 0]

On a machine with a GPU, the CUDA-versus-CPU check of the issue is one command (a few minutes;
the second table gives epochs per second on each device and the ratio)::

    python benchmarks/kt.py --models dkt,sakt --epochs 3 --sakt-epochs 3 --device cpu,cuda \
        --threads 16
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

import numpy as np
import pandas as pd
import torch

from edusim.data import load
from edusim.kt import BKTFitConfig, TrainConfig, Vocabulary, encode, evaluate, fit_bkt, fit_neural

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "assistments" / "assist2009_updated"
RUNNER = Path(__file__).with_name("pybkt_runner.py")


def _load(data_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    train = load(data_dir / "assist2009_updated_train.csv", "dkt")
    test = load(data_dir / "assist2009_updated_test.csv", "dkt")
    return train, test


def _timings(seconds: list[float]) -> str:
    return f"median of {len(seconds)} fits (min {min(seconds):.2f}s, max {max(seconds):.2f}s)"


def run_bkt(
    train: pd.DataFrame, test: pd.DataFrame, device: str, max_iter: int, repeat: int
) -> dict:
    """edusim BKT: one fit, no forgetting, EM until every skill's float log-likelihood changes
    by less than 1e-3 (pyBKT's tolerance) or ``max_iter`` E-steps (pyBKT's cap is 100)."""
    config = BKTFitConfig(restarts=1, max_iter=max_iter, tol=1e-3, device=device)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        vocab = Vocabulary.from_frame(train)
        data = encode(train, vocab)
        prepared = time.perf_counter()
        model = fit_bkt(data, vocab, config)
        runs.append((time.perf_counter() - start, prepared - start))
    seconds, prep = sorted(runs)[len(runs) // 2]
    test_data = encode(test, vocab)
    metrics = evaluate(test_data.correct, model.predict(test_data, device=device))
    skills = model.iterations[2:]
    return {
        "model": f"edusim BKT (max_iter {max_iter})", "auc": metrics.auc,
        "rmse": metrics.rmse, "fit_s": seconds,
        "note": f"{_timings([r[0] for r in runs])}: EM {seconds - prep:.2f}s + prep "
                f"{prep:.2f}s; "
                f"{int(skills.sum())} E-steps, max {int(skills.max())}/skill, "
                f"{int((skills >= config.max_iter).sum())} skills at max_iter",
    }


def run_pybkt(
    python: str, train: pd.DataFrame, test: pd.DataFrame, threads: int, repeat: int
) -> dict:
    """pyBKT 1.4.3 (one fit, no forgetting) in its own interpreter."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, frame in (("train", train), ("test", test)):
            paths[name] = Path(tmp) / f"{name}.csv"
            pd.DataFrame({
                "user_id": frame["user_id"], "skill_name": frame["skill_ids"].str[0],
                "correct": frame["correct"].astype(int), "order_id": np.arange(len(frame)),
            }).to_csv(paths[name], index=False)
        out = Path(tmp) / "pred.npy"
        env = {**os.environ, "OMP_NUM_THREADS": str(threads)}
        runs = []
        for _ in range(repeat):
            done = subprocess.run([python, str(RUNNER), str(paths["train"]),
                                   str(paths["test"]), str(out)],
                                  capture_output=True, text=True, env=env)
            if done.returncode:
                raise RuntimeError(f"pyBKT run failed:\n{done.stderr[-2000:]}")
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        metrics = evaluate(test["correct"].to_numpy(), np.load(out))
    seconds = [r["fit_seconds"] for r in runs]
    info = sorted(runs, key=lambda r: r["fit_seconds"])[len(runs) // 2]
    core = "C++ core" if info["cpp_core"] else "PURE PYTHON (not the C++ build)"
    return {"model": "pyBKT 1.4.3", "auc": metrics.auc, "rmse": metrics.rmse,
            "fit_s": info["fit_seconds"],
            "note": f"{core}; {_timings(seconds)}; {info['e_steps']} E-steps"}


#: Neural rows: name -> (model kind, model config, training settings).
VARIANTS = {
    "dkt": ("dkt", {}, {"batch_size": 64, "lr": 1e-3, "window": 200}),
    "sakt": ("sakt", {}, {"batch_size": 32, "lr": 1e-3, "window": 30, "stride": 15}),
    "sakt-recency": ("sakt", {"recency": True}, {"batch_size": 32, "lr": 2e-3, "window": 200}),
}


def run_neural(variant: str, epochs: int, device: str, data_dir: Path, seed: int = 0) -> dict:
    """Train ``variant`` on the training file, evaluate on the test file (runs in a child)."""
    kind, model_config, settings = VARIANTS[variant]
    train, test = _load(data_dir)
    vocab = Vocabulary.from_frame(train)
    config = TrainConfig(epochs=epochs, patience=3, device=device, seed=seed, **settings)
    epoch_seconds: list[float] = []
    clock = [time.perf_counter()]

    def on_event(event) -> None:
        if event.kind.value == "epoch":
            now = time.perf_counter()
            epoch_seconds.append(now - clock[0])
            clock[0] = now
            print(f"  {variant} epoch {event.epoch + 1}: loss {event.loss:.4f} valid AUC "
                  f"{event.valid_auc:.4f} ({epoch_seconds[-1]:.1f}s)", file=sys.stderr)

    start = time.perf_counter()
    model = fit_neural(kind, encode(train, vocab), vocab, model_config, config,
                       callback=on_event)
    seconds = time.perf_counter() - start
    test_data = encode(test, vocab)
    metrics = evaluate(test_data.correct, model.predict(test_data, device=device))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if device.startswith("cuda"):
        peak_note = f"GPU peak {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB"
    else:
        peak_note = f"peak RSS {peak:.0f} MiB"
    best = max(model.history, key=lambda h: h["valid_auc"])["epoch"]
    windows = (f"window {config.window}" if config.stride is None
               else f"window {config.window} stride {config.stride}")
    return {
        "model": f"edusim {variant}", "auc": metrics.auc, "rmse": metrics.rmse,
        "fit_s": seconds, "epochs_per_s": float(1 / np.mean(epoch_seconds)), "device": device,
        "note": f"{len(epoch_seconds)} epochs ({1 / np.mean(epoch_seconds):.3f} epochs/s, "
                f"{np.mean(epoch_seconds):.1f}s/epoch), best epoch {best}, {windows}, batch "
                f"{config.batch_size}, lr {config.lr:g}, seed {config.seed}, {peak_note}, "
                f"device {device}",
    }


def _child(variant: str, epochs: int, args: argparse.Namespace, device: str) -> dict:
    command = [sys.executable, __file__, "--worker", variant, "--epochs", str(epochs),
               "--seed", str(args.seed),
               "--threads", str(args.threads), "--device", device,
               "--data", str(args.data)]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode:
        raise RuntimeError(f"{variant} worker failed with status {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _table(rows: list[dict], baseline: float | None) -> str:
    lines = [
        "| model | test AUC | test RMSE | fit s | pyBKT fit s / fit s | notes |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = f"{baseline / r['fit_s']:.2f}x" if baseline else "n/a"
        lines.append(f"| {r['model']} | {r['auc']:.4f} | {r['rmse']:.4f} | {r['fit_s']:.2f} | "
                     f"{ratio} | {r['note']} |")
    return "\n".join(lines)


def _device_table(rows: list[dict], devices: list[str]) -> str:
    """Epochs per second of each neural model on each device, and the ratio to the first."""
    by_model: dict[str, dict[str, float]] = {}
    for r in rows:
        if "epochs_per_s" in r:
            by_model.setdefault(r["model"], {})[r["device"]] = r["epochs_per_s"]
    head = " | ".join(f"epochs/s {d}" for d in devices)
    ratios = " | ".join(f"{d} / {devices[0]}" for d in devices[1:])
    lines = [f"| model | {head} | {ratios} |", "|---" * (1 + 2 * len(devices) - 1) + "|"]
    for model, rates in by_model.items():
        cells = " | ".join(f"{rates.get(d, float('nan')):.3f}" for d in devices)
        ratio = " | ".join(f"{rates.get(d, float('nan')) / rates[devices[0]]:.1f}x"
                           for d in devices[1:])
        lines.append(f"| {model} | {cells} | {ratio} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--pybkt-python", help="Interpreter of an environment with pyBKT.")
    parser.add_argument("--models", default="bkt,dkt,sakt,sakt-recency",
                        help=f"bkt and any of {sorted(VARIANTS)}")
    parser.add_argument("--epochs", type=int, default=5, help="DKT epochs")
    parser.add_argument("--sakt-epochs", type=int, default=30,
                        help="most SAKT epochs (early stopping, patience 3)")
    parser.add_argument("--threads", type=int, default=1, help="torch / OpenMP CPU threads")
    parser.add_argument("--device", default="cpu",
                        help="cpu, cuda, or a list (cpu,cuda): neural models run on each and "
                             "a table compares their epochs per second; BKT uses the first")
    parser.add_argument("--repeat", type=int, default=3, help="BKT and pyBKT fits (median)")
    parser.add_argument("--seed", type=int, default=0,
                        help="Seed of the neural fits (weights, validation split, batches)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.worker:
        print(json.dumps(run_neural(args.worker, args.epochs, args.device, args.data,
                                    args.seed)))
        return
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    train, test = _load(args.data)
    print(f"assist2009_updated: {len(train)} train / {len(test)} test interactions, "
          f"{train['user_id'].nunique()} / {test['user_id'].nunique()} sequences; "
          f"{args.threads} CPU thread(s), device {args.device}", file=sys.stderr)
    rows, baseline = [], None
    if args.pybkt_python:
        rows.append(run_pybkt(args.pybkt_python, train, test, args.threads, args.repeat))
        baseline = rows[-1]["fit_s"]
    else:
        print("pyBKT row skipped: pass --pybkt-python PATH (an interpreter with pyBKT "
              "installed; see the module docstring)", file=sys.stderr)
    devices = [d.strip() for d in args.device.split(",") if d.strip()]
    if "bkt" in models:
        for max_iter in (100, 1000):
            rows.append(run_bkt(train, test, devices[0], max_iter, args.repeat))
    for variant in VARIANTS:
        if variant in models:
            epochs = args.epochs if variant == "dkt" else args.sakt_epochs
            rows.extend(_child(variant, epochs, args, device) for device in devices)
    print(_table(rows, baseline))
    if len(devices) > 1:
        print()
        print(_device_table(rows, devices))


if __name__ == "__main__":
    main()
