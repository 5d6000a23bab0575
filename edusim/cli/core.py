"""Core commands: ``edusim demo``, ``edusim envs``, ``edusim teachers``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from edusim.cli.errors import exit_on
from edusim.cli.progress import progress_bar

__all__ = ["register"]


def _baselines(env_id: str) -> list[str]:
    """The baseline teachers that can act in ``env_id``."""
    import gymnasium as gym

    from edusim import agents

    return agents.compatible(gym.make(env_id), family="baseline")


def demo(
    out: Path = typer.Option(Path("runs/demo"), help="Folder for the report."),
    quick: bool = typer.Option(False, "--quick", help="A few seeds only (seconds)."),
    seeds: int = typer.Option(20, min=1, help="Number of seeds (learner draws) per teacher."),
    episodes: int = typer.Option(1, min=1, help="Episodes per seed."),
    teachers: list[str] = typer.Option(
        None, "--teacher", "-t", help="Teachers (default: the baselines; see `edusim teachers`)."
    ),
    env_id: str = typer.Option("edusim/Tutor-v0", "--env", help="Environment id."),
    workers: int = typer.Option(0, min=0, help="Worker processes (0: one per CPU)."),
) -> None:
    """Run the baseline teachers on the shipped fractions curriculum with BKT learners.

    Prints a table of learning gains with 95% confidence intervals and writes results.csv,
    results.md and PNG plots into OUT.
    """
    import gymnasium as gym

    from edusim.experiments import evaluate, summarize, write_report

    console = Console()
    with exit_on(gym.error.Error):
        gym.spec(env_id)
    teachers = teachers or _baselines(env_id)
    n_seeds = 4 if quick else seeds
    with progress_bar(console) as progress:
        task = progress.add_task(f"{env_id}: {len(teachers)} teachers x {n_seeds} seeds", total=1)

        def done(finished: int, total: int) -> None:
            progress.update(task, completed=finished, total=total)

        with exit_on(ValueError):
            results = evaluate(
                env_id, teachers, n_seeds, episodes, workers=workers or None, on_job_done=done
            )
    summary = summarize(results)
    table = Table(title=f"{env_id}: mean [95% CI] over {n_seeds} seeds")
    columns = {
        "learning_gain": "learning gain",
        "final_post_test": "post-test",
        "final_mastery": "mastery",
        "items_to_mastery": "items to 95%",
    }
    columns = {m: t for m, t in columns.items() if summary[m].notna().any()}
    table.add_column("teacher")
    for title in columns.values():
        table.add_column(title, justify="right")
    for _, row in summary.iterrows():
        table.add_row(str(row["teacher"]), *[_with_ci(row, metric) for metric in columns])
    console.print(table)
    paths = write_report(results, out, title=f"edusim demo: teachers on {env_id}")
    console.print(f"report written to [bold]{out}[/bold]: " + ", ".join(sorted(paths)))


def _with_ci(row, metric: str) -> str:
    mean, low, high = row[metric], row[f"{metric}_ci_low"], row[f"{metric}_ci_high"]
    if mean != mean:  # NaN: never reached
        return "n/a"
    digits = 0 if metric == "items_to_mastery" else 3
    if low != low:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f}\n[{low:.{digits}f}, {high:.{digits}f}]"


def envs() -> None:
    """List the registered edusim environments with their spaces."""
    import gymnasium as gym

    from edusim.envs import ENV_IDS

    console = Console()
    table = Table(title="edusim environments")
    for column in ("id", "action space", "observation space", "max steps", "vector"):
        table.add_column(column)
    for env_id in ENV_IDS:
        spec = gym.spec(env_id)
        env = gym.make(env_id)
        try:
            table.add_row(
                env_id,
                str(env.action_space),
                str(env.observation_space),
                str(spec.max_episode_steps),
                "native" if spec.vector_entry_point else "sync",
            )
        finally:
            env.close()
    console.print(table)


def teachers() -> None:
    """List the registered teachers (from the registry; nothing is imported)."""
    from edusim.agents import TEACHERS, names

    console = Console()
    table = Table(title="edusim teachers (edusim.agents.make(name, env, seed=...))")
    table.add_column("name", no_wrap=True)
    for column in ("teacher", "family", "acts in", "what it does"):
        table.add_column(column)
    for name in names():
        entry = TEACHERS.entry(name)
        meta = entry.metadata
        table.add_row(name, entry.display_name, meta.get("family", ""),
                      ", ".join(meta.get("supports", ())), entry.description)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(demo)
    app.command()(envs)
    app.command()(teachers)
