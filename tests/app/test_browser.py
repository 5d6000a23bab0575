"""The app in a real browser: ``edusim app`` on 127.0.0.1, driven by headless Debian Chromium.

One tutoring exchange, one planner run (which must keep to the lesson's length), a lab run,
a lab run stopped with the app's button and one stopped with Streamlit's own Stop, and the
explorer's sample; a screenshot of every page goes to ``$EDUSIM_SCREENSHOTS`` (default: a
folder in the system's temporary folder, so a test run changes no tracked file; ``make
screenshots`` refreshes the README's ``docs/screenshots/``). Skipped only when
``/usr/bin/chromium`` is absent (CI installs it with ``.ci/browser-deps``); no browser is ever
downloaded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Where the screenshots go: EDUSIM_SCREENSHOTS (``make screenshots`` sets the README's folder).
SHOTS = Path(os.environ.get("EDUSIM_SCREENSHOTS")
             or Path(tempfile.gettempdir()) / "edusim-screenshots")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 1000}
#: Milliseconds for one page action; the CI machine has two busy cores.
WAIT_MS = 120_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"edusim app exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"edusim app did not answer at {url} within {timeout_s} s")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory) -> Iterator[str]:
    """``edusim app --port N`` as a subprocess; stopped (with Streamlit) at the end."""
    port = _free_port()
    command = [sys.executable, "-c", "from edusim.cli import main; main()",
               "app", "--port", str(port)]
    log_path = tmp_path_factory.mktemp("app") / "streamlit.log"
    with open(log_path, "wb") as log:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "Traceback" not in log_path.read_text(errors="replace"), log_path.read_text()


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory, app_url):
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=FLAGS, headless=True,
            viewport=VIEWPORT,
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(WAIT_MS)
        try:
            yield page
        finally:
            context.close()


def _open(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for()


def _idle(page) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=WAIT_MS
    )
    page.wait_for_timeout(500)


def _shot(page, name: str) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its main block, so the window is
    made as tall as that block first."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height, 900), 3000)})
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0)")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(path))
    page.set_viewport_size(VIEWPORT)
    assert path.stat().st_size > 10_000


def _shows_after_the_run(page, text: str, shot: str) -> None:
    """``text`` appears, is still shown once the script run is over, and the page is shot."""
    page.get_by_text(text).wait_for()
    _idle(page)
    assert page.get_by_text(text).is_visible()
    _shot(page, shot)


def test_home(browser_page, app_url):
    _open(browser_page, app_url, "edusim for educators")
    _shows_after_the_run(browser_page, "Offline (built-in, no network)", "home")


def test_a_page_opened_by_its_address_keeps_the_names_and_the_settings(browser_page, app_url):
    """Opening /lab directly listed the page files by name (edusim app, explorer, home, lab...)
    and ran the page without the settings panel: the pages sat in a folder named pages/."""
    page = browser_page
    _open(page, f"{app_url}/lab", "Curriculum lab")
    _idle(page)
    shown = {n.strip() for n in page.locator('[data-testid="stSidebarNav"]').inner_text()
             .split("\n")}  # the titles, and the names of their icons
    assert {"Start here", "Tutor", "Lesson planner", "Curriculum lab", "Data explorer"} <= shown
    assert not {"edusim app", "lab", "explorer", "planner", "tutor"} & shown
    assert page.get_by_text("Offline (built-in, no network)").is_visible()


def test_one_tutoring_exchange(browser_page, app_url):
    page = browser_page
    _open(page, f"{app_url}/tutor", "Tutor")
    box = page.get_by_placeholder("Write to the student...")
    box.fill("Let's look at your first step. What did Julia have before she used 3 spoons?")
    box.press("Enter")
    page.get_by_text("Student turns: 1 of 8").wait_for()
    bubbles = page.locator('[data-testid="stChatMessage"]')
    assert bubbles.count() == 3  # the student's first try, your turn, the student's reply
    assert "What did Julia have" in bubbles.nth(1).inner_text()
    _idle(page)
    _shot(page, "tutor")


def _say(page, text: str, turn: int) -> str:
    """Type ``text`` to the simulated student; return its reply (student turn ``turn``)."""
    box = page.get_by_placeholder("Write to the student...")
    box.fill(text)
    box.press("Enter")
    page.get_by_text(f"Student turns: {turn} of 8").wait_for()
    _idle(page)
    return page.locator('[data-testid="stChatMessage"]').last.inner_text()


def _bar_labels(page) -> list[str]:
    return page.locator('[data-testid="stProgress"]').all_inner_texts()


def test_free_text_reaches_the_student_and_the_panel(browser_page, app_url):
    """Typed without a move label: the student works out the sum it is asked, a nonsense
    message gets confusion, and the panel says what the student now believes."""
    page = browser_page
    _open(page, f"{app_url}/tutor", "Tutor")
    seed = page.get_by_label("Simulated student number (seed)", exact=True)
    seed.fill(str(_seed_that_fixes_step_one()))
    seed.press("Enter")
    _idle(page)
    assert any("says 9: not right yet" in label for label in _bar_labels(page))
    reply = _say(page, "What number do you get for 12 + 3?", 1)
    assert "12 + 3 = 15" in reply, reply
    labels = _bar_labels(page)
    assert any(label.startswith("Step 1 (100%), says 15") for label in labels), labels
    _shot(page, "tutor-free-text")
    confused = _say(page, "banana banana banana", 2)
    assert confused != reply and any(w in confused for w in ("understand", "mean", "get it"))
    assert any(label.startswith("Step 1 (100%)") for label in _bar_labels(page))


def _seed_that_fixes_step_one() -> int:
    from .test_tutor_page import _seed_that_fixes_step_one as find

    return find("What number do you get for 12 + 3?")


def _pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the select box ``label`` (reopened if a rerun closed it)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_role("combobox", name=label)
    for _ in range(3):
        box.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=10_000)
            break
        except PlaywrightTimeout:  # a rerun closed the list under us: open it again
            _idle(page)
    _idle(page)
    assert box.input_value() == option


def test_upload_with_a_teachers_own_column_names(browser_page, app_url, tmp_path):
    page = browser_page
    _open(page, f"{app_url}/explorer", "Data explorer")
    page.get_by_text("Upload my own").click()
    _idle(page)
    page.get_by_role("button", name="Download a template CSV").wait_for()
    rows = ["pupil,quiz question,got it,when"] + [
        f"{name},Q{q},{'yes' if (i + q) % 3 else 'no'},2024-03-0{1 + q // 4} 09:{10 + q:02d}"
        for i, name in enumerate(["Ana", "Ben", "Cleo", "Dev"]) for q in range(1, 9)
    ]
    sheet = tmp_path / "my class.csv"
    sheet.write_text("\n".join(rows) + "\n")
    page.locator('input[type="file"]').set_input_files(str(sheet))
    page.get_by_text("Which column is which?").wait_for()
    _idle(page)
    # "got it" is not a name the page can guess: pick it by hand, as a teacher would.
    page.get_by_text("Choose a column for: correct", exact=False).wait_for()
    _pick(page, "Which column says whether the answer was right?", "got it")
    page.get_by_text("Share correct").wait_for()
    assert page.get_by_text("Learners").first.is_visible()
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics[:2] == ["4", "8"] and metrics[3] == "32", metrics  # learners, items, answers
    _shot(page, "explorer-mapping")


def test_one_planner_run(browser_page, app_url):
    page = browser_page
    _open(page, f"{app_url}/planner", "Lesson planner")
    page.get_by_role("slider").nth(1).press("Home")  # 20 minutes, the shortest lesson
    _idle(page)
    page.get_by_role("button", name="Plan the lesson").click()
    page.get_by_text("Overall score (of 100)").wait_for()
    page.get_by_role("heading", name="Lesson plan:").first.wait_for()
    page.get_by_role("button", name="Download the plan (Markdown)").wait_for()
    _idle(page)
    assert page.get_by_text("Overall score (of 100)").is_visible()
    minutes = page.locator('[data-testid="stMetric"]', has_text="Minutes used (of 20)")
    used = float(minutes.locator('[data-testid="stMetricValue"]').inner_text())
    assert 0 < used <= 20  # the plan keeps to the lesson's length
    plan = page.get_by_text("-minute lesson; this plan takes").first.inner_text()
    assert plan.startswith("A 20-minute lesson") and float(plan.split("takes ")[1].split()[0]) <= 20
    _shot(page, "planner")


def test_curriculum_lab_run(browser_page, app_url):
    page = browser_page
    _open(page, f"{app_url}/lab", "Curriculum lab")
    page.get_by_role("button", name="Run the class").click()
    _shows_after_the_run(page, "Which skills each teacher got the class to master", "lab")
    assert page.get_by_role("button", name="Stop the run").count() == 0  # the run is over


def test_data_explorer_sample(browser_page, app_url):
    page = browser_page
    _open(page, f"{app_url}/explorer", "Data explorer")
    page.get_by_text("Share correct").wait_for()
    page.get_by_role("button", name="Fit BKT to this data").click()
    _shows_after_the_run(page, "Fitted BKT parameters for 10 skills.", "explorer")


def _start_a_long_lab_run(page, app_url: str) -> None:
    _open(page, f"{app_url}/lab", "Curriculum lab")
    for slider in range(2):  # the largest class and the longest lesson
        page.get_by_role("slider").nth(slider).press("End")
        _idle(page)
    page.get_by_role("button", name="Run the class").click()


def test_a_long_lab_run_can_be_stopped(browser_page, app_url):
    page = browser_page
    _start_a_long_lab_run(page, app_url)
    page.get_by_text("So far").wait_for()  # the first learners are done, the run goes on
    page.get_by_role("button", name="Stop the run").click()
    page.get_by_text("Stopped early").wait_for()
    _idle(page)
    assert page.get_by_text("Which skills each teacher").count() == 0


def test_streamlits_own_stop_leaves_the_page_usable(browser_page, app_url):
    page = browser_page
    _start_a_long_lab_run(page, app_url)
    page.get_by_text("So far").wait_for()  # at least one learner per teacher is done
    page.locator('[data-testid="stStatusWidget"] button', has_text="Stop").click()
    _idle(page)
    assert page.get_by_text("So far").count() == 1  # what was done stays on the page
    page.get_by_role("slider").nth(0).press("Home")  # the page answers the next click
    page.get_by_text("Stopped early").wait_for()
    _idle(page)
    assert page.get_by_role("button", name="Run the class").is_enabled()
    assert page.get_by_role("button", name="Stop the run").count() == 0

