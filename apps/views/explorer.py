"""Data explorer: a class's answer log, summarised, with a fitted learner model."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import ui_common
import ui_data
import ui_mapping

from edusim.data import analysis
from edusim.data.plots import plot_learning_curves, plot_sequence_lengths, plot_skill_difficulty
from edusim.kt.bkt_fit import BKTFitConfig, fit_bkt, params_table
from edusim.kt.sequences import Vocabulary, encode

HEADLINE = {
    "learners": "Learners",
    "items": "Items",
    "skills": "Skills",
    "interactions": "Answers",
    "correct_rate": "Share correct",
}


OWN = "My own table (CSV): I choose which column is which"
FORMATS = (OWN, *ui_data.FORMATS)
#: Fewer answers than this per skill make a BKT fit a rough guess.
FEW_ANSWERS = 50


def _choose_data() -> tuple[str, pd.DataFrame] | None:
    source = st.radio("Data", ["Shipped sample (a simulated class)", "Upload my own"],
                      horizontal=True, key="explorer_source")
    if source.startswith("Shipped"):
        return "sample", ui_common.guarded(ui_data.sample_for_reading, "load the sample",
                                             ui_data.LOAD_ERRORS)
    kind = st.selectbox("File format", FORMATS, key="explorer_format")
    if kind == OWN:
        st.download_button("Download a template CSV", ui_mapping.TEMPLATE_CSV,
                           file_name="edusim_answers_template.csv", mime="text/csv",
                           help="One row per answer: who, which question, right or not "
                           "(yes/no), when, and the skill.")
    files = st.file_uploader(
        "Your file(s)", type=["csv"], accept_multiple_files=kind == ui_data.EDNET,
        key=f"explorer_upload_{FORMATS.index(kind)}",
        help="One row per answer. Right/wrong may be yes/no, true/false or 1/0; times may be "
        f"dates (2024-03-04 09:15) or numbers. Limit {ui_common.MAX_UPLOAD_MB} MB.",
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
    if kind == OWN:
        return _mapped(payload[0])
    frame = ui_common.guarded(lambda: _plainly(kind, payload), "read the upload",
                              ui_data.LOAD_ERRORS)
    return (f"upload:{hash(payload)}", frame) if frame is not None else None


def _plainly(kind: str, payload: tuple[tuple[str, bytes], ...]) -> pd.DataFrame:
    try:
        return ui_data.uploaded(kind, payload)
    except ui_data.LOAD_ERRORS as exc:
        raise ui_mapping.MappingError(ui_mapping.plain_words(str(exc))) from None


@st.cache_data(show_spinner="Reading the file...", max_entries=4)
def _sheet(data: bytes) -> pd.DataFrame:
    return ui_mapping.read_sheet(data)


@st.cache_data(show_spinner="Loading your answers...", max_entries=4)
def _load_mapped(data: bytes, mapping: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    return ui_mapping.load_mapped(_sheet(data), dict(mapping))


def _mapped(upload: tuple[str, bytes]) -> tuple[str, pd.DataFrame] | None:
    """The column-mapping step: pick the columns, see the first rows, load."""
    name, data = upload
    sheet = ui_common.guarded(lambda: _sheet(data), "read the file", (ui_mapping.MappingError,))
    if sheet is None:
        return None
    st.subheader("Which column is which?")
    st.caption(f"{name}: {len(sheet):,} rows. The first rows:")
    st.dataframe(sheet.head(5), hide_index=True)
    guess = ui_mapping.guess_mapping(list(sheet.columns))
    options = [ui_mapping.NONE, *sheet.columns]
    mapping = {}
    for column, (field, (question, _)) in zip(st.columns(len(ui_mapping.FIELDS)),
                                              ui_mapping.FIELDS.items(), strict=True):
        mapping[field] = column.selectbox(question, options, index=options.index(guess[field]),
                                          key=f"explorer_map_{field}")
    frame = ui_common.guarded(lambda: _load_mapped(data, tuple(mapping.items())),
                              "load the answers", (ui_mapping.MappingError,))
    if frame is None:
        return None
    if mapping["time"] == ui_mapping.NONE:
        st.caption("No time column: the rows are taken in the order they appear in the file.")
    if mapping["skill"] == ui_mapping.NONE:
        st.caption("No skill column: each question counts as its own skill.")
    return f"mapped:{hash((data, tuple(mapping.items())))}", frame


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
            _caution(frame, table)
            st.dataframe(table.drop(columns=["forget"]).round(3), hide_index=True)


def _caution(frame: pd.DataFrame, table: pd.DataFrame) -> None:
    """Warn when a skill's fit rests on too few answers to mean much."""
    counts = frame["skill_ids"].explode().value_counts()
    answers = [int(counts.get(skill, 0)) for skill in table["skill"]]
    table.insert(1, "answers", answers)
    few = [f"{skill} ({n} answers)" for skill, n in zip(table["skill"], answers, strict=True)
           if n < FEW_ANSWERS]
    if few:
        named = ", ".join(few[:5]) + (" and others" if len(few) > 5 else "")
        st.warning(f"Careful: the fit for {named} rests on fewer than {FEW_ANSWERS} answers, "
                   "too few for these numbers to mean "
                   "much. Treat them as rough guesses, or add more answers.")


st.title("Data explorer")
st.markdown("Look at who answered what, which skills are hard, and how learners improve.")
chosen = _choose_data()
if chosen is not None and chosen[1] is not None:
    data_key, interactions = chosen
    _overview(interactions)
    _model(data_key, interactions)
