"""``edusim kt ...``: fit, evaluate and cross-validate knowledge-tracing models."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from edusim.atomic import make_folder
from edusim.cli.errors import exit_on

__all__ = ["register", "kt_app"]

console = Console()
err_console = Console(stderr=True)

kt_app = typer.Typer(
    name="kt",
    help="Knowledge tracing: fit BKT, DKT or SAKT on interaction data, evaluate, cross-validate.",
    no_args_is_help=True,
)

_STORE_SUFFIXES = (".duckdb", ".db")


#: The library errors these commands report as one line on stderr (exit status 1).
_ERRORS = (ValueError, TypeError, FileNotFoundError, OSError)


def _read(path: Path, format: str | None):
    """A canonical frame from a DuckDB store or any file :func:`edusim.data.load` reads."""
    from edusim.data import load
    from edusim.data.store import read_store

    if format == "store" or (format is None and path.suffix in _STORE_SUFFIXES):
        return read_store(path)
    if format is None:
        raise ValueError(f"{path}: give --format (dkt, csv, ...) or a DuckDB store (.duckdb)")
    return load(path, format)


def _parse_params(pairs: list[str]) -> dict:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--param takes KEY=VALUE (e.g. hidden=50), got {pair!r}")
        try:
            params[key.strip()] = json.loads(value) if value.strip() else value
        except json.JSONDecodeError:
            raise ValueError(f"--param {key.strip()}: {value!r} is not a value (a number, true, "
                             "false, or text in double quotes)") from None
    return params


def _progress_callback(progress: Progress):
    task = progress.add_task("fitting", total=None)

    def callback(event) -> None:
        if event.kind.value == "batch":
            progress.update(task, total=event.n_batches, completed=event.batch,
                            description=f"epoch {event.epoch + 1}  loss {event.loss:.4f}")
        else:
            progress.console.log(f"epoch {event.epoch + 1}: loss {event.loss:.4f}, "
                                 f"valid AUC {_number(event.valid_auc)}")

    return callback


def _number(value) -> str:
    """A metric for people: four decimals, or ``undefined`` (AUC with one class only)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "undefined"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _check_settings(threads: int | None, device: str) -> None:
    """Refuse bad settings before any data is read (one line, naming the option)."""
    from edusim.kt.device import resolve_device

    if threads is not None and threads < 1:
        raise ValueError(f"--threads must be at least 1, got {threads}")
    resolve_device(device)


def _undefined_note(report: dict) -> None:
    auc = report.get("test_auc")
    if auc is None or not math.isfinite(auc):
        err_console.print("note: test AUC is undefined (every test answer is in one class: "
                          "all right or all wrong); metrics.json says null", markup=False)


def _spec(model: str, level: str, params: list[str], restarts: int, forgetting: bool,
          epochs: int, window: int | None, batch_size: int, lr: float, patience: int,
          seed: int, device: str, stride: int | None = None):
    from edusim.kt import BKTFitConfig, FitSpec, TrainConfig

    return FitSpec(
        kind=model,
        level=level,
        bkt=BKTFitConfig(forgetting=forgetting, restarts=restarts, seed=seed, device=device),
        model=_parse_params(params),
        train=TrainConfig.recommended(model, epochs=epochs, window=window, stride=stride,
                                      batch_size=batch_size, lr=lr, patience=patience,
                                      seed=seed, device=device),
    )


# Shared by `fit` and `cv`.
_WINDOW = typer.Option(None, help="Neural: window length (default: the model's, DKT 200, SAKT 30).")
_STRIDE = typer.Option(
    None, help="Neural: overlapping windows, a new one every STRIDE rows (default: the model's, "
               "SAKT 15; none for DKT or when --window is given).")


