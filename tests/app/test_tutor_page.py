"""Tutor page: offline dialogues in every mode, and the OpenAI-compatible path via a stub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edusim.llm.testing import StubChatServer, StubMode

from .app_helpers import errors_of

WATCH = "Watch the tutor with a simulated student"
YOU_TUTOR = "You tutor a simulated student"
YOU_STUDENT = "The tutor tutors you (you are the student)"


def _tutor_bubbles(at) -> list[str]:
    return [m.markdown[0].value for m in at.chat_message if m.name == "assistant"]


def test_watch_mode_plays_a_full_offline_dialogue(open_page):
    at = open_page("tutor")
    at.radio(key="tutor_mode").set_value(WATCH).run()
    next(b for b in at.button if b.label == "Play to the end").click().run()
    assert not at.exception
    assert any("dialogue is over" in s.value for s in at.success)
    bubbles = _tutor_bubbles(at)
    assert bubbles and all(":blue-badge[" in b for b in bubbles)  # every turn shows its move
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == {"Success so far", "Telling so far"}
    assert any("offline" in c.value for c in at.caption)  # who answered is shown


def test_you_tutor_one_exchange_updates_the_student(open_page):
    at = open_page("tutor")
    assert at.radio(key="tutor_mode").value == YOU_TUTOR
    at.radio(key="tutor_move").set_value(at.radio(key="tutor_move").options[1]).run()
    at.chat_input[0].set_value("What did you get in your first step?").run()
    assert not at.exception
    bubbles = _tutor_bubbles(at)
    assert len(bubbles) == 1 and "first step" in bubbles[0]
    student = [m for m in at.chat_message if m.name == "user"]
    assert len(student) == 2  # the student's first try and their reply
    assert any("Student turns: 1 of" in c.value for c in at.caption)


def test_you_are_the_student(open_page):
    at = open_page("tutor")
    at.radio(key="tutor_mode").set_value(YOU_STUDENT).run()
    assert len(_tutor_bubbles(at)) == 1  # the tutor opens
    at.chat_input[0].set_value("I think it is 15").run()
    assert not at.exception
    assert len(_tutor_bubbles(at)) == 2


def test_own_problem(open_page):
    at = open_page("tutor")
    at.radio(key="tutor_source").set_value("Write my own").run()
    assert not at.exception and not errors_of(at)
    assert "apples" in at.info[0].value


def _openai_sidebar(at, url: str, timeout: int = 5) -> None:
    at.radio(key="llm_choice").set_value("OpenAI-compatible server").run()
    at.text_input(key="llm_base_url").set_value(url)
    at.text_input(key="llm_model").set_value("stub-model")
    at.text_input(key="llm_api_key").set_value("sk-secret-key-123")
    at.number_input(key="llm_timeout").set_value(timeout)
    at.run()


def test_openai_compatible_server_answers_and_is_named(open_page):
    reply = json.dumps({"move": "probing", "text": "How many spoons did she have at first?"})
    with StubChatServer(reply=reply) as server:
        at = open_page("tutor")
        at.radio(key="tutor_mode").set_value(WATCH).run()
        _openai_sidebar(at, server.url)
        next(b for b in at.button if b.label == "Next exchange").click().run()
        assert not at.exception and not errors_of(at)
        assert "How many spoons" in _tutor_bubbles(at)[0]
        assert any(server.url in c.value for c in at.caption)
        assert server.requests, "the stub was not called"
    page_text = " ".join(str(e.value) for e in [*at.caption, *at.markdown, *at.error])
    assert "sk-secret-key-123" not in page_text
    key_box = at.text_input(key="llm_api_key").proto
    assert key_box.type == key_box.PASSWORD  # typed into a masked field


def test_dead_server_shows_an_error_and_the_app_keeps_working(open_page):
    with StubChatServer(mode=StubMode.HANG, hang_s=10) as server:
        at = open_page("tutor")
        at.radio(key="tutor_mode").set_value(WATCH).run()
        _openai_sidebar(at, server.url, timeout=1)
        next(b for b in at.button if b.label == "Next exchange").click().run()
        assert not at.exception
        assert any("did not answer" in e for e in errors_of(at))
    # Switching back to offline works at once.
    at.radio(key="llm_choice").set_value("Offline (built-in, no network)").run()
    next(b for b in at.button if b.label == "Next exchange").click().run()
    assert not at.exception and len(_tutor_bubbles(at)) == 1


MATHDIAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "mathdial" / "dialogues.jsonl"


@pytest.mark.skipif(not MATHDIAL.exists(), reason="the MathDial sample is not available")
def test_uploaded_mathdial_problems_replay_the_human_moves(open_page):
    lines = MATHDIAL.read_bytes().splitlines(keepends=True)[:3]
    at = open_page("tutor")
    at.radio(key="tutor_source").set_value("Upload a problem file").run()
    at.file_uploader[0].set_value(("mathdial.jsonl", b"".join(lines), "application/json")).run()
    assert not at.exception and not errors_of(at)
    at.radio(key="tutor_mode").set_value(WATCH).run()
    at.selectbox(key="tutor_kind").set_value("replay").run()
    next(b for b in at.button if b.label == "Next exchange").click().run()
    assert not at.exception and not errors_of(at)
    assert len(_tutor_bubbles(at)) == 1
    assert any("replay" in c.value for c in at.caption)


def test_a_malformed_problem_file_is_explained(open_page):
    at = open_page("tutor")
    at.radio(key="tutor_source").set_value("Upload a problem file").run()
    at.file_uploader[0].set_value(("problems.json", b'[{"id": "x"}]', "application/json")).run()
    assert not at.exception
    assert any("missing field" in e for e in errors_of(at)), errors_of(at)
