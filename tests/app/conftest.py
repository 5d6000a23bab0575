"""Shared fixtures of the app tests: the entry script and an AppTest factory."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "apps" / "edusim_app.py"
#: Generous: the CI machine has two cores shared with other test workers.
TIMEOUT = 120


@pytest.fixture
def open_page():
    """``open_page("pages/lab.py")`` runs the app, switches to the page and runs it."""

    def _open(page: str) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
        at.run()
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return _open
