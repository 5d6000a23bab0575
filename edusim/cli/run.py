"""``edusim run SPEC``: an experiment grid from a TOML/JSON spec, locally or on Ray."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from edusim.cli.progress import progress_bar

__all__ = ["register"]


def run(
    spec: Path = typer.Argument(..., help="Experiment spec (.toml or .json)."),
    out: Path = typer.Option(..., "--out", help="Output folder."),
    backend: str = typer.Option("local", help="local (worker processes) or ray."),
    address: str = typer.Option(None, help="Ray cluster address (ray backend)."),
    resume: bool = typer.Option(False, "--resume", help="Skip jobs already finished in OUT."),
    workers: int = typer.Option(0, help="Local worker processes (0: one per CPU)."),
) -> None:
    """Run environments x teachers x seeds from SPEC; results and reports go to OUT."""
    from edusim.experiments.grid import GridError, run_spec
    from edusim.experiments.report import markdown_table
    from edusim.experiments.spec import ExperimentSpec, SpecError
    from edusim.experiments.summary import summarize

    console = Console()
    if backend not in ("local", "ray"):
        console.print(f"[red]error:[/red] --backend must be local or ray, got {backend!r}")
        raise typer.Exit(1)
    try:
        grid = ExperimentSpec.load(spec)
        with progress_bar(console) as progress:
            task = progress.add_task(f"{grid.name} ({backend})", total=len(grid.jobs()))
            results = run_spec(
                grid, out, backend, address, resume, workers or None,
                on_job_done=lambda done, total: progress.update(task, completed=done),
            )
    except (SpecError, GridError, ValueError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    for env, part in results.groupby("env", sort=False):
        console.print(f"\n[bold]{env}[/bold]")
        console.print(markdown_table(summarize(part)))
    console.print(f"\nresults in [bold]{out}[/bold]")


def register(app: typer.Typer) -> None:
    app.command()(run)
