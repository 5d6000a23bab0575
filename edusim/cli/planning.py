"""``edusim plan``: plan a lesson for a class and improve it with the optimizer loop."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from edusim.atomic import make_folder
from edusim.cli.errors import exit_on

__all__ = ["register"]

console = Console()

#: Characters of the best plan that ``edusim plan`` prints (the --out file has all of it).
SHOWN_CHARS = 20000


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    make_folder(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _history_table(result: object) -> Table:
    from edusim.planning import CRITERIA

    table = Table(title="Scores per round (0-100; gain in percentage points)")
    for name in ("round", *CRITERIA, "overall", "gain", "changes"):
        table.add_column(name, overflow="fold")
    for r in result.rounds:  # type: ignore[attr-defined]
        mark = "*" if r.index == result.best_index else ""  # type: ignore[attr-defined]
        table.add_row(
            f"{r.index}{mark}",
            *(f"{getattr(r.scores, c):.1f}" for c in CRITERIA),
            f"{r.scores.overall:.1f}",
            f"{r.utility.gain * 100:+.2f}",
            "\n".join(r.changes),
        )
    return table


def plan(
    skills: str = typer.Option(
        "",
        "--skills",
        help="Target skill ids, comma-separated (default: the class's weakest ready skills).",
    ),
    profile: str = typer.Option(
        "intermediate",
        "--profile",
        help="beginner | intermediate | advanced (simulated "
        "cohort), a profile .json, or an interactions .csv/.parquet (canonical schema).",
    ),
    rounds: int = typer.Option(4, "--rounds", min=0, help="Revision rounds after the draft."),
    out: Path | None = typer.Option(
        None, "--out", help="Write the best plan: .json (plan + history) or Markdown."
    ),
    duration: float = typer.Option(45.0, "--duration", min=5, help="Lesson minutes."),
    curriculum: str = typer.Option("fractions", "--curriculum", help="Built-in name or JSON."),
    learners: int = typer.Option(30, "--learners", min=1, help="Simulated cohort size."),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the simulated cohort and class."),
) -> None:
    """Plan a lesson, revise it ROUNDS times, print the best plan and the scores per round.

    The language backend comes from the environment (EDUSIM_LLM_MODEL, OPENAI_BASE_URL,
    OPENAI_API_KEY); without a model the offline rule-based agents answer.
    """
    from edusim.curriculum import Curriculum, CurriculumError, load_builtin
    from edusim.llm import LLMError, clip, make_backend
    from edusim.planning import (
        OptimizerConfig,
        PlannerConfig,
        PlanningError,
        load_profile,
        optimize_plan,
        render_history,
        render_markdown,
    )

    with exit_on(PlanningError, LLMError, CurriculumError):
        course = (
            Curriculum.load(curriculum)
            if curriculum.endswith(".json")
            else load_builtin(curriculum)
        )
        group = load_profile(profile, course, learners, seed)
        backend = make_backend()
        config = OptimizerConfig(
            rounds=rounds, seed=seed, planner=PlannerConfig(duration_minutes=duration)
        )
        targets = [s.strip() for s in skills.split(",") if s.strip()] or None
        with console.status(f"planning with {backend.describe()} ..."):
            result = optimize_plan(
                course,
                group,
                targets,
                backend,
                config,
                on_round=lambda r: console.log(
                    f"round {r.index}: overall {r.scores.overall:.1f}, "
                    f"gain {r.utility.gain * 100:+.2f} pp"
                ),
            )
    best = result.best
    text = render_markdown(best.plan, best.scores, best.utility)
    history = render_history(result.rounds, result.best_index)
    console.print(Markdown(clip(text, SHOWN_CHARS)))
    console.print(_history_table(result))
    draft = result.draft
    console.print(
        f"best round {best.index} (answered by {best.backend}): overall "
        f"{draft.scores.overall:.1f} -> {best.scores.overall:.1f}, simulated-class gain "
        f"{draft.utility.gain * 100:+.2f} -> {best.utility.gain * 100:+.2f} pp"
    )
    if out is not None:
        if out.suffix.lower() == ".json":
            _write(out, json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        else:
            _write(out, text + "\n## Rounds\n\n" + history + "\n")
        console.print(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add ``edusim plan`` to ``app``."""
    app.command("plan")(plan)
