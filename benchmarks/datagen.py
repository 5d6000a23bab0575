"""DataGen benchmark: teachers x DataGen envs, final held-out accuracy, round time, K-speed-up.

For each env and teacher, one native vector env holds one student per seed (the seeds'
students train in one batched call); each seed has its own teacher. After ``--rounds`` rounds
the table gives the final held-out accuracy, overall and per skill (mean and 95% Student-t
interval over seeds), the paired difference to the state-free teacher, and the seconds per
round of the batch. Then the round time of ONE default student (the issue's <= 10 s target)
and the batched-student speed-up: K students trained in one call against K separate one-student
trainings, and against the compute floor (one student on a K-times larger batch), K = 1, 4, 16,
measured side by side in this process.

Usage:
    .venv/bin/python benchmarks/datagen.py --seeds 5 --rounds 8 --out runs/bench_datagen
    .venv/bin/python benchmarks/datagen.py --seeds 5 --rounds 5 --steps 80 \
        --protocol continual --eval-per-subskill 16 --out runs/bench_datagen
    .venv/bin/python benchmarks/datagen.py --quick                # seconds-long smoke run
    .venv/bin/python benchmarks/datagen.py --device cpu,cuda      # on a machine with a GPU
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import gymnasium as gym
import numpy as np
import pandas as pd
import torch

import edusim  # noqa: F401  (registers the env ids)
from edusim import agents
from edusim.atomic import atomic_path
from edusim.experiments.summary import mean_ci
from edusim.students import make_students
from edusim.tasks import ArithmeticDomain, Plan, ProgrammaticEngine

ENVS = ["edusim/DataGenOpen-v0", "edusim/DataGenSkillList-v0", "edusim/DataGenSkillTree-v0"]
TEACHERS = ["state-free", "uniform-alloc", "weakest-first", "lp-alloc", "llm", "ppo"]


def run_teacher(env_id: str, teacher: str, seeds: list[int], rounds: int, kwargs: dict,
                config: dict) -> tuple[pd.DataFrame, float]:
    """Final info per seed after ``rounds`` rounds, and seconds per round of the batch."""
    vec = gym.make_vec(env_id, num_envs=len(seeds), vectorization_mode="vector_entry_point",
                       **kwargs)
    probe = gym.make(env_id, **kwargs)  # spaces and the teacher interface of one row
    teachers = [agents.make(teacher, probe, seed=s, **config) for s in seeds]
    obs, info = vec.reset(seed=seeds[0])  # row i: seed seeds[0] + i
    start = time.perf_counter()
    for _ in range(rounds):
        actions = np.stack([t.act(o) for t, o in zip(teachers, obs, strict=True)])
        obs_next, reward, *_, info = vec.step(actions)
        for t, a, r, o in zip(teachers, actions, reward, obs_next, strict=True):
            t.observe(a, float(r), o)
        obs = obs_next
    per_round = (time.perf_counter() - start) / rounds
    rows = pd.DataFrame({"env": env_id, "teacher": teacher, "seed": seeds,
                         "accuracy": info["accuracy"],
                         **{f"acc_{k}": v for k, v in info["skill_accuracy"].items()}})
    return rows, per_round


def train_ppo_policy(rounds: int, kwargs: dict, steps: int, out: Path) -> dict:
    from edusim.agents.ppo import train_ppo

    path = train_ppo("edusim/DataGenSkillList-v0", steps=steps, out=out / "ppo.zip", seed=0,
                     env_kwargs=kwargs, max_episode_steps=rounds, n_envs=4)
    return {"path": str(path)}


def markdown(frame: pd.DataFrame) -> str:
    """A Markdown table of ``frame``'s cells as they are."""
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * frame.shape[1]]
    lines += ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def summarize(results: pd.DataFrame) -> pd.DataFrame:
    """Mean [95% CI] per (env, teacher), and the paired gap to the state-free teacher."""
    rows = []
    for (env_id, teacher), part in results.groupby(["env", "teacher"], sort=False):
        base = results[(results.env == env_id) & (results.teacher == "state-free")]
        gap = part.set_index("seed").accuracy - base.set_index("seed").accuracy
        m, lo, hi = mean_ci(part.accuracy.to_numpy())
        g, glo, ghi = mean_ci(gap.dropna().to_numpy())
        skills = {c[4:]: part[c].mean() for c in part.columns if c.startswith("acc_")}
        rows.append({"env": env_id.split("/")[1], "teacher": teacher,
                     "accuracy": f"{m:.3f} [{lo:.3f}, {hi:.3f}]",
                     "vs state-free": f"{g:+.3f} [{glo:+.3f}, {ghi:+.3f}]",
                     **{s: f"{v:.2f}" for s, v in skills.items()},
                     "s/round": f"{part.seconds_per_round.iloc[0]:.1f}"})
    return pd.DataFrame(rows)


def one_round_seconds(device: str) -> float:
    """Seconds of one round (generate, train, evaluate) of one default student (the env's
    defaults: a d-64 two-layer transformer, 200 steps, 128 examples, 384 held-out problems)."""
    env = gym.make("edusim/DataGenSkillList-v0", device=device)
    env.reset(seed=0)
    env.step(np.ones(env.action_space.shape, np.float32))  # warm-up
    start = time.perf_counter()
    env.step(np.ones(env.action_space.shape, np.float32))
    return time.perf_counter() - start


