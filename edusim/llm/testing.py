"""A real HTTP stub of an OpenAI-compatible server, for tests and demos without a model.

:class:`StubChatServer` listens on ``127.0.0.1`` (port 0: the OS picks a free one) in a
background thread and speaks ``POST /v1/chat/completions``, plain and streaming (server-sent
events with chunked transfer encoding), and ``GET /v1/models``. Its :attr:`~StubChatServer.mode`
makes it misbehave on purpose: die in the middle of a stream, answer garbage, hang, or reject
the key; in ``RAW`` mode (:meth:`~StubChatServer.serve`) it sends a given :class:`RawReply`
byte for byte, for hostile-input tests. Every request is recorded for assertions.

Example:
    >>> with StubChatServer(reply="Hi there") as server:
    ...     backend = server.backend()
    ...     backend.chat([user("hello")]), "".join(backend.stream([user("hello")]))
    ('Hi there', 'Hi there')
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from edusim.llm.base import user  # noqa: F401  (used by the module example)
from edusim.llm.openai_backend import OpenAIBackend
from edusim.llm.settings import BackendKind, LLMSettings

__all__ = ["RawReply", "StubChatServer", "StubMode", "StubRequest"]

Reply = Callable[[list[dict[str, Any]]], str]


class StubMode(str, Enum):
    """How the stub answers chat completions."""

    OK = "ok"
    DIE_MID_STREAM = "die_mid_stream"  # sends half the reply (streamed or not), then hangs up
    GARBAGE = "garbage"  # HTTP 200 with a body that is not a chat completion
    HANG = "hang"  # never answers (until the server closes)
    UNAUTHORIZED = "unauthorized"  # HTTP 401, echoing the key it was sent
    SERVER_ERROR = "server_error"  # HTTP 500
    WRONG_SHAPE = "wrong_shape"  # HTTP 200 JSON whose "choices" is a number
    TRICKLE = "trickle"  # a valid reply, one byte every ``trickle_s`` seconds
    RAW = "raw"  # the :class:`RawReply` in ``raw``, verbatim, to every chat request


@dataclass(frozen=True)
class RawReply:
    """One HTTP answer that ``RAW`` mode sends as it is, whatever the request asked for.

    Attributes:
        status: The status code (any integer; the reason phrase is the standard one or empty).
        headers: Header lines as sent. The stub adds ``Connection: close`` and, unless given
            here, the framing header that fits ``body``.
        body: Bytes sent with a ``Content-Length``, or a tuple of pieces sent as chunks
            (chunked transfer encoding, as servers stream server-sent events).
        cut: Hang up early: after half of the bytes, or before the terminating chunk.

    Example:
        >>> body = b'{"choices": [{"message": {"content": "as sent"}}]}'
        >>> with StubChatServer() as server:
        ...     server.serve(RawReply(body=body))
        ...     server.backend().chat([user("hi")])
        'as sent'
    """

    status: int = 200
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    body: bytes | tuple[bytes, ...] = b""
    cut: bool = False


@dataclass(frozen=True)
class StubRequest:
    """One request the stub received (header names in lower case)."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class StubChatServer:
    """An OpenAI-compatible chat server on ``127.0.0.1`` in a background thread.

    Args:
        reply: The assistant's text, or a function of the request's messages returning it.
        mode: Initial :class:`StubMode`; can be changed while running.
        api_key: When set, requests without ``Authorization: Bearer <api_key>`` get HTTP 401.
        model: Model name reported in replies.
        chunk_chars: Characters per streamed piece.
        hang_s: Upper bound on how long ``HANG`` waits (the server's close ends it earlier).
        error_text: The message of 401 and 500 answers as a function of the key the request
            sent (default: the key echoed whole on 401, a fixed text on 500).
        trickle_s: Seconds between bytes in ``TRICKLE`` mode (less than a client's per-read
            timeout, so only a deadline for the whole request stops it).
    """

    def __init__(
        self,
        reply: str | Reply = "Hello from the stub server.",
        *,
        mode: StubMode = StubMode.OK,
        api_key: str | None = None,
        model: str = "stub-model",
        chunk_chars: int = 4,
        hang_s: float = 30.0,
        trickle_s: float = 0.5,
        error_text: Callable[[str], str] | None = None,
    ) -> None:
        self.reply = reply
        self.mode = StubMode(mode)
        self.api_key = api_key
        self.model = model
        self.chunk_chars = max(1, chunk_chars)
        self.hang_s = hang_s
        self.trickle_s = trickle_s
        self.error_text = error_text
        self.raw: RawReply | None = None
        self.requests: list[StubRequest] = []
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> StubChatServer:
        """Bind to a free port and serve in a daemon thread."""
        handler = type("_Handler", (_StubHandler,), {"stub": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; hanging requests are released."""
        self._closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StubChatServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def serve(self, raw: RawReply) -> None:
        """Answer every chat request with ``raw`` from now on (``RAW`` mode)."""
        self.raw, self.mode = raw, StubMode.RAW

    # -- client side -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The API root, ``http://127.0.0.1:<port>/v1``."""
        if self._server is None:
            raise RuntimeError("the stub server is not running; call start() or use `with`")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def settings(self, *, api_key: str | None = None, timeout_s: float = 5.0) -> LLMSettings:
        """:class:`LLMSettings` pointing at this server, with no retries."""
        return LLMSettings(
            BackendKind.OPENAI,
            model=self.model,
            base_url=self.url,
            api_key=api_key if api_key is not None else self.api_key,
            timeout_s=timeout_s,
            max_retries=0,
        )

    def backend(self, *, api_key: str | None = None, timeout_s: float = 5.0) -> OpenAIBackend:
        """An :class:`OpenAIBackend` pointing at this server, with no retries."""
        key = api_key if api_key is not None else self.api_key
        return OpenAIBackend(self.model, self.url, key, timeout_s=timeout_s, max_retries=0)

    # -- server side -----------------------------------------------------------------------
    def _record(self, request: StubRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _text_for(self, body: dict[str, Any]) -> str:
        if callable(self.reply):
            return self.reply(list(body.get("messages", [])))
        return self.reply

    def _completion(self, text: str) -> dict[str, Any]:
        return {
            "id": "chatcmpl-stub",
            "object": "chat.completion",
            "created": 0,
            "model": self.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        }

    def _chunk(self, delta: dict[str, str], finish: str | None) -> dict[str, Any]:
        return {
            "id": "chatcmpl-stub",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }


class _StubHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    stub: StubChatServer

    def log_message(self, format: str, *args: Any) -> None:  # silence the default stderr log
        return

    def _send_json(self, status: int, payload: Any, die: bool = False) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.stub.mode is StubMode.TRICKLE:
            self._trickle(data)
            return
        if die:  # half the promised bytes, then the connection drops
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self.stub._record(
            StubRequest("GET", self.path, {k.lower(): v for k, v in self.headers.items()}, {})
        )
        if self.path.rstrip("/").endswith("/models"):
            self._send_json(200, {"object": "list", "data": [{"id": self.stub.model}]})
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_raw": raw.decode(errors="replace")}
        self.stub._record(
            StubRequest("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        try:
            self._answer(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up first
            self.close_connection = True

    def _answer(self, body: dict[str, Any]) -> None:
        stub, mode = self.stub, self.stub.mode
        sent = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        custom = stub.error_text(sent) if stub.error_text else None
        if mode is StubMode.RAW:
            self._send_raw(stub.raw or RawReply())
        elif mode is StubMode.UNAUTHORIZED or (stub.api_key and sent != stub.api_key):
            message = custom or f"Incorrect API key provided: {sent}. Find your key elsewhere."
            self._send_json(401, {"error": {"message": message, "code": "invalid_api_key"}})
        elif mode is StubMode.HANG:
            stub._closing.wait(stub.hang_s)
            self.close_connection = True
        elif mode is StubMode.SERVER_ERROR:
            self._send_json(500, {"error": {"message": custom or "stub server error"}})
        elif mode is StubMode.WRONG_SHAPE:
            self._send_json(200, {**stub._completion("unused"), "choices": 5})
        elif mode is StubMode.GARBAGE:
            self._send_json(200, b"<html>this is {not a chat completion")
        elif body.get("stream"):
            self._stream(stub._text_for(body), die=mode is StubMode.DIE_MID_STREAM)
        else:
            self._send_json(200, stub._completion(stub._text_for(body)),
                            die=mode is StubMode.DIE_MID_STREAM)

    def _send_raw(self, raw: RawReply) -> None:
        chunked = isinstance(raw.body, tuple)
        framing = ("Transfer-Encoding", "chunked") if chunked else (
            "Content-Length", str(len(raw.body)))
        given = {name.lower() for name, _ in raw.headers}
        self.send_response(raw.status)
        for name, value in [*raw.headers, ("Connection", "close")]:
            self.send_header(name, value)
        if framing[0].lower() not in given:
            self.send_header(*framing)
        self.end_headers()
        if chunked:
            for piece in raw.body:
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            if not raw.cut:
                self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(raw.body[: len(raw.body) // 2] if raw.cut else raw.body)
        self.wfile.flush()
        if raw.cut:
            self.connection.shutdown(socket.SHUT_RDWR)

    def _trickle(self, data: bytes) -> None:
        """Send ``data`` one byte at a time until done, the server closes or the client leaves."""
        self.close_connection = True
        for i in range(len(data)):
            self.wfile.write(data[i : i + 1])
            self.wfile.flush()
            if self.stub._closing.wait(self.stub.trickle_s):
                return

    def _write_chunk(self, data: bytes) -> None:
        framed = f"{len(data):x}\r\n".encode() + data + b"\r\n"
        if self.stub.mode is StubMode.TRICKLE:
            self._trickle(framed)
            return
        self.wfile.write(framed)
        self.wfile.flush()

    def _stream(self, text: str, die: bool) -> None:
        stub = self.stub
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        pieces = [text[i : i + stub.chunk_chars] for i in range(0, len(text), stub.chunk_chars)]
        if die:
            pieces = pieces[: max(1, len(pieces) // 2)]
        events = [stub._chunk({"role": "assistant", "content": ""}, None)]
        events += [stub._chunk({"content": p}, None) for p in pieces]
        for event in events:
            self._write_chunk(f"data: {json.dumps(event)}\n\n".encode())
        if die:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._write_chunk(f"data: {json.dumps(stub._chunk({}, 'stop'))}\n\n".encode())
        self._write_chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
