"""``edusim data ...``: ingest, summarise, report on, split, export and synthesise data."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from edusim.atomic import write_text_atomic
from edusim.cli.errors import exit_on
from edusim.cli.progress import progress_bar

__all__ = ["register", "data_app"]

console = Console()
err_console = Console(stderr=True)

data_app = typer.Typer(
    name="data",
    help="Real student data: load EdNet/ASSISTments/DKT files into a DuckDB store, analyse it.",
    no_args_is_help=True,
)


#: The library errors these commands report as one line on stderr (exit status 1).
_ERRORS = (ValueError, FileNotFoundError, FileExistsError, OSError)


def _parse_columns(pairs: list[str]) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping = {}
    for pair in pairs:
        canonical, sep, source = pair.partition("=")
        if not sep or not canonical or not source:
            raise ValueError(f"--column takes CANONICAL=SOURCE (e.g. item_id=problem_id), "
                             f"got {pair!r}")
        mapping[canonical.strip()] = source.strip()
    return mapping


@data_app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files, folders, globs, .zip or .tar files."),
    format: str = typer.Option(..., "--format", "-f",
                               help="ednet-kt1, ednet-kt2, ednet-kt3, ednet-kt4, csv or dkt."),
    db: Path = typer.Option(..., "--db", help="DuckDB database file (created if missing)."),
    contents: Path | None = typer.Option(None, help="EdNet contents folder (questions.csv)."),
    errors: str = typer.Option("strict", help="strict: stop at any problem; skip: report it."),
    preset: str | None = typer.Option(None, help="CSV preset: assistments2009/2015/2017."),
    column: list[str] = typer.Option([], "--column", "-c",
                                     help="CSV mapping CANONICAL=SOURCE (repeatable)."),
    skill_separator: str | None = typer.Option(None, help="CSV: separator inside skill field."),
    skill_names: Path | None = typer.Option(None, help="DKT: id<TAB>name skill file."),
    batch_mb: int = typer.Option(16, min=1, help="Megabytes of input per batch (bounds memory)."),
    check_content: bool = typer.Option(
        False, help="Hash every file, even those whose size and time match the store's record."),
) -> None:
    """Ingest files into the store (incremental, idempotent and atomic)."""
    from edusim.data import Store

    options = {
        "preset": preset,
        "skill_separator": skill_separator,
        "skill_names": skill_names,
    }
    with exit_on(*_ERRORS):
        options = {k: v for k, v in options.items() if v is not None}
        columns = _parse_columns(column)
        if columns is not None:
            options["columns"] = columns
        with progress_bar(err_console) as bar:
            task = bar.add_task(f"ingesting into {db.name}", total=None)
            report = Store(db).ingest(
                paths, format, contents=contents, errors=errors, batch_bytes=batch_mb << 20,
                check_content=check_content,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                **options,
            )
    console.print(f"{_count(report.files_read, 'file')} read ({report.files_unchanged} "
                  f"unchanged, {report.files_replaced} replaced), "
                  f"{_count(report.rows_added, 'interaction')} added to {db}")
    if report.issues:
        counts: dict[str, int] = {}
        for issue in report.issues:
            counts[issue.kind] = counts.get(issue.kind, 0) + 1
        console.print(f"[yellow]{_count(len(report.issues), 'problem')} skipped:[/yellow] "
                      f"{counts}")
        for issue in report.issues[:10]:
            console.print(f"  {issue}", markup=False)


@data_app.command()
def summary(db: Path = typer.Option(..., "--db", help="DuckDB store.")) -> None:
    """Print the store's counts and headline statistics."""
    from edusim.data import Store, analysis

    with exit_on(*_ERRORS):
        store = Store(db)
        counts = store.counts()
        stats = analysis.summary(store)
    table = Table(title=f"{db}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name in ("learners", "interactions", "items", "skills", "events", "files"):
        table.add_row(name, f"{counts[name]:,}")
    for name, value in zip(stats.metric, stats.value, strict=True):
        if name not in counts:
            table.add_row(name, f"{value:,.4g}")
    console.print(table)


@data_app.command()
def report(
    db: Path = typer.Argument(..., help="DuckDB store."),
    out: Path = typer.Option(Path("runs/data-report"), "--out", help="Output folder."),
    fmt: str = typer.Option("md", "--format", help="md or html."),
    title: str = typer.Option("Dataset report", help="Report title."),
) -> None:
    """Write a Markdown/HTML report with every analysis and its plots."""
    from edusim.data import Store
    from edusim.data.report import write_report

    with exit_on(*_ERRORS):
        path = write_report(Store(db), out, fmt, title=title)
    console.print(f"report written to {path}")


@data_app.command()
def split(
    db: Path = typer.Option(..., "--db", help="DuckDB store."),
    out: Path = typer.Option(..., "--out", help="Folder for train/valid/test Parquet files."),
    fractions: str = typer.Option("0.8,0.1,0.1", help="Shares of learners per part."),
    names: str = typer.Option("train,valid,test", help="Part names."),
    seed: int = typer.Option(0, min=0, help="Shuffle seed."),
) -> None:
    """Split the interactions by learner (seeded) into Parquet files."""
    from edusim.data.export import write_split

    with exit_on(*_ERRORS):
        written = write_split(db, out, _parts(fractions, names), seed)
    for name, (path, rows) in written.items():
        console.print(f"{name}: {rows:,} interactions -> {path}")


@data_app.command()
def export(
    db: Path = typer.Option(..., "--db", help="DuckDB store."),
    out: Path = typer.Option(..., "--out", help="Folder for <table>.parquet files."),
) -> None:
    """Export every table of the store to Parquet."""
    from edusim.data import Store

    with exit_on(*_ERRORS):
        paths = Store(db).export_parquet(out)
    for path in paths:
        console.print(str(path))


@data_app.command()
def prerequisites(
    db: Path = typer.Option(..., "--db", help="DuckDB store."),
    out: Path = typer.Option(..., "--out", help="JSON file for the SkillGraph."),
    max_skills: int = typer.Option(30, min=1, help="Most practised skills considered."),
    min_learners: int = typer.Option(10, min=1, help="Learners needed per skill pair."),
    threshold: float = typer.Option(0.7, help="Share mastering A first for an edge A -> B."),
) -> None:
    """Estimate a prerequisite graph from the data and save it as a SkillGraph JSON."""
    from edusim.data import Store, analysis

    with exit_on(*_ERRORS):
        _, graph = analysis.prerequisite_graph(Store(db), max_skills, min_learners, threshold)
        write_text_atomic(out, json.dumps(graph.to_dict(), indent=1))
    console.print(f"{graph} -> {out}")


@data_app.command()
def synth(
    out: Path = typer.Option(..., "--out", help="Folder for KT1/ (or KT2/) and contents/."),
    learners: int = typer.Option(100, min=1, help="Number of learner files."),
    mean_steps: int = typer.Option(50, min=1, help="Mean answers per learner."),
    seed: int = typer.Option(0, min=0, help="Seed."),
    model: str = typer.Option("bkt", help="Learner model (edusim.learners.make)."),
    level: str = typer.Option("kt1", help="kt1 or kt2."),
    overwrite: bool = typer.Option(False, help="Replace existing folders."),
) -> None:
    """Write synthetic EdNet learner files simulated by an edusim learner model."""
    from edusim.data.synthetic_ednet import SynthConfig, write_synthetic

    with exit_on(*_ERRORS):
        config = SynthConfig(learners=learners, mean_steps=mean_steps, seed=seed, model=model,
                             level=level)
        result = write_synthetic(out, config, overwrite=overwrite)
    console.print(f"{learners} learner files ({result.rows:,} answers) in {result.folder}; "
                  f"contents in {result.contents}")


def register(app: typer.Typer) -> None:
    """Add the ``data`` sub-command group to ``app``."""
    app.add_typer(data_app, name="data")


def _count(n: int, noun: str) -> str:
    """``"1 file"``, ``"2 files"``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _parts(fractions: str, names: str) -> dict[str, float]:
    """``--names`` paired with ``--fractions``; a clear error for any mismatch."""
    labels = [x.strip() for x in names.split(",")]
    shares = []
    for text in fractions.split(","):
        try:
            shares.append(float(text))
        except ValueError:
            raise ValueError(f"--fractions: {text.strip()!r} is not a number") from None
    if len(labels) != len(shares):
        raise ValueError(f"--fractions gives {len(shares)} shares but --names names "
                         f"{len(labels)} parts ({', '.join(labels)})")
    repeated = sorted({n for n in labels if labels.count(n) > 1})
    if repeated:
        raise ValueError(f"--names repeats {repeated[0]!r}")
    return dict(zip(labels, shares, strict=True))
