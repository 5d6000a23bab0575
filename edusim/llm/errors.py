"""The one error type of the chat layer.

Everything that can go wrong between edusim and a language model (a dead server, a bad key, a
timeout, a broken stream, text that cannot be parsed into the requested structure) surfaces as
:class:`LLMError`. Its :attr:`~LLMError.kind` says which of these happened and its message says
where; the API key never appears in it.
"""

from __future__ import annotations

from enum import Enum

from edusim.text import clip

__all__ = ["LLMError", "LLMErrorKind", "StructuredOutputError", "clip", "redact"]


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


#: Shortest piece of a secret that counts as leaking it (shorter runs are too common to mask).
MIN_SECRET_PIECE = 6


def redact(text: str, secret: str | None) -> str:
    """``text`` with every run of 6+ characters that occurs in ``secret`` masked as ``***``.

    Servers echo keys whole, truncated (``sk-abc1****``) or by their tail (``...ending
    3456789abc``), so every substring of the key of :data:`MIN_SECRET_PIECE` or more characters
    is masked, wherever it starts. A secret shorter than that is masked whole.

    Example:
        >>> redact("key sk-abc123 rejected", "sk-abc123")
        'key *** rejected'
        >>> redact("bad key ending c123456 (tail)", "sk-abc123456")
        'bad key ending *** (tail)'
    """
    if not secret or not text:
        return text
    if len(secret) < MIN_SECRET_PIECE:
        return text.replace(secret, "***")
    # Every substring of length >= n is a chain of overlapping n-grams of the secret, so
    # masking each n-gram occurrence (merged where they touch) masks exactly those runs.
    n = MIN_SECRET_PIECE
    spans: list[tuple[int, int]] = []
    for gram in {secret[i : i + n] for i in range(len(secret) - n + 1)}:
        start = text.find(gram)
        while start != -1:
            spans.append((start, start + n))
            start = text.find(gram, start + 1)
    merged: list[list[int]] = []
    for start, stop in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    pieces, cursor = [], 0
    for start, stop in merged:
        pieces += [text[cursor:start], "***"]
        cursor = stop
    pieces.append(text[cursor:])
    return "".join(pieces)
