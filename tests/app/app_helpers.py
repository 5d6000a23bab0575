"""Helpers shared by the app tests (a uniquely named module: every test folder has a conftest).

``open_page`` (in ``conftest.py``) runs one page the way the app does (sidebar settings first,
then the page) in a small harness script. AppTest drops the entry script's sidebar after
``switch_page`` (its widgets then neither show nor keep state), so the settings panel could not
be driven through the entry script; ``test_pages.py`` still opens every page through the real
entry script.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APPS = Path(__file__).resolve().parents[2] / "apps"
APP = APPS / "edusim_app.py"
#: Generous: the CI machine has two cores shared with other test workers.
TIMEOUT = 120


def harness(apps: str, page: str) -> None:
    """The script AppTest runs: the sidebar settings, then the page's code."""
    import sys

    sys.path.insert(0, apps)
    import ui_settings

    ui_settings.sidebar()
    source = open(page, encoding="utf-8").read()
    exec(compile(source, page, "exec"), {"__name__": "__main__", "__file__": page})
    ui_settings.last_answer()


def run_page(page: str) -> AppTest:
    """Run the sidebar and ``apps/views/<page>.py`` once."""
    at = AppTest.from_function(
        harness, args=(str(APPS), str(APPS / "views" / f"{page}.py")), default_timeout=TIMEOUT
    )
    return at.run()


def errors_of(at: AppTest) -> list[str]:
    """The texts of the ``st.error`` boxes on the page."""
    return [e.value for e in at.error]