@kt_app.command("fit")
def fit_command(
    model: str = typer.Option(..., "--model", "-m", help="bkt, dkt or sakt."),
    train: Path = typer.Option(..., help="Training data: a file or a DuckDB store."),
    out: Path = typer.Option(..., help="Output folder: model.pt, metrics.json, checkpoint."),
    test: Path | None = typer.Option(None, help="Test data (default: 20% of the learners)."),
    format: str | None = typer.Option(None, "--format", "-f",
                                      help="Format of the files (dkt, csv, ...; 'store')."),
    level: str = typer.Option("skill", help="Tokens: skill or question."),
    param: list[str] = typer.Option([], "--param", "-p",
                                    help="Neural model setting KEY=VALUE (repeatable)."),
    restarts: int = typer.Option(1, min=1, help="BKT: random restarts."),
    forgetting: bool = typer.Option(False, help="BKT: fit a forget probability."),
    epochs: int = typer.Option(10, min=1, help="Neural: maximum epochs."),
    window: int | None = _WINDOW,
    stride: int | None = _STRIDE,
    batch_size: int = typer.Option(64, min=1, help="Neural: windows per batch."),
    lr: float = typer.Option(1e-3, help="Neural: learning rate."),
    patience: int = typer.Option(3, min=1, help="Neural: early-stopping patience (epochs)."),
    seed: int = typer.Option(0, min=0, help="Seed of every random draw."),
    device: str = typer.Option("auto", help="auto, cpu or cuda."),
    resume: bool = typer.Option(False, help="Neural: continue from OUT/checkpoint.pt."),
    threads: int | None = typer.Option(None, help="Torch CPU threads."),
) -> None:
    """Fit a model; write OUT/model.pt and OUT/metrics.json (test_auc, test_rmse, ...)."""
    import torch

    from edusim.data import split_learners
    from edusim.kt import evaluate_model, fit, save_model
    from edusim.kt.device import resolve_device
    from edusim.kt.io import write_json

    with exit_on(*_ERRORS):
        _check_settings(threads, device)
        if threads:
            torch.set_num_threads(threads)
        spec = _spec(model, level, param, restarts, forgetting, epochs, window, batch_size,
                     lr, patience, seed, device, stride)
        frame = _read(train, format)
        if test is None:
            frame, test_frame = split_learners(frame, (0.8, 0.2), seed=seed)
            test_source = "20% of the training learners"
        else:
            test_frame, test_source = _read(test, format), str(test)
        columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn()]
        with Progress(*columns, console=console, transient=True) as progress:
            start = time.perf_counter()
            fitted = fit(spec, frame, checkpoint_dir=out, resume=resume,
                         callback=_progress_callback(progress))
            seconds = time.perf_counter() - start
        metrics = evaluate_model(fitted, test_frame, device=device)
        make_folder(out)
        save_model(fitted, out / "model.pt")
        report = {
            "model": model, "level": spec.level.value, **metrics.to_dict("test_"),
            "fit_seconds": seconds, "device": str(resolve_device(device)),
            "train_rows": int(len(frame)), "test_source": test_source,
            "history": list(getattr(fitted, "history", ())),
        }
        write_json(report, out / "metrics.json")
    _undefined_note(report)
    _print_metrics(report)


def _print_metrics(report: dict) -> None:
    table = Table("metric", "value")
    for key in ("test_auc", "test_rmse", "test_accuracy", "test_log_loss", "test_n",
                "fit_seconds", "device"):
        table.add_row(key, _number(report[key]))
    console.print(table)


@kt_app.command("eval")
def eval_command(
    model_file: Path = typer.Argument(..., help="A model.pt written by 'edusim kt fit'."),
    data: Path = typer.Option(..., help="Interactions to score: a file or a DuckDB store."),
    format: str | None = typer.Option(None, "--format", "-f", help="Format of the file."),
    device: str = typer.Option("auto", help="auto, cpu or cuda."),
    out: Path | None = typer.Option(None, help="Write the metrics to this JSON file."),
) -> None:
    """Score a fitted model on interaction data (AUC, accuracy, RMSE, log-loss)."""
    from edusim.kt import evaluate_model, load_model
    from edusim.kt.io import write_json

    with exit_on(*_ERRORS):
        _check_settings(None, device)
        metrics = evaluate_model(load_model(model_file), _read(data, format), device=device)
        report = metrics.to_dict("test_")
        if out is not None:
            write_json(report, out)
    _undefined_note(report)
    table = Table("metric", "value")
    for key, value in report.items():
        table.add_row(key, _number(value))
    console.print(table)


@kt_app.command("cv")
def cv_command(
    model: str = typer.Option(..., "--model", "-m", help="bkt, dkt or sakt."),
    data: Path = typer.Option(..., help="Interactions: a file or a DuckDB store."),
    folds: int = typer.Option(5, min=2, help="Number of folds (split by learner)."),
    format: str | None = typer.Option(None, "--format", "-f", help="Format of the file."),
    level: str = typer.Option("skill", help="Tokens: skill or question."),
    param: list[str] = typer.Option([], "--param", "-p", help="Neural setting KEY=VALUE."),
    epochs: int = typer.Option(10, min=1, help="Neural: maximum epochs."),
    window: int | None = _WINDOW,
    stride: int | None = _STRIDE,
    seed: int = typer.Option(0, min=0, help="Seed of the folds and the fits."),
    device: str = typer.Option("auto", help="auto, cpu or cuda."),
    out: Path | None = typer.Option(None, help="Write the per-fold table to this CSV."),
) -> None:
    """k-fold cross-validation split by learner; prints per-fold and mean metrics."""
    from edusim.kt import cross_validate
    from edusim.kt.io import atomic_write_text

    with exit_on(*_ERRORS):
        _check_settings(None, device)
        spec = _spec(model, level, param, 1, False, epochs, window, 64, 1e-3, 3, seed, device,
                     stride)
        table = cross_validate(spec, _read(data, format), folds=folds, seed=seed)
        if out is not None:
            atomic_write_text(table.to_csv(index=False), out)
    view = Table(*table.columns)
    for row in [*table.itertuples(index=False), ("mean", *table.mean().iloc[1:])]:
        view.add_row(*(_number(v) for v in row))
    console.print(view)


def register(app: typer.Typer) -> None:
    """Add ``edusim kt`` to the main app."""
    app.add_typer(kt_app)