def speedup(ks: list[int], steps: int, student: dict, device: str) -> pd.DataFrame:
    """K students in one call vs K separate trainings vs one student on a K-times batch."""
    domain = ArithmeticDomain()
    data = ProgrammaticEngine().generate(
        Plan(tuple(domain.spec(s, 64) for s in domain.subskills)), domain,
        np.random.default_rng(0)).examples
    prompts, answers = torch.from_numpy(data.prompts), torch.from_numpy(data.answers)
    fmt = domain.format
    base = dict(vocab_size=fmt.vocab_size, prompt_len=fmt.prompt_len,
                answer_len=fmt.answer_len, device=device, **student)

    def timed(seeds: list[int], **extra) -> float:
        """Best of three timings (a busy machine only ever slows a run down)."""
        students = make_students("transformer", seeds=seeds, **{**base, **extra})
        students.fit(prompts, answers, steps=2)  # warm-up
        best = np.inf
        for _ in range(3):
            start = time.perf_counter()
            students.fit(prompts, answers, steps=steps)
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            best = min(best, time.perf_counter() - start)
        return best

    rows = []
    one = timed([0])
    for k in ks:
        batched = timed(list(range(k)))
        floor = timed([0], batch_size=student.get("batch_size", 64) * k)
        rows.append({"K": k, "d_model": student["d_model"], "device": device,
                     "batched s": round(batched, 3),
                     "K separate s": round(one * k, 3), "floor s": round(floor, 3),
                     "speed-up": round(one * k / batched, 2),
                     "batched / floor": round(batched / floor, 2)})
    return pd.DataFrame(rows)


def teacher_table(args: argparse.Namespace, kwargs: dict) -> None:
    """Every env x teacher on ``args.seeds`` batched students; prints and writes the table."""
    seeds = list(range(args.seeds))  # consecutive: a vector reset seeds row i with i
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for env_id in args.envs.split(","):
            for teacher in args.teachers.split(","):
                if teacher == "ppo" and env_id != "edusim/DataGenSkillList-v0":
                    continue  # PPO is trained on the skill-list env only
                config = (train_ppo_policy(args.rounds, kwargs, args.ppo_steps, Path(tmp))
                          if teacher == "ppo" else {})
                rows, per_round = run_teacher(env_id, teacher, seeds, args.rounds, kwargs,
                                              config)
                results.append(rows.assign(seconds_per_round=per_round))
                print(f"{env_id} {teacher}: {rows.accuracy.mean():.3f} "
                      f"({per_round:.1f} s/round)", file=sys.stderr)
    results = pd.concat(results, ignore_index=True)
    table = summarize(results)
    print(markdown(table))
    if args.out is not None:
        with atomic_path(args.out / "results.csv") as path:
            results.to_csv(path, index=False)
        with atomic_path(args.out / "results.md") as path:
            path.write_text(markdown(table) + "\n")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--envs", default=",".join(ENVS))
    p.add_argument("--teachers", default=",".join(TEACHERS))
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--steps", type=int, default=None, help="student steps per round")
    p.add_argument("--protocol", choices=["reinit", "continual"], default=None)
    p.add_argument("--d-model", type=int, default=None)
    p.add_argument("--layers", type=int, default=None)
    p.add_argument("--budget", type=int, default=None, help="examples per round")
    p.add_argument("--eval-per-subskill", type=int, default=None)
    p.add_argument("--no-timing", action="store_true", help="skip the round and K timings")
    p.add_argument("--timing-only", action="store_true", help="only the round and K timings")
    p.add_argument("--ppo-steps", type=int, default=64, help="PPO training rounds")
    p.add_argument("--device", default="cpu", help="comma-separated, e.g. cpu,cuda")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--ks", default="1,4,16")
    p.add_argument("--widths", default="32,64,128", help="student widths of the K timing")
    p.add_argument("--quick", action="store_true", help="tiny students, 2 seeds, 2 rounds")
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    student = {k: v for k, v in (("steps", args.steps), ("protocol", args.protocol),
                                 ("d_model", args.d_model), ("n_layers", args.layers))
               if v is not None}
    kwargs: dict = {"student": student}
    for key, value in (("eval_per_subskill", args.eval_per_subskill), ("budget", args.budget)):
        if value is not None:
            kwargs[key] = value
    if args.quick:
        student.update(d_model=16, n_heads=2, n_layers=1, steps=5)
        kwargs.update(eval_per_subskill=4, budget=32)
        args.seeds, args.rounds, args.ppo_steps, args.ks, args.widths = 2, 2, 8, "1,2", "16"
    if not args.timing_only:
        teacher_table(args, kwargs)
    if args.no_timing:
        return 0
    timing = []
    for device in args.device.split(","):
        if not args.quick:
            print(f"\none round of one default student on {device}: "
                  f"{one_round_seconds(device):.2f} s")
        for width in args.widths.split(","):  # the default student's size, and others
            timing.append(speedup([int(k) for k in args.ks.split(",")], 50,
                                  {"d_model": int(width)}, device))
    timing = pd.concat(timing, ignore_index=True)
    print("\n" + markdown(timing))
    if args.out is not None:
        with atomic_path(args.out / "speedup.csv") as path:
            timing.to_csv(path, index=False)
        with atomic_path(args.out / "timing.md") as path:
            path.write_text(markdown(timing) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
