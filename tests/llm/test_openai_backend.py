"""The OpenAI-compatible backend against a real HTTP stub server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import time

import pytest

from edusim.llm import (
    LLMError,
    LLMErrorKind,
    StructuredOutputError,
    complete_structured,
    make_backend,
    system,
    user,
)
from edusim.llm.testing import StubChatServer, StubMode

SECRET = "sk-test-0123456789abcdef"


@dataclasses.dataclass(frozen=True)
class Turn:
    move: str
    text: str


def test_plain_chat_sends_messages_model_and_key():
    with StubChatServer(reply="Forty-two.", api_key=SECRET) as server:
        backend = server.backend()
        assert backend.chat([system("be brief"), user("6 x 7?")], temperature=0.0) == "Forty-two."
        request = server.requests[-1]
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "stub-model"
    assert request.body["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "6 x 7?"},
    ]
    assert request.headers["authorization"] == f"Bearer {SECRET}"


def test_streaming_yields_pieces_in_order():
    text = "A longer reply that arrives in several pieces."
    with StubChatServer(reply=text, chunk_chars=5) as server:
        pieces = list(server.backend().stream([user("go")]))
    assert len(pieces) > 3
    assert "".join(pieces) == text


def test_reply_function_sees_messages():
    with StubChatServer(reply=lambda msgs: msgs[-1]["content"].upper()) as server:
        assert server.backend().chat([user("echo me")]) == "ECHO ME"


def test_server_dying_mid_stream_is_a_stream_error():
    with StubChatServer(reply="x" * 80, mode=StubMode.DIE_MID_STREAM) as server:
        received = []
        with pytest.raises(LLMError) as info:
            for piece in server.backend().stream([user("go")]):
                received.append(piece)
    assert info.value.kind is LLMErrorKind.STREAM
    assert 0 < len("".join(received)) < 80


def test_server_dying_mid_reply_is_a_connection_error_that_says_so():
    with StubChatServer(reply="x" * 200, mode=StubMode.DIE_MID_STREAM) as server:
        url = server.url
        with pytest.raises(LLMError) as info:
            server.backend().chat([user("go")])
    assert info.value.kind is LLMErrorKind.CONNECTION
    assert f"the connection to {url} broke off mid-reply" in str(info.value)


@pytest.mark.parametrize("stream", [False, True])
def test_garbage_reply_is_malformed(stream):
    with StubChatServer(mode=StubMode.GARBAGE) as server:
        backend, url = server.backend(), server.url
        with pytest.raises(LLMError) as info:
            if stream:
                list(backend.stream([user("go")]))
            else:
                backend.chat([user("go")])
    assert info.value.kind in (LLMErrorKind.MALFORMED, LLMErrorKind.STREAM)
    assert url in str(info.value)


def test_hanging_server_times_out_quickly():
    with StubChatServer(mode=StubMode.HANG) as server:
        backend = server.backend(timeout_s=0.5)
        start = time.monotonic()
        with pytest.raises(LLMError) as info:
            backend.chat([user("go")])
        elapsed = time.monotonic() - start
    assert info.value.kind is LLMErrorKind.TIMEOUT
    assert elapsed < 5.0


def test_dead_server_is_a_connection_error():
    with StubChatServer() as server:
        backend = server.backend(timeout_s=2.0)
    with pytest.raises(LLMError) as info:
        backend.chat([user("anyone there?")])
    assert info.value.kind is LLMErrorKind.CONNECTION


def test_bad_key_is_auth_error_without_the_key():
    with StubChatServer(api_key="sk-the-right-one-000") as server:
        backend = server.backend(api_key=SECRET)
        with pytest.raises(LLMError) as info:
            backend.chat([user("go")])
        with pytest.raises(LLMError) as stream_info:
            list(backend.stream([user("go")]))
    for err in (info.value, stream_info.value):
        assert err.kind is LLMErrorKind.AUTH
        assert SECRET not in str(err) and SECRET[:10] not in str(err)
        assert err.__cause__ is None and err.__context__ is None  # no chained server text
    assert SECRET not in repr(backend) and SECRET not in backend.describe()


def test_server_error_is_status_error():
    with StubChatServer(mode=StubMode.SERVER_ERROR) as server:
        with pytest.raises(LLMError) as info:
            server.backend().chat([user("go")])
    assert info.value.kind is LLMErrorKind.STATUS and "500" in str(info.value)


def test_key_absent_from_settings_repr_and_describe():
    with StubChatServer(api_key=SECRET) as server:
        settings = server.settings()
        backend = make_backend(settings)
        assert SECRET not in repr(settings)
        assert SECRET not in repr(backend)
        assert backend.describe() == f"OpenAI-compatible at {server.url}, model stub-model"
        assert backend.chat([user("hi")]) == "Hello from the stub server."


def test_complete_structured_parses_prose_wrapped_json():
    reply = 'Here is my turn:\n```json\n{"Move": "focus", "Text": "Look at step 2."}\n```'
    with StubChatServer(reply=reply) as server:
        turn = complete_structured(server.backend(), [user("turn?")], Turn)
    assert turn == Turn("focus", "Look at step 2.")


def test_complete_structured_repairs_once_then_raises():
    replies = iter(["no idea", '{"move": "telling", "text": "It is 10."}'])
    with StubChatServer(reply=lambda _: next(replies)) as server:
        turn = complete_structured(server.backend(), [user("turn?")], Turn)
        assert turn.move == "telling"
        assert "Reply with one JSON object" in server.requests[-1].body["messages"][-1]["content"]
    with StubChatServer(reply="I refuse to answer in JSON.") as server:
        with pytest.raises(StructuredOutputError) as info:
            complete_structured(server.backend(), [user("turn?")], Turn, repairs=1)
        assert len(server.requests) == 2
    assert info.value.kind is LLMErrorKind.PARSE and "Turn" in str(info.value)
