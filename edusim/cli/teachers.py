"""Teacher commands: ``edusim train-teacher`` and ``edusim bench teachers``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from edusim.atomic import make_folder
from edusim.cli.errors import exit_on
from edusim.cli.progress import progress_bar

__all__ = ["register"]

console = Console()
#: Families left out of the benchmark's default lists (a chat model per task).
BENCH_EXCLUDES = ("llm",)


def bench_teachers_for(env_id: str) -> list[str]:
    """The registry's teachers that can act in ``env_id`` with their defaults (no LLM)."""
    import gymnasium as gym

    from edusim import agents

    return agents.compatible(gym.make(env_id), exclude=BENCH_EXCLUDES)


def _trainers() -> dict:
    from edusim.agents.ppo import train_ppo

    return {"ppo": train_ppo}


def train_teacher(
    env_id: str = typer.Option(..., "--env", help="Environment id, e.g. edusim/Tutor-v0."),
    teacher: str = typer.Option("ppo", help="Trainable teacher (ppo)."),
    steps: int = typer.Option(..., min=1, help="Environment steps of training."),
    out: Path = typer.Option(..., help="Where to save the trained teacher (.zip)."),
    seed: int = typer.Option(0, min=0, help="Seed of the training run."),
    max_episode_steps: int = typer.Option(
        0, min=0, help="Override the env's episode length (0 keeps the registry's)."
    ),
    num_envs: int = typer.Option(
        8, "--num-envs", min=1, help="Learners stepped together (one batched call for native envs)."
    ),
) -> None:
    """Train an RL teacher and save it; play it later with agents.make("ppo", env, path=OUT)."""
    trainers = _trainers()
    with exit_on(ValueError):
        if teacher not in trainers:
            raise ValueError(f"teacher {teacher!r} is not trainable; trainable teachers: "
                             + ", ".join(sorted(trainers)))
    import gymnasium as gym

    with console.status(f"training {teacher} on {env_id} for {steps} steps"), \
            exit_on(ValueError, TypeError, OSError, gym.error.Error):
        path = trainers[teacher](
            env_id, steps, out, seed=seed, max_episode_steps=max_episode_steps or None,
            n_envs=num_envs,
        )
    console.print(f"saved {teacher} teacher to [bold]{path}[/bold]")


def _ci(mean: float, low: float, high: float, digits: int) -> str:
    return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def bench_teachers(
    out: Path = typer.Option(Path("runs/bench_teachers"), help="Folder for tables and maps."),
    quick: bool = typer.Option(False, "--quick", help="Short runs (about a minute)."),
    episodes: int = typer.Option(20_000, min=1, help="Tasks per TaskSpace-v0 run."),
    seeds: int = typer.Option(5, min=1, help="Seeds per teacher."),
    tutor_episodes: int = typer.Option(3, min=1, help="Consecutive Tutor-v0 learners per seed."),
    ppo: str = typer.Option("", help="A trained PPO teacher (.zip) to add to Tutor-v0."),
) -> None:
    """The teacher table on TaskSpace-v0 (mastered cells) and on Tutor-v0 (learning gain)."""
    from edusim.experiments.competence_maps import save_competence_maps
    from edusim.experiments.teacher_bench import compare_on_tutor, run_task_space, summarize

    if quick:
        episodes, seeds = min(episodes, 3000), min(seeds, 2)
    make_folder(out)
    runs = []
    with progress_bar(console) as progress:
        jobs = [(t, s) for t in bench_teachers_for("edusim/TaskSpace-v0") for s in range(seeds)]
        bar = progress.add_task(f"TaskSpace-v0, {episodes} tasks per run", total=len(jobs))
        for name, seed in jobs:
            runs.append(run_task_space(name, seed, episodes))
            progress.advance(bar)
    table = Table(title=f"TaskSpace-v0 ({episodes} tasks): % mastered cells, mean [95% CI]")
    for column in ("teacher", "mastered %", "per seed", "teacher CPU s / 1000 tasks"):
        table.add_column(column)
    summary = summarize(runs)
    for _, row in summary.iterrows():
        table.add_row(row["teacher"], _ci(row["mastered_mean"], row["ci_low"], row["ci_high"], 1),
                      row["per_seed"], f"{row['teacher_cpu_s_per_1000']:.2f}")
    console.print(table)
    summary.to_csv(out / "task_space.csv", index=False)
    first = {r.teacher: r for r in runs if r.seed == 0}
    maps = save_competence_maps({n: r.competence for n, r in first.items()},
                                out / "competence_maps.png",
                                title=f"TaskSpace-v0, seed 0, after {episodes} tasks")
    with console.status("Tutor-v0"), exit_on(ValueError, FileNotFoundError):
        tutor = compare_on_tutor(bench_teachers_for("edusim/Tutor-v0"),
                                 range(seeds if not quick else 5),
                                 tutor_episodes, ppo_path=ppo or None)
    table = Table(title="Tutor-v0: learning gain, mean [95% CI]")
    for column in ("teacher", "learning gain", "post-test"):
        table.add_column(column)
    for _, row in tutor.iterrows():
        table.add_row(
            row["teacher"],
            _ci(row["learning_gain"], row["learning_gain_ci_low"], row["learning_gain_ci_high"], 3),
            f"{row['final_post_test']:.3f}",
        )
    console.print(table)
    tutor.to_csv(out / "tutor.csv", index=False)
    console.print(f"written to [bold]{out}[/bold]: task_space.csv, tutor.csv, {maps.name}")


def register(app: typer.Typer) -> None:
    app.command("train-teacher")(train_teacher)
    bench = typer.Typer(help="Benchmarks.", no_args_is_help=True)
    bench.command("teachers")(bench_teachers)
    app.add_typer(bench, name="bench")
