"""Loading interaction logs for the Data explorer and the Lesson planner (cached per file).

Parsing is :func:`edusim.data.load`; this module only chooses the format options that match
what the visitor said they uploaded, and writes uploads to a temporary folder for the loader.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from edusim.curriculum import load_builtin
from edusim.data import DataError, load

SAMPLE = Path(__file__).parent / "samples" / "fractions_class.csv"
CANONICAL = "Canonical CSV (user_id, item_id, skill_ids, correct, timestamp)"
ASSISTMENTS = "ASSISTments 2009 skill-builder CSV"
EDNET = "EdNet KT1 learner files (u*.csv) + questions.csv"
FORMATS = (CANONICAL, ASSISTMENTS, EDNET)
#: Errors a bad upload can raise while loading; each is shown in the page.
LOAD_ERRORS = (DataError, ValueError, UnicodeDecodeError, OSError)

_CANONICAL_COLUMNS = {c: c for c in ("user_id", "item_id", "skill_ids", "correct", "timestamp")}


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", Path(name).name) or "upload.csv"


def _options(kind: str) -> dict:
    if kind == CANONICAL:
        return {"columns": _CANONICAL_COLUMNS, "skill_separator": ";"}
    if kind == ASSISTMENTS:
        return {"preset": "assistments2009"}
    raise ValueError(f"unknown format {kind!r}")


@st.cache_data(show_spinner="Loading the sample...")
def sample() -> pd.DataFrame:
    """The shipped sample: a simulated class on the fractions curriculum (skill ids, as the
    planner's class profile reads them)."""
    return load(SAMPLE, "csv", **_options(CANONICAL))


@st.cache_data(show_spinner="Loading the sample...")
def sample_for_reading() -> pd.DataFrame:
    """:func:`sample` with its skills called by the curriculum's names ("Compare fractions
    with different denominators"), not their ids (``compare_unlike``), for pages that show
    them to a teacher."""
    frame = sample().copy()
    graph = load_builtin("fractions").graph
    names = {skill: graph.name(skill) for skill in graph.skills}
    frame["skill_ids"] = frame["skill_ids"].map(lambda ids: [names.get(i, i) for i in ids])
    return frame


@st.cache_data(show_spinner="Reading the file...", max_entries=4)
def uploaded(kind: str, files: tuple[tuple[str, bytes], ...]) -> pd.DataFrame:
    """Interactions from uploaded files (raises the loader's DataError on bad content)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, data in files:
            path = Path(folder) / _safe_name(name)
            path.write_bytes(data)
            paths.append(path)
        if kind != EDNET:
            return load(paths, "csv", **_options(kind))
        questions = [p for p in paths if p.name == "questions.csv"]
        logs = [p for p in paths if p.name != "questions.csv"]
        if not questions or not logs:
            raise ValueError("EdNet needs the learner files (u*.csv) and questions.csv together")
        return load(logs, "ednet-kt1", contents=questions[0])
