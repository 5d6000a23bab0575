"""Grid-wide reports a spec can ask for (``[report]``), and their registry.

Besides the per-environment reports every grid writes, a spec may ask for one report over the
whole grid by kind, with that kind's settings beside it::

    [report]
    kind = "robust-matrix"      # a name of REPORTS
    metric = "learning_gain"    # a setting of the kind (its settings dataclass names them)

A report kind is a class with ``settings_class`` (a dataclass: the one place of its settings'
defaults and checks) and ``write(results, out, settings, title) -> str`` (it writes its files
into the run folder and returns the text ``edusim run`` prints).

Example:
    >>> spec = report_spec({"kind": "robust-matrix"}, "grid.toml")
    >>> spec.kind, spec.settings.metric
    ('robust-matrix', 'learning_gain')
    >>> report_spec({"kind": "robust-matrx"}, "grid.toml")
    Traceback (most recent call last):
    ...
    edusim.experiments.spec.SpecError: grid.toml: report.kind: unknown report kind \
'robust-matrx'; choose from: robust-matrix
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from edusim.config import config_from_kwargs
from edusim.registry import Entry, Registry, UnknownNameError

__all__ = ["REPORTS", "ReportSpec", "report_spec"]

#: name -> report kind (a class with ``settings_class`` and ``write``).
REPORTS: Registry[Any] = Registry("report kind", {
    "robust-matrix": Entry(
        "edusim.experiments.robust_matrix:RobustMatrixReport", "Robust evaluation matrix",
        "Every teacher under every simulator: the outcome with 95% intervals, each teacher's "
        "rank per simulator and how much it varies (Doroudi, Aleven & Brunskill 2017)."),
})


@dataclass(frozen=True)
class ReportSpec:
    """A grid-wide report: its kind's name and its settings (the kind's dataclass)."""

    kind: str
    settings: Any

    def write(self, results: pd.DataFrame, out: str | os.PathLike, title: str) -> str:
        """Write the report's files into ``out``; the text to print."""
        return REPORTS.load(self.kind).write(results, out, self.settings, title)


def report_spec(value: Any, source: str = "spec") -> ReportSpec:
    """Parse a spec's ``[report]`` table.

    Raises:
        SpecError: For a missing or unknown ``kind``, or a setting the kind does not take
            or rejects; the message names ``source`` and the key.
    """
    from edusim.experiments.spec import SpecError
    from edusim.experiments.spec_file import error_text, shown

    if not isinstance(value, Mapping) or not isinstance(value.get("kind"), str):
        raise SpecError(f"{source}: 'report' must be a table with a 'kind' "
                        f"(one of: {', '.join(REPORTS.names())}), got {shown(value)}")
    kind = value["kind"]
    try:
        report = REPORTS.load(kind)
    except UnknownNameError as exc:
        raise SpecError(f"{source}: report.kind: {error_text(exc)}") from None
    options = {k: v for k, v in value.items() if k != "kind"}
    try:
        settings = config_from_kwargs(report.settings_class, options, f"report {kind!r}")
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{source}: report: {error_text(exc)}") from None
    return ReportSpec(kind, settings)
