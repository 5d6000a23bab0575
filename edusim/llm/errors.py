"""The one error type of the chat layer.

Everything that can go wrong between edusim and a language model (a dead server, a bad key, a
timeout, a broken stream, text that cannot be parsed into the requested structure) surfaces as
:class:`LLMError`. Its :attr:`~LLMError.kind` says which of these happened and its message says
where; the API key never appears in it.
"""

from __future__ import annotations

from enum import Enum

__all__ = ["LLMError", "LLMErrorKind", "StructuredOutputError", "redact"]


class LLMErrorKind(str, Enum):
    """What went wrong, for callers that react differently (e.g. retry on ``TIMEOUT``)."""

    CONNECTION = "connection"
    TIMEOUT = "timeout"
    AUTH = "auth"
    STATUS = "status"
    MALFORMED = "malformed"
    STREAM = "stream"
    PARSE = "parse"
    UNSUPPORTED = "unsupported"
    CONFIG = "config"


class LLMError(RuntimeError):
    """A chat request failed; ``kind`` says how and the message says where.

    Args:
        message: What happened, already free of secrets.
        kind: The failure category.

    Example:
        >>> err = LLMError("cannot reach http://127.0.0.1:9/v1", LLMErrorKind.CONNECTION)
        >>> str(err), err.kind.value
        ('[connection] cannot reach http://127.0.0.1:9/v1', 'connection')
    """

    def __init__(self, message: str, kind: LLMErrorKind) -> None:
        super().__init__(f"[{kind.value}] {message}")
        self.kind = kind
        self.detail = message


class StructuredOutputError(LLMError):
    """Model text that could not be parsed into the requested type.

    Attributes:
        reason: What did not fit (without the "cannot parse" prefix).
        text: The offending text (truncated to 2,000 characters).
        target: Name of the requested type.
    """

    def __init__(self, message: str, text: str, target: str) -> None:
        super().__init__(f"cannot parse {target}: {message}", LLMErrorKind.PARSE)
        self.reason = message
        self.text = text[:2000]
        self.target = target


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` (and of its long prefixes) masked.

    Example:
        >>> redact("key sk-abc123 rejected", "sk-abc123")
        'key *** rejected'
    """
    if not secret:
        return text
    text = text.replace(secret, "***")
    # Servers often echo a truncated key ("sk-abc1****"): mask any prefix of 8+ characters.
    for n in range(len(secret) - 1, 7, -1):
        if secret[:n] in text:
            text = text.replace(secret[:n], "***")
    return text
