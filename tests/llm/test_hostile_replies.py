"""Hostile replies (hypothesis): whatever an OpenAI-compatible server answers, the backend
returns text or raises :class:`LLMError`, within its deadline, and never shows a piece of the key.

One stub server per module (``edusim.llm.testing``, ``RAW`` mode) sends each drawn reply over
real HTTP on 127.0.0.1: any status code; chat completions of the wrong type at every level
(``choices``, a choice, ``message``, ``content``); bodies that are not JSON, not UTF-8, cut
short or huge; wrong Content-Types; server-sent events that are malformed, of the wrong shape,
split anywhere or never finished; and the API key, or a piece of 6+ of its characters, echoed
in every field. Structured output over the same replies parses into its type (with no piece of
the key in it) or raises :class:`StructuredOutputError`.
"""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Literal

import pydantic
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from edusim.llm import (
    LLMError,
    OpenAIBackend,
    StructuredOutputError,
    StructuredTask,
    complete_structured,
    parse_structured,
    user,
)
from edusim.llm.testing import RawReply, StubChatServer

SECRET = "sk-fuzz-0123456789abcdefXYZ"
GRAMS = {SECRET[i : i + 6] for i in range(len(SECRET) - 5)}  # every 6+ piece holds one
TIMEOUT_S = 1.5
MARGIN_S = 4.0  # thread hand-over on a loaded 2-core CI machine; a hang or a slow parse is far more
HYPOTHESIS = dict(deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@dataclasses.dataclass(frozen=True)
class Turn:
    move: Literal["focus", "probing", "telling"]
    text: str
    step: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)


class Score(pydantic.BaseModel):
    clarity: float
    depth: int
    note: str = ""


# -- strategies ----------------------------------------------------------------------------
pieces = st.integers(0, len(SECRET) - 6).flatmap(
    lambda i: st.integers(i + 6, len(SECRET)).map(lambda j: SECRET[i:j]))
echoes = st.one_of(pieces, pieces.map("Incorrect API key provided: {}.".format),
                   pieces.map("Authorization: Bearer {}".format))


def _smuggled(piece: str) -> list[str]:
    """Turns whose raw text holds no 6 characters of the key but whose parsed value does."""
    escaped = "".join(f"\\u{ord(c):04x}" for c in piece)
    joined = "' '".join(piece[i : i + 5] for i in range(0, len(piece), 5))
    return [f'{{"move": "focus", "text": "{escaped}"}}', f"{{'move': 'focus', 'text': '{joined}'}}",
            f'{{"clarity": 1, "depth": 2, "note": "{escaped}"}}']


#: Texts that once broke, stalled or leaked through the parser (each pinned by a plain test in
#: test_structured.py or test_hostile_server.py); 0x1E240 is 123456, a run of the key's digits.
PATHOLOGICAL = [
    " " * 30_000, "note: x" + " " * 30_000 + "y", "```" + "\n" * 30_000,
    "[" * 50_000 + "]" * 50_000, '{"move": "focus", "text": "t", "step": ' + "9" * 5000 + "}",
    '{"move": "focus", "text": "t", "step": 1e999}', '{"clarity": NaN, "depth": 1}',
    '{"clarity": 1, "depth": "' + "9" * 400 + '"}', "{[1]: 2}", "x" * 300_000,
    "{'move': 'focus', 'text': 0x1E240}",
]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
                    echoes)
json_values = st.recursive(
    scalars, lambda kids: st.lists(kids, max_size=3)
    | st.dictionaries(st.text(max_size=6) | echoes, kids, max_size=3), max_leaves=6)
plain_texts = st.one_of(st.text(max_size=30), echoes,
                        st.tuples(st.text(max_size=8), echoes, st.text(max_size=8)).map("".join))
turns = st.fixed_dictionaries(
    {"move": st.sampled_from(["focus", "Probing", "dance"]), "text": plain_texts},
    optional={"step": json_values, "tags": json_values, "clarity": json_values,
              "depth": json_values, "note": plain_texts}).map(json.dumps)
texts = st.one_of(plain_texts, turns, pieces.flatmap(lambda p: st.sampled_from(_smuggled(p))),
                  st.sampled_from(PATHOLOGICAL))


def wrong_or(right: st.SearchStrategy, wrong: st.SearchStrategy | None = None):
    """``right`` three times in four, else ``wrong`` (any JSON value) in its place."""
    other = json_values if wrong is None else wrong
    return st.integers(0, 3).flatmap(lambda i: other if i == 3 else right)


# The path to the text is always there, each step replaced by a wrong value (a missing key: {}).
content = st.one_of(texts, st.none(), st.integers(), st.floats(), st.lists(texts, max_size=2),
                    st.dictionaries(st.text(max_size=4), texts, max_size=2))
message = wrong_or(st.fixed_dictionaries(
    {"content": content}, optional={"role": wrong_or(st.just("assistant")), "refusal": texts}))
