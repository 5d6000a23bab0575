"""Running teachers in environments and reporting the results.

Example:
    >>> from edusim.experiments import evaluate, summarize
    >>> df = evaluate("edusim/Tutor-v0", ["random"], seeds=[0], workers=1)
    >>> list(summarize(df)["teacher"])
    ['random']
"""

from __future__ import annotations

from edusim.experiments.evaluate import evaluate
from edusim.experiments.grid import run_spec
from edusim.experiments.report import markdown_table, write_report
from edusim.experiments.rollout import EpisodeResult, rollout, run_episode
from edusim.experiments.spec import EnvSpec, ExperimentSpec, TeacherSpec
from edusim.experiments.summary import mean_ci, summarize

__all__ = [
    "EnvSpec",
    "EpisodeResult",
    "ExperimentSpec",
    "TeacherSpec",
    "evaluate",
    "markdown_table",
    "mean_ci",
    "rollout",
    "run_spec",
    "run_episode",
    "summarize",
    "write_report",
]
