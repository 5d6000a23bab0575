"""Tutoring commands: ``edusim tutor-eval`` and ``edusim tutor``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from edusim.atomic import write_text_atomic
from edusim.cli.errors import exit_on
from edusim.cli.progress import progress_bar

__all__ = ["register"]

console = Console()

#: Written out so that ``--help`` imports nothing; a test checks it names every registered tutor.
TUTOR_HELP = (
    "A tutor: offline (built-in rules), random, llm, replay (human moves), human-text (the "
    "MathDial teacher's own words), generic (encouragement only), focus-only, tell-only."
)


def _check_tutor(name: str) -> None:
    from edusim.tutoring.registry import TUTORS

    if name not in TUTORS:
        typer.echo(f"error: unknown tutor {name!r}; choose from {TUTORS.names()}", err=True)
        raise typer.Exit(1)


def _cases(problems: Path | None, limit: int | None):
    from edusim.tutoring import ProblemError, builtin_problems_path, load_cases

    with exit_on(ProblemError, ValueError, OSError):
        return load_cases(problems or builtin_problems_path(), limit)


def _backend(tutor: str):
    if tutor != "llm":
        return None
    from edusim.llm import BackendKind, LLMError, make_backend, settings_from_env

    with exit_on(LLMError):
        settings = settings_from_env()
        if settings.kind is BackendKind.OFFLINE:
            typer.echo(
                "error: the llm tutor needs an OpenAI-compatible server: set EDUSIM_LLM_MODEL "
                "(and OPENAI_BASE_URL / OPENAI_API_KEY)",
                err=True,
            )
            raise typer.Exit(1)
        return make_backend(settings)


def _shown(text: str) -> str:
    """Model text as the terminal shows it: capped, and never read as console markup.

    The backend has already masked any piece of the API key in it.
    """
    from rich.markup import escape

    from edusim.llm import clip

    return escape(clip(text, SHOWN_CHARS))


#: Characters of one model turn that ``edusim tutor`` prints.
SHOWN_CHARS = 2000


def _preset(name: str):
    from edusim.tutoring import STUDENT_PRESETS

    if name not in STUDENT_PRESETS:
        typer.echo(
            f"error: unknown student {name!r}; choose from {list(STUDENT_PRESETS)}", err=True
        )
        raise typer.Exit(1)
    return STUDENT_PRESETS[name]


def _cell(value: float, ci: list[float] | None) -> str:
    return f"{value:.3f}" if ci is None else f"{value:.3f} [{ci[0]:.2f},{ci[1]:.2f}]"


def _print_curves(metrics: dict, reference: dict | None) -> None:
    n = metrics["n_dialogues"]
    table = Table(
        title=f"{metrics['backend']}: {n} dialogues, mean [95% bootstrap CI]",
        box=box.SIMPLE_HEAD,
    )
    for column in ("k", "Success@k", "Telling@k"):
        table.add_column(column, justify="right")
    if reference:
        table.add_column("human S@k", justify="right")
        table.add_column("human T@k", justify="right")
    for i, k in enumerate(metrics["k"]):
        row = [
            str(k),
            _cell(metrics["success_at_k"][i], metrics["success_at_k_ci"][i]),
            _cell(metrics["telling_at_k"][i], metrics["telling_at_k_ci"][i]),
        ]
        if reference:
            row += [f"{reference['success_at_k'][i]:.3f}", f"{reference['telling_at_k'][i]:.3f}"]
        table.add_row(*row)
    console.print(table)
    if reference:
        console.print("human S@k, T@k: the same metrics on the file's human reference dialogues")
    moves = ", ".join(f"{m} {share:.0%}" for m, share in metrics["moves"].items())
    console.print(f"moves: {moves}; answer-leak rate {metrics['answer_leak_rate']:.3f}")
    if metrics.get("mean_mastery_gain") is not None:
        console.print(f"mean mastery gain per step: {metrics['mean_mastery_gain']:.3f}")


def tutor_eval(
    problems: Path = typer.Option(
        None, "--problems", help="MathDial .jsonl or edusim .json problems (default: sample)."
    ),
    tutor: str = typer.Option("offline", "--tutor", help=TUTOR_HELP),
    seeds: int = typer.Option(3, "--seeds", min=1, help="Seeds 0..N-1 (students and tutor)."),
    out: Path = typer.Option(Path("runs/tutor-eval"), "--out", help="Folder for metrics.json."),
    limit: int = typer.Option(None, "--limit", min=1, help="Use only the first N problems."),
    max_turns: int = typer.Option(10, "--max-turns", min=1, help="Student turns per dialogue."),
    student: str = typer.Option("typical", "--student", help="Simulated-student preset."),
) -> None:
    """Play a tutor against simulated students and print Success@k / Telling@k (k = 1..7).

    Writes OUT/metrics.json with success_at_k, telling_at_k (k = 1..7, with 95% intervals),
    moves, answer_leak_rate and, for MathDial files, the same metrics of the human dialogues.
    """
    from edusim.llm import LLMError
    from edusim.tutoring import evaluate_tutor, reference_metrics

    _check_tutor(tutor)
    params = _preset(student)
    cases = _cases(problems, limit)
    backend = _backend(tutor)
    with progress_bar(console) as progress:
        task = progress.add_task(f"{tutor} tutor: {len(cases)} problems x {seeds} seeds", total=1)
        with exit_on(LLMError, ValueError):
            result = evaluate_tutor(
                cases,
                tutor,
                list(range(seeds)),
                backend=backend,
                params=params,
                max_student_turns=max_turns,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    metrics = result.metrics()
    metrics["student"] = student
    reference = reference_metrics(cases)
    metrics["reference"] = reference
    _print_curves(metrics, reference)
    path = write_text_atomic(out / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    console.print(f"metrics written to [bold]{path}[/bold]")


def tutor(
    problems: Path = typer.Option(
        None, "--problems", help="MathDial .jsonl or edusim .json problems (default: sample)."
    ),
    index: int = typer.Option(0, "--index", min=0, help="Which problem of the file."),
    tutor_name: str = typer.Option("offline", "--tutor", help=TUTOR_HELP),
    human: bool = typer.Option(False, "--human", help="You answer as the student."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the tutor and simulated student."),
    max_turns: int = typer.Option(10, "--max-turns", min=1, help="Student turns at most."),
    student_preset: str = typer.Option("typical", "--student", help="Simulated-student preset."),
) -> None:
    """Play one tutoring dialogue in the terminal (simulated student, or you with --human)."""
    from edusim.llm import LLMError
    from edusim.tutoring import SimulatedStudent, TutoringSession, make_tutor

    cases = _cases(problems, None)
    if index >= len(cases):
        typer.echo(f"error: --index {index} but the file has {len(cases)} problems", err=True)
        raise typer.Exit(1)
    _check_tutor(tutor_name)
    case = cases[index]
    with exit_on(ValueError):
        policy = make_tutor(tutor_name, seed=seed, backend=_backend(tutor_name))
    params = _preset(student_preset)
    student = None if human else SimulatedStudent(case, params, seed=seed)
    session = TutoringSession(case, policy, student, max_student_turns=max_turns)
    console.print(f"[bold]Problem[/bold]: {case.problem.question}")
    console.print("[bold]Student's solution[/bold]:\n" + "\n".join(case.incorrect_solution))
    with exit_on(LLMError):
        while not session.done:
            answer = session.tutor_turn()
            console.print(f"[cyan]Tutor ({answer.value.move.value})[/cyan]: "
                          + _shown(answer.value.text))
            text = typer.prompt("You") if human else None
            console.print(f"[green]Student[/green]: {_shown(session.student_turn(text).text)}")
    status = session.status()
    mastery = ", ".join(f"{m:.2f}" for m in status.mastery)
    console.print(
        f"solved at student turn {status.solved_at}, answer told at tutor turn "
        f"{status.told_at}; mastery per step: {mastery} (answered by {policy.describe()})"
    )


def tutor_fit(
    problems: Path = typer.Option(..., "--problems", help="MathDial .jsonl with dialogues."),
    out: Path = typer.Option(None, "--out", help="Also write the fit to OUT/student_fit.json."),
) -> None:
    """Fit the simulated student's response chances on MathDial's human dialogues."""
    from dataclasses import asdict

    from edusim.tutoring import fit_student_params

    fit = fit_student_params(_cases(problems, None))
    if not fit.turns:
        typer.echo(f"error: {problems} has no reference dialogues to fit on", err=True)
        raise typer.Exit(1)
    table = Table(title=f"{fit.turns} teacher turns read", box=box.SIMPLE_HEAD)
    for column in ("category", "turns", "progress"):
        table.add_column(column, justify="right")
    for row in fit.table():
        table.add_row(row["category"], str(row["turns"]), f"{row['progress']:.3f}")
    console.print(table)
    console.print(", ".join(f"{k}={v}" for k, v in asdict(fit.params).items()))
    if out is not None:
        data = {"params": asdict(fit.params), "turns": fit.turns, "categories": fit.table()}
        path = write_text_atomic(out / "student_fit.json", json.dumps(data, indent=2) + "\n")
        console.print(f"fit written to [bold]{path}[/bold]")


def register(app: typer.Typer) -> None:
    """Add ``tutor-eval``, ``tutor`` and ``tutor-fit`` to the ``edusim`` app."""
    app.command("tutor-eval")(tutor_eval)
    app.command("tutor")(tutor)
    app.command("tutor-fit")(tutor_fit)
