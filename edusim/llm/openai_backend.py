"""The OpenAI-compatible backend (OpenAI, vLLM, Ollama, llama.cpp server, ...).

It wraps the official ``openai`` client with a deliberate timeout and retry count, and turns
every failure (no server, bad key, timeout, HTTP error, a stream that breaks off, a reply that
is not a chat completion) into one :class:`~edusim.llm.LLMError`. The API key is kept out of
``repr``, ``describe`` and every error message.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import openai

from edusim.llm.base import ChatBackend, Message
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
        timeout_s: Seconds per request (connect, read, write) before giving up.
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
        self._client = openai.OpenAI(
            api_key=api_key or _NO_KEY,
            base_url=self.base_url,
            timeout=self.timeout_s,
            max_retries=self.max_retries,
        )

    def __repr__(self) -> str:
        key = "set" if self._key else "none"
        return (
            f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r}, api_key=<{key}>, "
            f"timeout_s={self.timeout_s}, max_retries={self.max_retries})"
        )

    def describe(self) -> str:
        """``"OpenAI-compatible at <base_url>, model <model>"``."""
        return f"OpenAI-compatible at {self.base_url}, model {self.model}"

    def chat(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.2,
        max_tokens: int | None = None,
    ) -> str:
        """The reply to ``messages``.

        Raises:
            LLMError: On any transport, HTTP or format failure.
        """
        try:
            response = self._create(messages, temperature, max_tokens, stream=False)
            choices = getattr(response, "choices", None)
            if not choices:
                raise self._malformed("the reply has no choices", response)
            content = getattr(getattr(choices[0], "message", None), "content", None)
        except openai.OpenAIError as exc:
            raise self._translate(exc) from None
        except ValueError as exc:  # a body that is not JSON
            raise self._malformed(f"the body does not parse ({self._clean(exc)})", None) from None
        if not isinstance(content, str):
            raise self._malformed("the first choice has no text content", response)
        return content

    def stream(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.2,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        """The reply in pieces as the server sends them (server-sent events).

        Raises:
            LLMError: On any failure, including a stream that stops before the server marks
                the reply finished.
        """
        finished, pieces = False, 0
        try:
            chunks = self._create(messages, temperature, max_tokens, stream=True)
            for chunk in chunks:
                for choice in getattr(chunk, "choices", None) or ():
                    piece = getattr(choice.delta, "content", None) if choice.delta else None
                    if piece:
                        pieces += 1
                        yield piece
                    finished = finished or bool(choice.finish_reason)
        except LLMError:
            raise
        except openai.OpenAIError as exc:
            if pieces == 0:
                raise self._translate(exc) from None
            raise self._broke_off(exc, pieces) from None
        except Exception as exc:  # the transport breaking mid-stream, undecodable events
            raise self._broke_off(exc, pieces) from None
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

    def _clean(self, exc: BaseException | str) -> str:
        text = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
        return redact(text, self._key)[:500]

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