choice = wrong_or(st.fixed_dictionaries(
    {"message": message}, optional={"finish_reason": wrong_or(st.just("stop")),
                                    "index": json_values}))
completion = wrong_or(st.fixed_dictionaries(
    {"choices": wrong_or(st.lists(choice, min_size=1, max_size=2))},
    optional={"id": texts, "model": texts, "created": json_values, "usage": json_values,
              "error": json_values}))
json_bodies = st.tuples(completion, st.booleans()).map(
    lambda t: json.dumps(t[0], ensure_ascii=t[1]).encode())
odd_bodies = st.sampled_from([
    b"", b"null", b"[" * 100_000 + b"]" * 100_000, b'{"choices": ' + b"9" * 5000 + b"}",
    b'{"choices": [{"message": {"content": "\xff\xfe ' + SECRET.encode() + b'"}}]}',
    b"\xef\xbb\xbf" + json.dumps({"choices": [{"message": {"content": SECRET}}]}).encode(),
    json.dumps({"choices": [{"message": {"content": SECRET}}]}).encode("utf-16"),
    b"<html>" + SECRET.encode() + b"</html>",
])
bodies = st.one_of(
    json_bodies, json_bodies.flatmap(lambda b: st.integers(0, len(b)).map(lambda n: b[:n])),
    st.binary(max_size=64), odd_bodies)
statuses = st.one_of(st.just(200), st.sampled_from(
    [201, 204, 301, 302, 304, 307, 400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503]),
    st.integers(100, 999))
content_types = st.sampled_from([
    "application/json", "application/json; charset=utf-8", "text/plain", "text/html", "",
    "application/octet-stream", "text/event-stream", "application/json; charset=latin-1"])
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20)
extra_headers = st.lists(st.one_of(
    st.tuples(st.sampled_from(["x-request-id", "openai-organization", "retry-after",
                               "retry-after-ms", "x-should-retry"]), header_text | pieces),
    st.tuples(st.just("Location"), st.sampled_from(["/v1/chat/completions", "/v1/x",
                                                    "http://127.0.0.1:9/v1"])),
    st.just(("Content-Encoding", "gzip"))), max_size=2)
JSON = (("Content-Type", "application/json"),)
chat_replies = st.one_of(
    bodies.map(lambda body: RawReply(200, JSON, body)),  # honest framing, hostile body
    st.builds(lambda status, ctype, extra, body, cut: RawReply(
        status, (("Content-Type", ctype), *extra), body, cut),
        statuses, content_types, extra_headers, bodies, st.booleans()))

delta = wrong_or(st.fixed_dictionaries({"content": content}, optional={"role": json_values}))
stream_choice = wrong_or(st.fixed_dictionaries({"delta": delta}, optional={
    "finish_reason": wrong_or(st.sampled_from([None, "stop"])), "index": json_values}))
chunk = wrong_or(st.fixed_dictionaries(
    {"choices": wrong_or(st.lists(stream_choice, min_size=1, max_size=2))},
    optional={"id": texts, "error": json_values}))
data = st.one_of(chunk.map(json.dumps), texts,
                 st.sampled_from(["[DONE]", "{not json", "", "[DONE", "null", "[" * 5000]))
events = st.one_of(
    data.map("data: {}\n\n".format), data.map("data:{}\r\n\r\n".format),
    st.tuples(st.sampled_from(["error", "thread.run", "message", ""]), data).map(
        lambda t: f"event: {t[0]}\ndata: {t[1]}\n\n"),
    st.sampled_from([": keep-alive\n\n", "retry: soon\n\n", "id: 1\x00\n\n", "data\n\n"]),
).map(str.encode) | st.binary(max_size=16)
FINISH = b'data: {"choices": [{"delta": {}, "finish_reason": "stop"}]}\n\n'


def _split(stream: bytes, cuts: list[int]) -> tuple[bytes, ...]:
    """``stream`` cut at ``cuts`` into non-empty pieces (an empty chunk would end the body)."""
    points = sorted({0, len(stream), *(c % (len(stream) + 1) for c in cuts)})
    return tuple(stream[a:b] for a, b in zip(points, points[1:], strict=False) if b > a)


def _sse(status: int, ctype: str, evs: list[bytes], end: bytes, cuts: list[int], cut: bool):
    return RawReply(status, (("Content-Type", ctype),), _split(b"".join(evs) + end, cuts), cut)


ends = st.sampled_from([FINISH + b"data: [DONE]\n\n", FINISH, b"data: [DONE]\n\n", b""])
splits = st.lists(st.integers(0, 10**6), max_size=4)
chunk_events = chunk.map(json.dumps).map("data: {}\n\n".format).map(str.encode)
sse_replies = st.one_of(  # honest framing, events and end, then anything
    st.builds(_sse, st.just(200), st.just("text/event-stream"),
              st.lists(chunk_events, min_size=1, max_size=4),
              st.just(FINISH + b"data: [DONE]\n\n"), splits, st.just(False)),
    st.builds(_sse, statuses, st.sampled_from(["text/event-stream", "text/plain", ""]),
              st.lists(events, max_size=6), ends, splits, st.booleans()))


