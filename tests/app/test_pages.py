"""Every page opens through the real entry script (st.navigation) without an exception."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from .app_helpers import APP, TIMEOUT

PAGES = {
    "views/home.py": "edusim for educators",
    "views/tutor.py": "Tutor",
    "views/planner.py": "Lesson planner",
    "views/lab.py": "Curriculum lab",
    "views/explorer.py": "Data explorer",
}


def test_start_page_and_sidebar():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == PAGES["views/home.py"]
    assert at.radio(key="llm_choice").value.startswith("Offline")


@pytest.mark.parametrize("page", list(PAGES))
def test_page_runs(page):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == PAGES[page]
