"""Every page opens through the real entry script (st.navigation) without an exception."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from .app_helpers import APP, TIMEOUT

PAGES = {
    "pages/home.py": "edusim for educators",
    "pages/tutor.py": "Tutor",
    "pages/planner.py": "Lesson planner",
    "pages/lab.py": "Curriculum lab",
    "pages/explorer.py": "Data explorer",
}


def test_start_page_and_sidebar():
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == PAGES["pages/home.py"]
    assert at.radio(key="llm_choice").value.startswith("Offline")


@pytest.mark.parametrize("page", list(PAGES))
def test_page_runs(page):
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT).run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == PAGES[page]
