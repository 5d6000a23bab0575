"""Data explorer: a class's answer log, summarised, with a fitted learner model."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import ui_common
import ui_data

from edusim.data import analysis
from edusim.data.plots import plot_learning_curves, plot_sequence_lengths, plot_skill_difficulty
from edusim.kt.bkt import BKTFitConfig, fit_bkt, params_table
from edusim.kt.sequences import Vocabulary, encode

HEADLINE = {
    "learners": "Learners",
    "items": "Items",
    "skills": "Skills",
    "interactions": "Answers",
    "correct_rate": "Share correct",
}


def _choose_data() -> tuple[str, pd.DataFrame] | None:
    source = st.radio("Data", ["Shipped sample (a simulated class)", "Upload my own"],
                      horizontal=True, key="explorer_source")
    if source.startswith("Shipped"):
        return "sample", ui_common.guarded(ui_data.sample, "load the sample", ui_data.LOAD_ERRORS)
    kind = st.selectbox("File format", ui_data.FORMATS, key="explorer_format")
    files = st.file_uploader(
        "Your file(s)", type=["csv"], accept_multiple_files=kind == ui_data.EDNET,
        key=f"explorer_upload_{ui_data.FORMATS.index(kind)}",
        help="Canonical CSV: one row per answer; skill_ids separated by ';'; correct is 0/1; "
        f"timestamp in milliseconds. Limit {ui_common.MAX_UPLOAD_MB} MB.",
    )
    files = [files] if files is not None and not isinstance(files, list) else files or []
    if not files:
        st.info("Upload a file to explore it, or choose the shipped sample.")
        return None
    too_big = [f.name for f in files if f.size > ui_common.MAX_UPLOAD_MB * 1024 * 1024]
    if too_big:
        st.error(f"Over the {ui_common.MAX_UPLOAD_MB} MB limit: {', '.join(too_big)}.")
        return None
    payload = tuple((f.name, f.getvalue()) for f in files)
    frame = ui_common.guarded(lambda: ui_data.uploaded(kind, payload), "read the upload",
                              ui_data.LOAD_ERRORS)
    return (f"upload:{hash(payload)}", frame) if frame is not None else None


@st.cache_data(show_spinner="Fitting BKT...", max_entries=4)
def _fit(key: str, _frame: pd.DataFrame) -> pd.DataFrame:
    vocab = Vocabulary.from_frame(_frame)
    model = fit_bkt(encode(_frame, vocab), vocab, BKTFitConfig(restarts=3))
    table = pd.DataFrame(params_table(model))
    return table[table["token"] != "<unk>"].rename(columns={"token": "skill"})


def _overview(frame: pd.DataFrame) -> None:
    numbers = analysis.summary(frame).set_index("metric")["value"]
    for column, (metric, title) in zip(st.columns(len(HEADLINE)), HEADLINE.items(), strict=True):
        value = numbers[metric]
        column.metric(title, f"{value:.0%}" if metric == "correct_rate" else f"{value:,.0f}")
    difficulty = analysis.skill_difficulty(frame)
    left, right = st.columns(2)
    with left:
        st.subheader("Correctness by skill")
        ui_common.figure(plot_skill_difficulty(difficulty))
    with right:
        st.subheader("Learning curves")
        st.caption("Error rate on a learner's 1st, 2nd, ... attempt at a skill: falling curves "
                   "mean learners improve with practice.")
        ui_common.figure(plot_learning_curves(analysis.learning_curves(frame)))
    with st.expander("Answers per learner, and the table by skill"):
        ui_common.figure(plot_sequence_lengths(analysis.sequence_lengths(frame)))
        st.dataframe(difficulty, hide_index=True)


def _model(key: str, frame: pd.DataFrame) -> None:
    st.subheader("Fit a learner model")
    st.markdown("Bayesian knowledge tracing: per skill, the chance a learner knows it at the "
                "start (**prior**), learns it at each practice (**learn**), answers right "
                "without knowing (**guess**) and wrong despite knowing (**slip**).")
    if st.button("Fit BKT to this data", type="primary", key="explorer_fit"):
        st.session_state["explorer_fitted"] = key
    if st.session_state.get("explorer_fitted") == key:
        table = ui_common.guarded(lambda: _fit(key, frame), "fit the model", (ValueError,))
        if table is not None:
            st.caption(f"Fitted BKT parameters for {len(table)} skills.")
            st.dataframe(table.drop(columns=["forget"]).round(3), hide_index=True)


st.title("Data explorer")
st.markdown("Look at who answered what, which skills are hard, and how learners improve.")
chosen = _choose_data()
if chosen is not None and chosen[1] is not None:
    data_key, interactions = chosen
    _overview(interactions)
    _model(data_key, interactions)