# -- checks --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stub():
    with StubChatServer() as server:
        yield server


def _leaks(value: object) -> bool:
    return any(gram in str(value) for gram in GRAMS)


def _assert_clean(error: BaseException | None) -> None:
    """Nothing in ``error``, its attributes or its chain holds a piece of the key."""
    todo, seen = [error], []
    while todo:
        exc = todo.pop()
        if exc is None or any(exc is s for s in seen):
            continue
        seen.append(exc)
        assert not _leaks(exc) and not _leaks(exc.args) and not _leaks(vars(exc)), repr(exc)
        todo += [exc.__cause__, exc.__context__]


def _run(stub: StubChatServer, reply: RawReply, call, calls: int = 1, key: str | None = SECRET,
         retries: int = 0):
    """``call(backend, out)`` against ``reply``: (what it put in ``out``, its LLMError or None)."""
    stub.serve(reply)
    backend = OpenAIBackend(stub.model, stub.url, key, timeout_s=TIMEOUT_S, max_retries=retries)
    out: list = []
    start, error = time.monotonic(), None
    try:
        call(backend, out)
    except LLMError as exc:  # any other type fails the test
        error = exc
    elapsed = time.monotonic() - start
    assert elapsed < calls * TIMEOUT_S + MARGIN_S, f"took {elapsed:.2f} s"
    if key is not None:  # a backend without the key cannot know what to mask
        _assert_clean(error)
        assert not _leaks(out), out
    return out, error


@settings(max_examples=120, **HYPOTHESIS)
@given(reply=chat_replies, key=st.sampled_from([SECRET, None]), retries=st.sampled_from([0, 2]))
@example(reply=RawReply(200, JSON, b"[" * 100_000 + b"]" * 100_000), key=SECRET, retries=0)
@example(reply=RawReply(503, (*JSON, ("Retry-After", "30")), b"{}"), key=SECRET, retries=2)
def test_chat_returns_text_or_raises_llm_error_in_time_without_the_key(stub, reply, key, retries):
    # retries: 429, 5xx and a Retry-After of up to 60 s must still end by the deadline
    out, error = _run(stub, reply, lambda b, out: out.append(b.chat([user("go")])), key=key,
                      retries=retries)
    assert error is not None or isinstance(out[0], str)


@settings(max_examples=150, **HYPOTHESIS)
@given(reply=wrong_or(sse_replies, chat_replies), key=st.sampled_from([None, SECRET]))
@example(reply=RawReply(200, (("Content-Type", "text/event-stream"),), (  # yielded 5 as a piece
    b'data: {"choices": [{"delta": {"content": 5}}]}\n\n', FINISH)), key=None)
def test_stream_yields_text_or_raises_llm_error_in_time_without_the_key(stub, reply, key):
    out, _ = _run(stub, reply, lambda b, out: out.extend(b.stream([user("go")])), key=key)
    assert all(isinstance(piece, str) for piece in out)
    assert key is None or not _leaks("".join(out))


class _Ask(StructuredTask):
    def __init__(self, output_type: type) -> None:
        self.output_type = output_type

    def messages(self):
        return [user("your turn, as JSON")]

    def offline(self, rng):
        raise AssertionError("an online backend never runs the rule-based policy")


well_formed = st.builds(
    lambda text: RawReply(body=json.dumps({"choices": [{"message": {"content": text}}]}).encode()),
    texts)


ASKS = {  # the two ways components ask for structured output
    "answer": lambda backend, schema: backend.answer(_Ask(schema)).value,
    "complete_structured": lambda backend, schema: complete_structured(
        backend, [user("go")], schema, repairs=1),
}


@settings(max_examples=80, **HYPOTHESIS)
@given(reply=st.one_of(well_formed, chat_replies), schema=st.sampled_from([Turn, Score]),
       ask=st.sampled_from(sorted(ASKS)))
def test_structured_output_parses_or_raises_its_named_error(stub, reply, schema, ask):
    _, chat_error = _run(stub, reply, lambda b, out: out.append(b.chat([user("go")])))
    out, error = _run(stub, reply, lambda b, out: out.append(ASKS[ask](b, schema)), calls=2)
    if chat_error is None:  # the server sent text: it parses, or is a StructuredOutputError
        assert isinstance(error, StructuredOutputError) or isinstance(out[0], schema)
    else:
        assert error is not None


@settings(max_examples=300, **HYPOTHESIS)
@given(text=texts, schema=st.sampled_from([Turn, Score]))
def test_parse_structured_returns_its_type_or_raises_its_error_quickly(text, schema):
    start = time.monotonic()
    try:
        assert isinstance(parse_structured(text, schema), schema)
    except StructuredOutputError:
        pass
    assert time.monotonic() - start < MARGIN_S
