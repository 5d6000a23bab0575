"""Interaction sequences for knowledge tracing: token vocabulary, ragged encoding, padded batches.

A canonical interaction frame (``user_id, item_id, skill_ids, correct, timestamp``) becomes an
:class:`Interactions`: one row per answered item, each row a short list of token ids (its skills
at skill level, its question at question level), grouped into contiguous per-learner slices.
Multi-skill rows stay one row with several tokens, so no model ever sees the answer of the same
attempt through an expanded copy of it (the leak of expanding rows at skill level).

Long sequences are cut into consecutive windows of at most ``window`` rows (as DKT and pyKT
do), or into overlapping ones (:meth:`Interactions.sliding_windows`) so that every row after a
learner's first window is predicted with at least ``window - stride`` earlier rows in view;
:meth:`Interactions.batch` pads a set of windows into a :class:`SequenceBatch` of tensors
with masks.

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"user_id": ["a", "a", "b"], "item_id": ["q1", "q2", "q1"],
    ...                    "skill_ids": [["s1"], ["s1", "s2"], ["s1"]],
    ...                    "correct": [True, False, True], "timestamp": [1, 2, 1]})
    >>> vocab = Vocabulary.from_frame(df, Level.SKILL)
    >>> vocab.tokens
    ('<unk>', 's1', 's2')
    >>> data = encode(df, vocab)
    >>> data.tokens.tolist(), data.offsets.tolist()
    ([[2, 0], [2, 3], [2, 0]], [0, 2, 3])
    >>> batch = data.batch(data.windows(10))
    >>> tuple(batch.tokens.shape), batch.mask.tolist()
    ((2, 2, 2), [[True, True], [True, False]])
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

__all__ = ["Level", "Vocabulary", "Interactions", "SequenceBatch", "encode", "PAD", "UNK"]

#: Token id of padding (no token).
PAD = 0
#: Token id of anything not in the vocabulary (skills or questions unseen in training).
UNK = 1
_UNK_NAME = "<unk>"


class Level(str, enum.Enum):
    """What a token is: a skill (knowledge component) or a question."""

    SKILL = "skill"
    QUESTION = "question"


def _natural_key(name: str) -> tuple[int, int | str]:
    return (0, int(name)) if name.isdigit() else (1, name)


@dataclass(frozen=True)
class Vocabulary:
    """Token names; token id ``i`` is ``tokens[i - 1]`` (id 0 is padding, id 1 unknown).

    Attributes:
        level: Whether tokens are skills or questions.
        tokens: Token names, ``tokens[0] == "<unk>"``.
        token_skills: The skills of each token (a skill token's skill is itself).
    """

    level: Level
    tokens: tuple[str, ...]
    token_skills: tuple[tuple[str, ...], ...]

    @property
    def size(self) -> int:
        """Number of token ids, padding included."""
        return len(self.tokens) + 1

    @property
    def skills(self) -> tuple[str, ...]:
        """The known skills, in natural order (unknown excluded)."""
        found = {s for skills in self.token_skills[1:] for s in skills}
        return tuple(sorted(found, key=_natural_key))

    def ids(self, names: pd.Series) -> np.ndarray:
        """Token ids of ``names``; unknown names map to :data:`UNK`."""
        lookup = {name: i + 1 for i, name in enumerate(self.tokens)}
        return names.map(lookup).fillna(UNK).to_numpy(dtype=np.int64)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, level: Level | str = Level.SKILL) -> Vocabulary:
        """The vocabulary of a canonical interaction frame at ``level``."""
        level = Level(level)
        if level is Level.SKILL:
            found = {str(s) for s in frame["skill_ids"].explode().dropna()}
            names = sorted(found, key=_natural_key)
            skills = [(n,) for n in names]
        else:
            first = frame.drop_duplicates("item_id")
            ids = [str(i) for i in first["item_id"]]
            order = sorted(range(len(ids)), key=lambda i: _natural_key(ids[i]))
            names = [ids[i] for i in order]
            skills = [tuple(str(s) for s in first["skill_ids"].iat[i]) for i in order]
        return cls(level, (_UNK_NAME, *names), ((), *skills))

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return {
            "level": self.level.value,
            "tokens": list(self.tokens),
            "token_skills": [list(s) for s in self.token_skills],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> Vocabulary:
        """Inverse of :meth:`to_dict`."""
        return cls(
            Level(data["level"]),
            tuple(data["tokens"]),
            tuple(tuple(s) for s in data["token_skills"]),
        )


@dataclass(frozen=True)
class SequenceBatch:
    """Padded windows: ``tokens (B, T, S)`` (0 pads), ``correct (B, T)``, ``mask (B, T)``."""

    tokens: torch.Tensor
    correct: torch.Tensor
    mask: torch.Tensor

    def to(self, device: torch.device | str) -> SequenceBatch:
        """The same batch on ``device``."""
        return SequenceBatch(*(t.to(device) for t in (self.tokens, self.correct, self.mask)))


@dataclass(frozen=True)
class Interactions:
    """Encoded interactions, ragged by learner.

    Attributes:
        tokens: ``(N, S)`` token ids per row, padded with :data:`PAD`.
        correct: ``(N,)`` bool.
        offsets: ``(U + 1,)``; learner ``u``'s rows are ``offsets[u]:offsets[u + 1]``.
        users: ``(U,)`` learner ids.
    """

    tokens: np.ndarray
    correct: np.ndarray
    offsets: np.ndarray
    users: np.ndarray

    def __len__(self) -> int:
        return int(self.correct.shape[0])

    @property
    def lengths(self) -> np.ndarray:
        """Rows per learner."""
        return np.diff(self.offsets)

    def learner_of_row(self) -> np.ndarray:
        """Learner index of every row."""
        return np.repeat(np.arange(len(self.users)), self.lengths)

    def select(self, learners: np.ndarray) -> Interactions:
        """The learners at indices ``learners`` (in that order)."""
        learners = np.asarray(learners, dtype=np.int64)
        starts, ends = self.offsets[learners], self.offsets[learners + 1]
        rows = _ranges(starts, ends)
        offsets = np.concatenate([[0], np.cumsum(ends - starts)])
        return Interactions(self.tokens[rows], self.correct[rows], offsets, self.users[learners])

    def windows(self, window: int, min_length: int = 1) -> np.ndarray:
        """``(W, 2)`` row ranges: each learner's rows cut into consecutive chunks of ``window``.

        Chunks shorter than ``min_length`` are dropped.
        """
        if window < 1:
            raise ValueError(f"window must be >= 1, got {window}")
        lengths = self.lengths
        counts = -(-lengths // window)
        starts = _ranges(self.offsets[:-1], self.offsets[:-1] + counts * window, step=window)
        ends = np.minimum(starts + window, np.repeat(self.offsets[1:], counts))
        keep = ends - starts >= min_length
        return np.stack([starts[keep], ends[keep]], axis=1)

    def sliding_windows(self, window: int, stride: int) -> np.ndarray:
        """``(W, 3)`` rows ``start, end, new``: overlapping windows of at most ``window`` rows.

        Each learner's first window is its first ``window`` rows (``new == start``); every
        later one ends ``stride`` rows further and reaches back ``window`` rows, and only its
        rows from ``new`` (the previous window's end) on are new. So every row is new in
        exactly one window, where it has at least ``window - stride`` earlier rows of its
        learner before it (all of them when there are fewer).
        """
        if not 1 <= stride < window:
            raise ValueError(f"stride must lie in [1, window), got {stride} for {window}")
        first, lengths = self.offsets[:-1], self.lengths
        counts = 1 + -(-np.maximum(lengths - window, 0) // stride)
        k = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        base, length = np.repeat(first, counts), np.repeat(lengths, counts)
        ends = base + np.minimum(window + k * stride, length)
        starts = np.maximum(ends - window, base)
        new = np.where(k == 0, base, base + window + (k - 1) * stride)
        return np.stack([starts, ends, new], axis=1)

    def batch(self, windows: np.ndarray) -> SequenceBatch:
        """Windows ``(B, 2)`` padded to the longest one, as CPU tensors."""
        starts, ends = windows[:, 0], windows[:, 1]
        length = int((ends - starts).max())
        steps = np.arange(length)
        mask = steps[None, :] < (ends - starts)[:, None]
        rows = np.where(mask, starts[:, None] + steps[None, :], 0)
        tokens = np.where(mask[..., None], self.tokens[rows], 0)
        correct = np.where(mask, self.correct[rows], False)
        return SequenceBatch(
            torch.from_numpy(tokens), torch.from_numpy(correct.astype(np.float32)),
            torch.from_numpy(mask),
        )

    def fingerprint(self) -> str:
        """A short hash of the encoded data (for checkpoints)."""
        digest = hashlib.sha256()
        for array in (self.tokens, self.correct, self.offsets):
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()[:16]


def _ranges(starts: np.ndarray, ends: np.ndarray, step: int = 1) -> np.ndarray:
    """Concatenated ``arange(start, end, step)`` for each pair, without a Python loop."""
    counts = np.maximum(-(-(ends - starts) // step), 0)
    total = int(counts.sum())
    first = np.repeat(starts, counts)
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return first + within * step


def encode(frame: pd.DataFrame, vocab: Vocabulary) -> Interactions:
    """Encode a canonical interaction frame with ``vocab``.

    Rows keep their order within each learner; learners appear in order of first appearance.

    Raises:
        ValueError: When a required column is missing or the frame is empty.
    """
    missing = [c for c in ("user_id", "item_id", "skill_ids", "correct") if c not in frame]
    if missing:
        raise ValueError(f"interaction frame lacks column(s) {missing}")
    if frame.empty:
        raise ValueError("interaction frame has no rows")
    codes, users = pd.factorize(frame["user_id"], sort=False)
    order = np.argsort(codes, kind="stable")
    frame = frame.iloc[order]
    if vocab.level is Level.SKILL:
        exploded = frame["skill_ids"].reset_index(drop=True).explode()
        ids = vocab.ids(exploded.astype("string").astype(object))
        row = exploded.index.to_numpy()
        slot = exploded.groupby(level=0).cumcount().to_numpy()
        tokens = np.zeros((len(frame), max(int(slot.max()) + 1, 1)), dtype=np.int64)
        tokens[row, slot] = ids
    else:
        tokens = vocab.ids(frame["item_id"].astype(str))[:, None]
    counts = np.bincount(codes, minlength=len(users))
    offsets = np.concatenate([[0], np.cumsum(counts)])
    correct = frame["correct"].to_numpy(dtype=bool)
    return Interactions(tokens, correct, offsets, np.asarray(users, dtype=object))
