"""The offline backend: rule-based policies, no network, no weights.

Each :class:`~edusim.llm.task.StructuredTask` carries its own rule-based policy
(:meth:`~edusim.llm.task.StructuredTask.offline`), written from the task's structured data (the
problem and its solution steps for a tutor turn, the skill graph and cohort for a plan). This
backend runs those policies with its own seeded generator, so a session with the same seed and
the same inputs gives the same answers. It has no language model, so free-form :meth:`chat`
raises an :class:`~edusim.llm.LLMError` of kind ``unsupported`` instead of inventing text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from edusim.llm.base import Answer, ChatBackend, Message
from edusim.llm.errors import LLMError, LLMErrorKind
from edusim.llm.task import StructuredTask

__all__ = ["OfflineBackend"]

T = TypeVar("T")


class OfflineBackend(ChatBackend):
    """Answers structured tasks with their rule-based policies, deterministically.

    Args:
        seed: Seed of the generator handed to every policy; ``None`` draws fresh entropy.

    Example:
        >>> backend = OfflineBackend(seed=0)
        >>> backend.describe(), backend.offline
        ('offline (rule-based)', True)
    """

    offline = True

    def __init__(self, seed: int | None = 0) -> None:
        self.seed = seed
        self._rng = np.random.default_rng(seed)

    def __repr__(self) -> str:
        return f"OfflineBackend(seed={self.seed})"

    def describe(self) -> str:
        """``"offline (rule-based)"``."""
        return "offline (rule-based)"

    def _chat(
        self, messages: Sequence[Message], temperature: float, max_tokens: int | None
    ) -> str:
        """Always raises: the offline backend has no language model for free text.

        Raises:
            LLMError: Of kind ``unsupported``.
        """
        raise LLMError(
            "the offline backend answers structured tasks (tutor turns, plans, scores) with "
            "rule-based policies and has no language model for free-form chat; configure an "
            "OpenAI-compatible server (OPENAI_BASE_URL, EDUSIM_LLM_MODEL) for that",
            LLMErrorKind.UNSUPPORTED,
        )

    def answer(self, task: StructuredTask[T]) -> Answer[T]:
        """Run ``task``'s rule-based policy with this backend's generator."""
        return Answer(task.offline(self._rng), self.describe(), None)
