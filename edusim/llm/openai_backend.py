"""The OpenAI-compatible backend (OpenAI, vLLM, Ollama, llama.cpp server, ...).

It wraps the official ``openai`` client with a deliberate timeout and retry count, and turns
every failure (no server, bad key, timeout, HTTP error, a stream that breaks off, a reply that
is not a chat completion) into one :class:`~edusim.llm.LLMError`. The API key is kept out of
``repr``, ``describe`` and every error message.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

import openai

from edusim.llm.base import ChatBackend, Message
from edusim.llm.deadline import Deadline, DeadlineExceeded, call_by, iterate_by
from edusim.llm.errors import LLMError, LLMErrorKind, redact

__all__ = ["OpenAIBackend", "DEFAULT_BASE_URL", "DEFAULT_TIMEOUT_S", "DEFAULT_MAX_RETRIES"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_RETRIES = 1
_NO_KEY = "no-key"  # local servers accept any key; the client insists on a non-empty one


#: Transport errors that mean the server hung up after it had started to answer.
_BROKEN_OFF = frozenset({"RemoteProtocolError", "ReadError"})


class OpenAIBackend(ChatBackend):
    """Chat with an OpenAI-compatible ``/v1/chat/completions`` endpoint.

    Args:
        model: Model name the server knows.
        base_url: API root, e.g. ``http://127.0.0.1:8000/v1``.
        api_key: Secret key; ``None`` for servers that need none. Never shown anywhere.
        timeout_s: Deadline in seconds for a whole request, retries included (a server that
            trickles bytes cannot stretch it).
        max_retries: Retries on connection errors, timeouts, 429 and 5xx answers.

    Example:
        >>> backend = OpenAIBackend("qwen2.5", "http://127.0.0.1:8000/v1", api_key="sk-secret1")
        >>> backend.describe()
        'OpenAI-compatible at http://127.0.0.1:8000/v1, model qwen2.5'
        >>> "sk-secret1" in repr(backend)
        False
    """

    def __init__(
        self,
        model: str,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str | None = None,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        if not model:
            raise LLMError("an OpenAI-compatible backend needs a model name", LLMErrorKind.CONFIG)
        if timeout_s <= 0 or max_retries < 0:
            raise LLMError(
                f"timeout_s must be > 0 and max_retries >= 0, got {timeout_s}, {max_retries}",
                LLMErrorKind.CONFIG,
            )
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.timeout_s = float(timeout_s)
        self.max_retries = int(max_retries)
        self._key = api_key or None
        self._client = self._new_client()

    def __repr__(self) -> str:
        key = "set" if self._key else "none"
        return (
            f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r}, api_key=<{key}>, "
            f"timeout_s={self.timeout_s}, max_retries={self.max_retries})"
        )

    def describe(self) -> str:
        """``"OpenAI-compatible at <base_url>, model <model>"``."""
        return f"OpenAI-compatible at {self.base_url}, model {self.model}"

    def mask(self, text: str) -> str:
        """``text`` with every run of 6+ characters of the API key masked as ``***``."""
        return redact(text, self._key)

    def _chat(
        self, messages: Sequence[Message], temperature: float, max_tokens: int | None
    ) -> str:
        """The reply to ``messages`` (any piece of the API key in it masked).

        The whole request, retries included, must finish within ``timeout_s``.

        Raises:
            LLMError: On any transport, HTTP or format failure, or when the deadline passes.
        """
        deadline = Deadline(self.timeout_s)
        error: LLMError | None = None
        try:
            response = call_by(
                lambda: self._create(messages, temperature, max_tokens, stream=False), deadline
            )
            content = self._content(response)
        except LLMError as exc:
            error = exc
        except DeadlineExceeded:
            error = self._timed_out()
        except openai.OpenAIError as exc:
            error = self._translate(exc)
        except (ValueError, RecursionError) as exc:  # not JSON (or UTF-8), or nested too deep
            error = self._malformed(f"the body does not parse ({self._clean(exc)})", None)
        except Exception as exc:  # whatever else the client's reading of a reply can raise
            error = self._malformed(f"the reply cannot be read ({self._clean(exc)})", None)
        if error is not None:
            raise error  # raised here, outside the handler: no chained server text
        return self.mask(content)

    def _stream(
        self, messages: Sequence[Message], temperature: float, max_tokens: int | None
    ) -> Iterator[str]:
        """The reply in pieces as the server sends them (server-sent events).

        Pieces are held back by the key's length so that a key split across pieces is still
        masked; the whole stream must finish within ``timeout_s``.

        Raises:
            LLMError: On any failure, including a stream that stops before the server marks
                the reply finished, or the deadline passing.
        """
        masker = _StreamMasker(self._key)
        finished, pieces = False, 0
        error: LLMError | None = None
        try:
            chunks = iterate_by(
                lambda: self._create(messages, temperature, max_tokens, stream=True),
                Deadline(self.timeout_s),
            )
            for chunk in chunks:
                for choice in _choices(chunk) or ():
                    piece, done = self._delta(choice)
                    if piece:
                        pieces += 1
                        shown = masker.feed(piece)
                        if shown:
                            yield shown
                    finished = finished or done
        except LLMError as exc:
            error = exc
        except DeadlineExceeded:
            error = self._timed_out()
        except openai.OpenAIError as exc:
            error = self._translate(exc) if pieces == 0 else self._broke_off(exc, pieces)
        except Exception as exc:  # the transport breaking mid-stream, undecodable events
            error = self._broke_off(exc, pieces)
        if error is not None:
            raise error  # raised here, outside the handler: no chained server text
        rest = masker.flush()
        if rest:
            yield rest
        if not finished:
            raise LLMError(
                f"stream from {self.base_url} ended before the server finished the reply",
                LLMErrorKind.STREAM,
            )

    # -- helpers ---------------------------------------------------------------------------
    def _create(
        self, messages: Sequence[Message], temperature: float, max_tokens: int | None, stream: bool
    ) -> Any:
        kwargs: dict[str, Any] = {"temperature": temperature}
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        return self._client.chat.completions.create(
            model=self.model, messages=[m.to_dict() for m in messages], stream=stream, **kwargs
        )

    def _content(self, response: Any) -> str:
        choices = _choices(response)
        if not choices:
            raise self._malformed("the reply has no list of choices", response)
        content = getattr(getattr(choices[0], "message", None), "content", None)
        if not isinstance(content, str):
            raise self._malformed("the first choice has no text content", response)
        return content

    def _delta(self, choice: Any) -> tuple[str, bool]:
        """A streamed choice's text (``""`` if none) and whether it ends the reply."""
        piece = getattr(getattr(choice, "delta", None), "content", None)
        if piece is not None and not isinstance(piece, str):
            raise self._malformed(f"a streamed piece is {type(piece).__name__}, not text", None)
        return piece or "", bool(getattr(choice, "finish_reason", None))

    def _timed_out(self) -> LLMError:
        # The request's thread may still be reading: close its connections so it ends, and
        # give later requests a fresh client.
        stale, self._client = self._client, self._new_client()
        threading.Thread(target=stale.close, daemon=True).start()
        return LLMError(
            f"{self.base_url} did not finish answering within {self.timeout_s:g} s "
            f"(the deadline for the whole request, {self.max_retries} retries included)",
            LLMErrorKind.TIMEOUT,
        )

    def _new_client(self) -> openai.OpenAI:
        return openai.OpenAI(
            api_key=self._key or _NO_KEY,
            base_url=self.base_url,
            timeout=self.timeout_s,
            max_retries=self.max_retries,
        )

    def _clean(self, exc: BaseException | str) -> str:
        text = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
        return self.mask(text)[:500]

    def _broke_off(self, exc: BaseException, pieces: int) -> LLMError:
        return LLMError(
            f"stream from {self.base_url} broke off after {pieces} piece(s): {self._clean(exc)}",
            LLMErrorKind.STREAM,
        )

    def _malformed(self, what: str, response: Any) -> LLMError:
        got = "" if response is None else f" (got {self._clean(repr(response)[:200])})"
        return LLMError(
            f"malformed reply from {self.base_url}: {what}{got}", LLMErrorKind.MALFORMED
        )

    def _translate(self, exc: openai.OpenAIError) -> LLMError:
        where = self.base_url
        if isinstance(exc, openai.APITimeoutError):
            return LLMError(
                f"{where} did not answer within {self.timeout_s:g} s ({self.max_retries} retries)",
                LLMErrorKind.TIMEOUT,
            )
        if isinstance(exc, openai.APIConnectionError):
            cause = exc.__cause__
            # The HTTP library under openai varies by version (httpx, httpx2): match by name.
            if type(cause).__name__ in _BROKEN_OFF:
                return LLMError(f"the connection to {where} broke off mid-reply: "
                                f"{self._clean(cause)}", LLMErrorKind.CONNECTION)
            return LLMError(f"cannot reach {where}: {self._clean(exc)}", LLMErrorKind.CONNECTION)
        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return LLMError(
                f"{where} rejected the API key (HTTP {exc.status_code}); check OPENAI_API_KEY",
                LLMErrorKind.AUTH,
            )
        if isinstance(exc, openai.APIStatusError):
            return LLMError(
                f"{where} answered HTTP {exc.status_code}: {self._clean(exc.message)}",
                LLMErrorKind.STATUS,
            )
        if isinstance(exc, openai.APIResponseValidationError):
            return LLMError(
                f"malformed reply from {where}: {self._clean(exc)}", LLMErrorKind.MALFORMED
            )
        return LLMError(f"request to {where} failed: {self._clean(exc)}", LLMErrorKind.MALFORMED)


def _choices(response: Any) -> list | tuple | None:
    """The reply's ``choices`` when it is a list (servers have sent numbers and objects)."""
    choices = getattr(response, "choices", None)
    return choices if isinstance(choices, list | tuple) else None


class _StreamMasker:
    """Masks the key in streamed text, holding back enough to catch a key split over pieces."""

    def __init__(self, secret: str | None) -> None:
        self.secret = secret
        self.hold = len(secret) - 1 if secret else 0
        self.pending = ""

    def feed(self, piece: str) -> str:
        if not self.secret:
            return piece
        self.pending = redact(self.pending + piece, self.secret)
        cut = max(0, len(self.pending) - self.hold)
        shown, self.pending = self.pending[:cut], self.pending[cut:]
        return shown

    def flush(self) -> str:
        rest, self.pending = redact(self.pending, self.secret), ""
        return rest
