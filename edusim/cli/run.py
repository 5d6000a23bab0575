"""``edusim run SPEC``: an experiment grid from a TOML/JSON spec, locally or on Ray."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from edusim.cli.errors import exit_on
from edusim.cli.progress import progress_bar

__all__ = ["register"]


def run(
    spec: Path = typer.Argument(..., help="Experiment spec (.toml or .json)."),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    backend: str = typer.Option("local", help="local (worker processes) or ray."),
    address: str = typer.Option(
        None, help="Ray cluster to join: auto (the one on this machine) or HOST:PORT of its "
        "head (ray backend; default: start a Ray of this run's own)."),
    resume: bool = typer.Option(False, "--resume", help="Skip trials already finished in OUT."),
    workers: int = typer.Option(0, min=0, help="Local worker processes (0: one per CPU)."),
    retries: int = typer.Option(0, min=0, help="Attempts after the first for a trial that "
                                "raises; failures are recorded in OUT/failures.json."),
) -> None:
    """Run environments x teachers x seeds from SPEC; results and reports go to OUT.

    The whole spec is checked before anything runs. A trial that still fails after RETRIES
    retries is recorded with its traceback and the others go on; the run then exits 1.
    """
    from edusim.experiments.grid import GridError, run_grid
    from edusim.experiments.report import markdown_table
    from edusim.experiments.reports import REPORTS
    from edusim.experiments.spec import ExperimentSpec, SpecError

    console = Console()
    if backend not in ("local", "ray"):
        typer.echo(f"error: --backend must be local or ray, got {backend!r}", err=True)
        raise typer.Exit(1)
    with exit_on(SpecError, GridError, ValueError):
        grid = ExperimentSpec.load(spec)
        with progress_bar(console) as progress:
            task = progress.add_task(f"{grid.name} ({backend})", total=len(grid.jobs()))
            outcome = run_grid(
                grid, out, backend, address, resume, workers or None,
                on_job_done=lambda done, total: progress.update(task, completed=done),
                retries=retries, source=str(spec),
            )
    summary = outcome.summary
    for env, part in summary.groupby("env", sort=False):
        console.print(f"\n[bold]{env}[/bold]")
        console.print(markdown_table(part.drop(columns="env")))
    if outcome.report:
        console.print(f"\n[bold]{REPORTS.display_name(grid.report.kind)}[/bold]")
        console.print(outcome.report, markup=False, soft_wrap=True)
    console.print(f"\nresults in [bold]{out}[/bold]")
    if outcome.failures:
        first = outcome.failures[0]
        typer.echo(
            f"error: {len(outcome.failures)} of {outcome.trials} trials failed after "
            f"{retries} retries (errors and tracebacks in {out / 'failures.json'}); first: "
            f"{first.env} / {first.teacher} / seed {first.seed}: {first.error}", err=True)
        raise typer.Exit(1)
    console.print(f"{outcome.trials} of {outcome.trials} trials succeeded")


def register(app: typer.Typer) -> None:
    app.command()(run)
