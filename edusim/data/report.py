"""One report with every analysis: Markdown or HTML, PNG plots and CSV tables beside it.

Example:
    >>> import tempfile, pandas as pd
    >>> df = pd.DataFrame({"user_id": ["a", "a"], "item_id": ["q1", "q2"],
    ...     "skill_ids": [["s1"], ["s2"]], "correct": [False, True], "timestamp": [1, 2]})
    >>> path = write_report(df, tempfile.mkdtemp(), title="tiny")
    >>> path.name, (path.parent / "learning_curves.png").exists()
    ('report.md', True)
"""

from __future__ import annotations

import enum
import html
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from edusim.atomic import make_folder, write_text_atomic
from edusim.data import analysis, plots

__all__ = ["ReportFormat", "Section", "write_report", "build_sections"]


class ReportFormat(str, enum.Enum):
    """Report file format."""

    MARKDOWN = "md"
    HTML = "html"


@dataclass(frozen=True)
class Section:
    """One part of the report: a title, a sentence, a table (CSV) and a picture (PNG)."""

    title: str
    text: str
    table: pd.DataFrame
    name: str
    picture: str



def build_sections(source: analysis.Source, out: Path) -> list[Section]:
    """Run every analysis on ``source``, saving ``<name>.png`` and ``<name>.csv`` in ``out``."""
    info = analysis.summary(source)
    learners = int(info.set_index("metric").loc["learners", "value"])
    lengths = analysis.sequence_lengths(source)
    difficulty = analysis.skill_difficulty(source)
    curves = analysis.learning_curves(source)
    timing = analysis.time_on_task(source)
    min_learners = max(2, min(10, learners // 3))
    pairs, graph = analysis.prerequisite_graph(source, min_learners=min_learners)
    write_text_atomic(out / "prerequisites.json", json.dumps(graph.to_dict(), indent=1))
    figures = {
        "sequence_lengths": plots.plot_sequence_lengths(lengths),
        "skill_difficulty": plots.plot_skill_difficulty(difficulty),
        "learning_curves": plots.plot_learning_curves(curves),
        "time_on_task": plots.plot_time_on_task(timing),
        "prerequisites": plots.plot_prerequisite_graph(graph),
    }
    for name, fig in figures.items():
        plots.save_png(fig, out / f"{name}.png")
    kept = pairs[pairs.kept] if "kept" in pairs else pairs
    sections = [
        Section("Summary", "Headline counts and sequence-length statistics.", info,
                "summary", "sequence_lengths"),
        Section("Skill difficulty", "Attempts and correct rate per skill, most practised "
                "first.", difficulty, "skill_difficulty", "skill_difficulty"),
        Section("Learning curves", "Error rate by opportunity (n-th attempt at a skill); "
                "a falling curve means learners improve with practice.",
                curves, "learning_curves", "learning_curves"),
        Section("Time on task", "Time spent per item (log-scale bins).", timing, "time_on_task",
                "time_on_task"),
        Section("Estimated prerequisites", f"Skill pairs mastered in a consistent order by at "
                f"least {min_learners} learners (graph in prerequisites.json).", kept,
                "prerequisites", "prerequisites"),
    ]
    for section in sections:
        section.table.to_csv(out / f"{section.name}.csv", index=False)
    return sections


def write_report(
    source: analysis.Source,
    out_dir: str | os.PathLike,
    fmt: ReportFormat | str = ReportFormat.MARKDOWN,
    title: str = "Dataset report",
    max_rows: int = 25,
) -> Path:
    """Write ``report.md`` (or ``report.html``) with every analysis into ``out_dir``.

    Returns:
        The path of the report file.
    """
    fmt = ReportFormat(fmt)
    out = Path(out_dir)
    make_folder(out)
    sections = build_sections(source, out)
    if fmt is ReportFormat.MARKDOWN:
        text = _markdown(title, sections, max_rows)
    else:
        text = _html(title, sections, max_rows)
    path = out / f"report.{fmt.value}"
    write_text_atomic(path, text)
    return path


def _markdown(title: str, sections: list[Section], max_rows: int) -> str:
    parts = [f"# {title}\n"]
    for s in sections:
        parts.append(f"## {s.title}\n\n{s.text}\n\n![{s.title}]({s.picture}.png)\n")
        parts.append(_md_table(s.table.head(max_rows)))
        if len(s.table) > max_rows:
            parts.append(f"\n({len(s.table)} rows in total: {s.name}.csv)\n")
    return "\n".join(parts)


def _md_table(table: pd.DataFrame) -> str:
    if table.empty:
        return "_(no rows)_\n"
    header = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = "|" + "---|" * len(table.columns)
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in table.itertuples(False)]
    return "\n".join([header, rule, *rows]) + "\n"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).replace("|", "\\|")


def _html(title: str, sections: list[Section], max_rows: int) -> str:
    body = [f"<h1>{html.escape(title)}</h1>"]
    for s in sections:
        body.append(f"<h2>{html.escape(s.title)}</h2><p>{html.escape(s.text)}</p>")
        body.append(f'<img src="{s.picture}.png" alt="{html.escape(s.title)}">')
        body.append(s.table.head(max_rows).to_html(index=False, float_format="{:.4g}".format))
    style = ("body{font-family:sans-serif;max-width:60em;margin:auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{style}</style></head><body>{''.join(body)}</body></html>\n")
