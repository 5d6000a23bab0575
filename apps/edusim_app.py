"""edusim for educators: the Streamlit entry script (``edusim app`` runs it).

Run it with ``edusim app`` (or ``streamlit run apps/edusim_app.py``). Each page lives in
``views/``: a folder named ``pages/`` would also be found by Streamlit's older page discovery,
and opening ``/lab`` directly then showed bare file names in the sidebar and no settings. The
sidebar holds the language-backend settings shared by every page.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import ui_settings

import edusim  # noqa: F401  (registers the environment ids)

HERE = Path(__file__).parent

st.set_page_config(page_title="edusim for educators", page_icon=":material/school:", layout="wide")

PAGES = [
    st.Page(HERE / "views/home.py", title="Start here", icon=":material/home:", default=True),
    st.Page(HERE / "views/tutor.py", title="Tutor", icon=":material/forum:"),
    st.Page(HERE / "views/planner.py", title="Lesson planner", icon=":material/event_note:"),
    st.Page(HERE / "views/lab.py", title="Curriculum lab", icon=":material/science:"),
    st.Page(HERE / "views/explorer.py", title="Data explorer", icon=":material/table_chart:"),
]

page = st.navigation(PAGES)
ui_settings.sidebar()
page.run()
ui_settings.last_answer()
