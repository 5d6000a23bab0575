"""A batch of examples as token arrays with labels, and how answers are scored against it.

Example:
    >>> import numpy as np
    >>> from edusim.tasks.vocab import TaskFormat
    >>> fmt = TaskFormat(prompt_len=8, answer_len=4)
    >>> batch = Examples(fmt.encode_prompts(["1+2=", "5?3"]), fmt.encode_answers(["3", ">"]),
    ...                  subskill=np.array([0, 6]))
    >>> len(batch), batch.take(np.array([1])).subskill.tolist()
    (2, [6])
    >>> guesses = fmt.encode_answers(["3", "<"])[None]      # one student, [K, N, La]
    >>> exact_match(guesses, batch.answers, eos_id=fmt.eos_id).tolist()
    [[True, False]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Examples", "exact_match", "group_mean"]


@dataclass(frozen=True)
class Examples:
    """``n`` examples; every array has the example as its leading axis.

    Attributes:
        prompts: ``(n, Lp)`` int64 token ids, left-padded.
        answers: ``(n, La)`` int64 reference answers (eos, then padding).
        subskill: ``(n,)`` int64 index into the domain's sub-skills.
        correct: ``(n,)`` bool: the reference answer is the solver's (false for answers made
            wrong on purpose or written wrong by an engine that is kept anyway).
        known: ``(n,)`` bool: the student already answered it right when it was generated
            (all false when nobody checked).
    """

    prompts: np.ndarray
    answers: np.ndarray
    subskill: np.ndarray
    correct: np.ndarray = field(default=None)  # type: ignore[assignment]
    known: np.ndarray = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        n = len(self.prompts)
        if self.correct is None:
            object.__setattr__(self, "correct", np.ones(n, dtype=bool))
        if self.known is None:
            object.__setattr__(self, "known", np.zeros(n, dtype=bool))
        for name in ("answers", "subskill", "correct", "known"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"Examples.{name} has {len(getattr(self, name))} rows, "
                                 f"prompts {n}")

    def __len__(self) -> int:
        return len(self.prompts)

    def take(self, index: np.ndarray) -> Examples:
        """The examples at ``index`` (an int or bool array)."""
        return Examples(self.prompts[index], self.answers[index], self.subskill[index],
                        self.correct[index], self.known[index])

    @staticmethod
    def concat(parts: list[Examples], prompt_len: int, answer_len: int) -> Examples:
        """All ``parts`` in order (an empty list gives an empty batch of these lengths)."""
        if not parts:
            return Examples(np.zeros((0, prompt_len), np.int64),
                            np.zeros((0, answer_len), np.int64), np.zeros(0, np.int64))
        return Examples(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                          ("prompts", "answers", "subskill", "correct", "known")))


def exact_match(predicted: np.ndarray, reference: np.ndarray, eos_id: int) -> np.ndarray:
    """Whether each predicted answer equals its reference up to and including the first eos.

    Args:
        predicted: ``(..., N, La)`` token ids (a leading student axis is fine).
        reference: ``(N, La)`` or the same shape as ``predicted``.
        eos_id: The end-of-answer token.

    Returns:
        Bool array of shape ``predicted.shape[:-1]``.
    """
    predicted, reference = np.asarray(predicted), np.asarray(reference)
    upto = np.cumsum(reference == eos_id, axis=-1) - (reference == eos_id) == 0
    upto = np.broadcast_to(upto, np.broadcast_shapes(upto.shape, predicted.shape))
    return np.all((predicted == reference) | ~upto, axis=-1)


def group_mean(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of ``values`` (``(..., N)``) per group label (``(N,)`` in ``[0, n_groups)``);
    a group with no members gets ``nan``.

    Example:
        >>> group_mean(np.array([[1.0, 0.0, 1.0]]), np.array([0, 0, 2]), 3).tolist()
        [[0.5, nan, 1.0]]
    """
    onehot = np.zeros((len(groups), n_groups))
    onehot[np.arange(len(groups)), groups] = 1.0
    counts = onehot.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(values, dtype=np.float64) @ onehot / counts
