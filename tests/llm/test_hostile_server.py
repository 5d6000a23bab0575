"""The LLM layer against a hostile server: slow, key-echoing, oversized or oddly shaped replies.

Every test talks HTTP to the stub server on 127.0.0.1 (never a mock that skips HTTP).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from typing import Literal

import pytest
from typer.testing import CliRunner

from edusim.cli import app
from edusim.llm import (
    LLMError,
    LLMErrorKind,
    StructuredOutputError,
    StructuredTask,
    complete_structured,
    redact,
    user,
)
from edusim.llm.testing import RawReply, StubChatServer, StubMode

SECRET = "sk-hostile-0123456789abcdefXYZ"
CLI = "from edusim.cli import main; main()"
TURN = '{{"move": "focus", "text": "{text}", "step": 1}}'


@dataclasses.dataclass(frozen=True)
class Turn:
    move: Literal["focus", "probing"]
    text: str


class TurnTask(StructuredTask[Turn]):
    output_type = Turn

    def messages(self):
        return [user("your turn")]

    def offline(self, rng):
        return Turn("focus", "offline")


def _chain(exc: BaseException) -> list[BaseException]:
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _env(server: StubChatServer, timeout: float = 5.0) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": server.url,
        "OPENAI_API_KEY": SECRET,
        "EDUSIM_LLM_MODEL": server.model,
        "EDUSIM_LLM_TIMEOUT": str(timeout),
        "EDUSIM_LLM_MAX_RETRIES": "1",
        "EDUSIM_LLM_BACKEND": "",
    }


@pytest.mark.parametrize("stream", [False, True])
def test_trickling_server_is_stopped_by_the_deadline_retries_included(stream):
    with StubChatServer(reply="x" * 200, mode=StubMode.TRICKLE, trickle_s=0.2) as server:
        settings = server.settings(timeout_s=1.5)
        backend = type(server.backend())(settings.model, settings.base_url, timeout_s=1.5,
                                         max_retries=2)
        start = time.monotonic()
        with pytest.raises(LLMError) as info:
            backend.chat([user("go")]) if not stream else list(backend.stream([user("go")]))
        elapsed = time.monotonic() - start
        server.mode = StubMode.OK  # the backend still works after a deadline
        assert backend.chat([user("again")]) == "x" * 200
    assert info.value.kind is LLMErrorKind.TIMEOUT
    assert "within 1.5 s" in str(info.value) and "whole request" in str(info.value)
    assert elapsed < 4.0


@pytest.mark.parametrize("command", [
    ["tutor", "--tutor", "llm", "--max-turns", "2"],
    ["plan", "--rounds", "1", "--learners", "5"],
])
def test_cli_commands_end_within_the_deadline_on_a_trickling_server(command):
    # A subprocess, so that a hang (today's per-read timeout) fails the test instead of the run.
    with StubChatServer(reply=TURN.format(text="hi"), mode=StubMode.TRICKLE,
                        trickle_s=0.3) as server:
        env = {**os.environ, **_env(server, timeout=2.0)}
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-c", CLI, *command], env=env,
                              capture_output=True, text=True, timeout=150)
        elapsed = time.monotonic() - start
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[timeout]" in done.stderr and "within 2 s" in done.stderr
    assert "Traceback" not in done.stderr
    # Start-up (slow on a loaded machine) plus a 2 s deadline, never a hang (today: forever).
    assert elapsed < 120


def test_redact_masks_every_piece_of_six_or_more():
    text = f"ending {SECRET[3:]} | head {SECRET[:7]} | mid {SECRET[9:17]} | short {SECRET[4:9]}"
    shown = redact(text, SECRET)
    for n in range(6, len(SECRET) + 1):
        for i in range(len(SECRET) - n + 1):
            assert SECRET[i : i + n] not in shown
    assert shown.endswith(f"short {SECRET[4:9]}")  # 5 characters are not a leak


@pytest.mark.parametrize("mode", [StubMode.UNAUTHORIZED, StubMode.SERVER_ERROR])
@pytest.mark.parametrize("stream", [False, True])
def test_partial_key_echoed_by_the_server_is_masked_in_message_and_chain(mode, stream):
    with StubChatServer(mode=mode, error_text=lambda key: f"bad key ending {key[3:]}") as server:
        backend = server.backend(api_key=SECRET)
        with pytest.raises(LLMError) as info:
            backend.chat([user("go")]) if not stream else list(backend.stream([user("go")]))
    for exc in _chain(info.value):
        assert SECRET[3:] not in str(exc) and SECRET[3:] not in repr(exc.args)
    assert info.value.__context__ is None and info.value.__cause__ is None


@pytest.mark.parametrize("command", [
    ["tutor", "--tutor", "llm"],
    ["tutor-eval", "--tutor", "llm", "--seeds", "1", "--limit", "1"],
    ["plan", "--rounds", "0", "--learners", "5"],
])
def test_cli_stderr_never_shows_a_piece_of_the_key(command, tmp_path):
    with StubChatServer(mode=StubMode.SERVER_ERROR,
                        error_text=lambda key: f"bad key ending {key[3:]}") as server:
        args = [*command, "--out", str(tmp_path / "o.json")] if command[0] != "tutor" else command
        result = CliRunner().invoke(app, args, env=_env(server))
    assert result.exit_code == 1
    assert "HTTP 500" in result.output and SECRET[3:9] not in result.output


def test_reply_echoing_the_authorization_header_is_masked_when_printed():
    echo = TURN.format(text=f"your header was Authorization: Bearer {SECRET}")
    with StubChatServer(reply=echo) as server:
        result = CliRunner().invoke(app, ["tutor", "--tutor", "llm", "--max-turns", "1"],
                                    env=_env(server))
        streamed = "".join(server.backend(api_key=SECRET).stream([user("go")]))
    assert result.exit_code == 0, result.output
    assert "Bearer ***" in result.output and SECRET[:6] not in result.output
    assert "Bearer ***" in streamed and SECRET[-8:] not in streamed


def test_huge_reply_is_capped_when_printed():
    huge = TURN.format(text="a" * 1_000_000)
    with StubChatServer(reply=huge) as server:
        result = CliRunner().invoke(app, ["tutor", "--tutor", "llm", "--max-turns", "1"],
                                    env=_env(server))
    assert result.exit_code == 0, result.output
    assert len(result.output) < 20_000 and "more characters]" in result.output


@pytest.mark.parametrize("stream", [False, True])
def test_choices_that_are_not_a_list_are_a_malformed_reply(stream):
    with StubChatServer(mode=StubMode.WRONG_SHAPE) as server:
        backend = server.backend()
        with pytest.raises(LLMError) as info:
            backend.chat([user("go")]) if not stream else list(backend.stream([user("go")]))
    assert info.value.kind in (LLMErrorKind.MALFORMED, LLMErrorKind.STREAM)


# Found by tests/llm/test_hostile_replies.py (each pinned here with the reply that found it).
JSON = (("Content-Type", "application/json"),)
SSE = (("Content-Type", "text/event-stream"),)


def test_json_nested_past_the_recursion_limit_is_a_malformed_reply():
    # Was: RecursionError out of chat (the client's JSON decoder, uncaught).
    with StubChatServer() as server:
        server.serve(RawReply(200, JSON, b"[" * 100_000 + b"]" * 100_000))
        with pytest.raises(LLMError) as info:
            server.backend(api_key=SECRET).chat([user("go")])
    assert info.value.kind is LLMErrorKind.MALFORMED and "does not parse" in str(info.value)


@pytest.mark.parametrize("key", [None, SECRET])
def test_streamed_piece_that_is_not_text_is_a_malformed_reply(key):
    # Was: without a key the int was yielded as a piece; with one, a TypeError reported as
    # "broke off after 1 piece(s): can only concatenate str".
    event = b'data: {"choices": [{"delta": {"content": 5}, "finish_reason": "stop"}]}\n\n'
    with StubChatServer() as server:
        server.serve(RawReply(200, SSE, (event, b"data: [DONE]\n\n")))
        received = []
        with pytest.raises(LLMError) as info:
            received.extend(server.backend(api_key=key).stream([user("go")]))
    assert received == [] and info.value.kind is LLMErrorKind.MALFORMED
    assert "a streamed piece is int, not text" in str(info.value)


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


@pytest.mark.parametrize("content", [
    f'{{"move": "focus", "text": "{_escaped(SECRET[:6])}"}}',  # JSON escapes
    f"{{'move': 'focus', 'text': '{SECRET[:5]}' '{SECRET[5:10]}'}}",  # adjacent literals
    f'{{"move": "{_escaped(SECRET)}", "text": "hi"}}',  # quoted back in the field error
    "{'move': 'focus', 'text': 0x1E240}",  # 123456, a run of the key's digits
])
def test_structured_output_never_spells_out_the_key(content):
    # Was: the backend masked the raw text, then parsing decoded the key into the value
    # (Turn(text='sk-hos')) or into the error ("'sk-hostile-...' is not one of [...]").
    body = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
    with StubChatServer() as server:
        server.serve(RawReply(200, JSON, body))
        backend = server.backend(api_key=SECRET)
        assert redact(backend.chat([user("go")]), SECRET) == content  # nothing to mask raw
        with pytest.raises(StructuredOutputError) as info:
            complete_structured(backend, [user("go")], Turn, repairs=0)
        with pytest.raises(StructuredOutputError) as answer_info:
            backend.answer(TurnTask())
    for err in (info.value, answer_info.value):
        for exc in _chain(err):
            assert SECRET[:6] not in f"{exc} {exc.args} {vars(exc)}"
