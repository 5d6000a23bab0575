"""Batched-student benchmark: K students in one call against K separate runs and the floor.

For each size and K, three ways to take the same number of optimiser steps, timed side by side
in one process (each repeat runs them in turn; the table gives the median of the repeats):

- ``batched``: one :class:`~edusim.students.BatchedStudents` of K students (seeds 0..K-1),
  one ``fit`` call;
- ``separate``: K one-student batches trained one after another;
- ``floor``: one student on a K-times larger minibatch (the same arithmetic as K students, in
  ordinary, ungrouped layers' best case).

Columns: milliseconds per step (all K students), ``batched/floor`` (target <= 1.25 at K = 16)
and ``separate/batched`` (the speed-up over separate trainings). Then the seconds of a default
training round (``fit`` with the default steps on 200 examples, greedy evaluation of 1,000)
for 1 and 5 students, and of the SOAR inner loop (16 students, ``rl_fit`` 10 steps, batch 8,
8 samples) and a fail@128 screen (128 samples of each of 64 problems). Data are random token
ids of the given lengths (timing only). Load is printed: on a shared machine trust the
ratios, measured in the same minute, more than the milliseconds.

Usage::

    .venv/bin/python benchmarks/students.py [--kinds transformer,mlp] [--sizes small,default,large]
        [--ks 1,4,16] [--steps 20] [--repeats 3] [--threads 2] [--device cpu|cuda|cpu,cuda]

On a machine with a GPU the CPU/CUDA check is one command::

    python benchmarks/students.py --device cpu,cuda --threads 16
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import torch

from edusim.students import StudentConfig, make_students

#: name -> (d_model, batch_size); the issue's reference is the tiny transformer at d 64, batch 64.
SIZES = {"small": (32, 32), "default": (64, 64), "large": (128, 128)}


def random_data(n: int, config: StudentConfig, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` random prompts and answers (ids >= 2, EOS at a random place) for timing."""
    g = torch.Generator().manual_seed(seed)
    prompts = torch.randint(2, config.vocab_size, (n, config.prompt_len), generator=g)
    answers = torch.randint(2, config.vocab_size, (n, config.answer_len), generator=g)
    ends = torch.randint(1, config.answer_len, (n,), generator=g)
    position = torch.arange(config.answer_len)
    answers[position == ends[:, None]] = config.eos_id
    answers[position > ends[:, None]] = config.pad_id
    return prompts, answers


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _timed(run, device: torch.device) -> float:
    _sync(device)
    start = time.perf_counter()
    run()
    _sync(device)
    return time.perf_counter() - start


def compare(kind: str, size: str, k: int, args: argparse.Namespace, device: str) -> dict:
    """Median ms per step of the three ways (see the module docstring) and their ratios."""
    d_model, batch = SIZES[size]
    settings = {"d_model": d_model, "batch_size": batch, "prompt_len": args.prompt_len,
                "answer_len": args.answer_len, "device": device}
    batched = make_students(kind, seeds=range(k), **settings)
    separate = [make_students(kind, seeds=[s], **settings) for s in range(k)]
    floor = make_students(kind, seeds=[0], **{**settings, "batch_size": batch * k})
    prompts, answers = random_data(1000, batched.config, seed=0)
    ways = {
        "batched": lambda: batched.fit(prompts, answers, args.steps),
        "separate": lambda: [s.fit(prompts, answers, args.steps) for s in separate],
        "floor": lambda: floor.fit(prompts, answers, args.steps),
    }
    for run in ways.values():  # warm-up: allocations, kernels, caches
        run()
    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(args.repeats):
        for name, run in ways.items():
            times[name].append(_timed(run, batched.device) / args.steps * 1e3)
    ms = {name: statistics.median(t) for name, t in times.items()}
    return {"kind": kind, "size": f"{size} (d {d_model}, batch {batch})", "K": k,
            "params/student": batched.n_params, **{f"{n} ms": v for n, v in ms.items()},
            "batched/floor": ms["batched"] / ms["floor"],
            "separate/batched": ms["separate"] / ms["batched"]}


def round_seconds(kind: str, args: argparse.Namespace, device: str) -> list[dict]:
    """Seconds of a default round, the SOAR inner loop and a fail@128 screen."""
    rows = []
    for k in (1, 5):
        students = make_students(kind, seeds=range(k), prompt_len=args.prompt_len,
                                 answer_len=args.answer_len, device=device)
        train = random_data(200, students.config, seed=1)
        held_out = random_data(1000, students.config, seed=2)
        fit = _timed(lambda s=students, d=train: s.fit(*d), students.device)
        evaluate = _timed(lambda s=students, d=held_out: s.correct(*d), students.device)
        rows.append({"what": f"round: fit {students.config.steps} steps + evaluate 1000, K={k}",
                     "seconds": fit + evaluate, "fit s": fit, "evaluate s": evaluate})
    students = make_students(kind, seeds=range(16), prompt_len=args.prompt_len,
                             answer_len=args.answer_len, device=device)
    problems = random_data(64, students.config, seed=3)
    rl = _timed(lambda: students.rl_fit(*problems, steps=10, batch=8, n_samples=8),
                students.device)
    rows.append({"what": "SOAR inner loop: rl_fit 10 steps x batch 8 x 8 samples, K=16",
                 "seconds": rl})
    one = students.take([0])
    screen = _timed(lambda: one.sample(problems[0], 128), students.device)
    rows.append({"what": "fail@128 screen: 64 problems x 128 samples, K=1", "seconds": screen})
    return rows


def _print(rows: list[dict]) -> None:
    keys = list(rows[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        cells = [f"{v:.3g}" if isinstance(v, float) else str(v) for v in row.values()]
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default="transformer")
    parser.add_argument("--sizes", default="small,default,large")
    parser.add_argument("--ks", default="1,4,16")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--prompt-len", type=int, default=9)
    parser.add_argument("--answer-len", type=int, default=8)
    parser.add_argument("--no-rounds", action="store_true", help="skip the round timings")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} threads, load average "
          f"{os.getloadavg()[0]:.2f}, sequence length {args.prompt_len + args.answer_len - 1}, "
          f"{args.steps} steps x {args.repeats} repeats")
    for device in args.device.split(","):
        for kind in args.kinds.split(","):
            print(f"\n## {kind} on {device}")
            _print([compare(kind, size, k, args, device) for size in args.sizes.split(",")
                    for k in (int(x) for x in args.ks.split(","))])
            if not args.no_rounds:
                print()
                _print(round_seconds(kind, args, device))
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
