"""Shared fixtures of the app tests.

``open_page`` runs one page the way the app does (sidebar settings first, then the page) in a
small harness script. AppTest drops the entry script's sidebar after ``switch_page`` (its
widgets then neither show nor keep state), so the settings panel could not be driven through
the entry script; ``test_pages.py`` still opens every page through the real entry script.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APPS = Path(__file__).resolve().parents[2] / "apps"
APP = APPS / "edusim_app.py"
#: Generous: the CI machine has two cores shared with other test workers.
TIMEOUT = 120


def _harness(apps: str, page: str) -> None:
    import sys

    sys.path.insert(0, apps)
    import ui_settings

    ui_settings.sidebar()
    source = open(page, encoding="utf-8").read()
    exec(compile(source, page, "exec"), {"__name__": "__main__", "__file__": page})


def errors_of(at: AppTest) -> list[str]:
    """The texts of the ``st.error`` boxes on the page."""
    return [e.value for e in at.error]


@pytest.fixture
def open_page():
    """``open_page("lab")`` runs the sidebar and ``apps/pages/lab.py`` and checks no exception."""

    def _open(page: str) -> AppTest:
        at = AppTest.from_function(
            _harness, args=(str(APPS), str(APPS / "pages" / f"{page}.py")), default_timeout=TIMEOUT
        )
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return _open
