"""The token vocabulary and the fixed-length format students read and write.

A problem is a prompt text (``"12+35="``, ``"ann has 3 apples gets 4 more how many"``) and an
answer text (``"47"``, ``"<"``). Texts split into tokens: every digit and symbol is one token,
every template word is one token. Prompts are **left**-padded with ``pad_id`` to
``prompt_len`` tokens, so every answer starts at the same position; answers are at most
``answer_len`` tokens **including** the closing ``eos_id``, right-padded with ``pad_id``. With
``reverse_answer`` the answer's digits are written least-significant first (the order in which
a left-to-right model can carry), which the format undoes when decoding.

Example:
    >>> fmt = TaskFormat(prompt_len=8, answer_len=4)
    >>> fmt.encode_prompt("12+35=").tolist()
    [0, 0, 3, 4, 12, 5, 7, 15]
    >>> fmt.encode_answer("47").tolist()
    [9, 6, 1, 0]
    >>> fmt.decode_answer(fmt.encode_answer("47"))
    '47'
    >>> fmt.decode_prompt(fmt.encode_prompt("12+35="))
    '12+35='
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

__all__ = ["PAD", "EOS", "TOKENS", "TaskFormat", "TokenizeError", "tokenize", "vocab_size"]

PAD, EOS = "<pad>", "<eos>"
_WORDS = (
    "has", "gets", "more", "gives", "away", "how", "many", "left", "ann", "bob", "eve",
    "apples", "pens", "cards",
)
#: Every token; its position is its id: pad 0, eos 1, digits 2-11, symbols, then words.
TOKENS: tuple[str, ...] = (PAD, EOS, *"0123456789", "+", "-", "*", "=", "<", ">", "?", "x",
                           *_WORDS)
_ID = {tok: i for i, tok in enumerate(TOKENS)}
_SPLIT = re.compile(r"[a-z]+|\S")


class TokenizeError(ValueError):
    """A text that does not fit the vocabulary or the format's lengths."""


def vocab_size() -> int:
    """Number of token ids (ids are ``0 .. vocab_size() - 1``).

    Example:
        >>> vocab_size()
        34
    """
    return len(TOKENS)


def tokenize(text: str) -> list[int]:
    """Token ids of ``text`` (no padding, no eos); unknown words raise :class:`TokenizeError`.

    Example:
        >>> tokenize("x+3=5")
        [19, 12, 5, 15, 7]
    """
    ids = []
    for piece in _SPLIT.findall(text.lower()):
        if piece not in _ID or piece in (PAD, EOS):
            raise TokenizeError(f"unknown token {piece!r} in {text!r}")
        ids.append(_ID[piece])
    return ids


def _join(tokens: list[str]) -> str:
    out, prev = "", ""
    for tok in tokens:
        if out and (len(tok) > 1 or len(prev) > 1):  # words are spaced, symbols are not
            out += " "
        out += tok
        prev = tok
    return out


@dataclass(frozen=True)
class TaskFormat:
    """Fixed lengths and answer order of the token tensors.

    Attributes:
        prompt_len: Tokens per prompt (``Lp``), left-padded.
        answer_len: Tokens per answer (``La``) including eos, right-padded.
        reverse_answer: Write answer digits least-significant first.
    """

    prompt_len: int = 16
    answer_len: int = 6
    reverse_answer: bool = True

    pad_id: ClassVar[int] = 0
    eos_id: ClassVar[int] = 1

    def __post_init__(self) -> None:
        if self.prompt_len < 2 or self.answer_len < 2:
            raise ValueError("prompt_len and answer_len must be >= 2")

    @property
    def vocab_size(self) -> int:
        """Number of token ids."""
        return vocab_size()

    def encode_prompt(self, text: str) -> np.ndarray:
        """``(prompt_len,)`` int64, left-padded; too long raises :class:`TokenizeError`."""
        ids = tokenize(text)
        if len(ids) > self.prompt_len:
            raise TokenizeError(f"prompt {text!r} has {len(ids)} tokens > {self.prompt_len}")
        out = np.full(self.prompt_len, self.pad_id, dtype=np.int64)
        if ids:
            out[-len(ids):] = ids
        return out

    def encode_answer(self, text: str) -> np.ndarray:
        """``(answer_len,)`` int64: the answer's tokens, eos, then padding."""
        ids = tokenize(text)
        if self.reverse_answer:
            ids = ids[::-1]
        if len(ids) + 1 > self.answer_len:
            raise TokenizeError(f"answer {text!r} needs {len(ids) + 1} tokens > {self.answer_len}")
        out = np.full(self.answer_len, self.pad_id, dtype=np.int64)
        out[: len(ids)] = ids
        out[len(ids)] = self.eos_id
        return out

    def decode_prompt(self, ids: np.ndarray) -> str:
        """The text of a (padded) prompt."""
        return _join([TOKENS[int(i)] for i in np.asarray(ids) if int(i) != self.pad_id])

    def decode_answer(self, ids: np.ndarray) -> str:
        """The text of a predicted answer: tokens up to the first eos (or pad)."""
        tokens = []
        for i in np.asarray(ids).tolist():
            if i in (self.eos_id, self.pad_id):
                break
            tokens.append(TOKENS[i] if 0 <= i < len(TOKENS) else "?")
        return _join(tokens[::-1] if self.reverse_answer else tokens)

    def encode_answers(self, texts: list[str]) -> np.ndarray:
        """``(n, answer_len)`` int64 for a list of answer texts."""
        out = np.full((len(texts), self.answer_len), self.pad_id, dtype=np.int64)
        for row, text in enumerate(texts):
            out[row] = self.encode_answer(text)
        return out

    def encode_prompts(self, texts: list[str]) -> np.ndarray:
        """``(n, prompt_len)`` int64 for a list of prompt texts."""
        out = np.full((len(texts), self.prompt_len), self.pad_id, dtype=np.int64)
        for row, text in enumerate(texts):
            out[row] = self.encode_prompt(text)
        return out
