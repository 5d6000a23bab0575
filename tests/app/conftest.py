"""Fixtures of the app tests (helpers live in ``app_helpers.py``)."""

from __future__ import annotations

import pytest

from .app_helpers import run_page


@pytest.fixture
def open_page():
    """``open_page("lab")`` runs the sidebar and ``apps/views/lab.py`` and checks no exception."""

    def _open(page: str):
        at = run_page(page)
        assert not at.exception, [e.message for e in at.exception]
        return at

    return _open


@pytest.fixture(autouse=True)
def _restore_main_module():
    """Streamlit's script runner installs a fake ``__main__``; put the real one back, or later
    tests in this worker that start ``spawn`` processes would re-run a page script."""
    import sys

    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main
