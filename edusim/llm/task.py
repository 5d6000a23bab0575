"""Structured tasks: typed requests answered by a language model or by a rule-based policy.

Example:
    >>> import dataclasses
    >>> from edusim.llm import OfflineBackend, user
    >>> @dataclasses.dataclass(frozen=True)
    ... class Sum:
    ...     total: int
    >>> class AddTask(StructuredTask[Sum]):
    ...     output_type = Sum
    ...     def __init__(self, a: int, b: int) -> None:
    ...         self.a, self.b = a, b
    ...     def messages(self):
    ...         return [user(f"Add {self.a} and {self.b}; reply as JSON with key total")]
    ...     def offline(self, rng):
    ...         return Sum(self.a + self.b)
    >>> answer = OfflineBackend(seed=0).answer(AddTask(2, 3))
    >>> answer.value, answer.backend
    (Sum(total=5), 'offline (rule-based)')
    >>> AddTask(2, 3).parse('The answer: {"total": "5"}')
    Sum(total=5)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

import numpy as np

from edusim.llm.base import Message
from edusim.llm.structured import parse_structured

__all__ = ["StructuredTask"]

T = TypeVar("T")


class StructuredTask(ABC, Generic[T]):
    """One typed request that either a language model or a rule-based policy can answer.

    Subclasses set :attr:`output_type` and implement :meth:`messages` (the prompt) and
    :meth:`offline` (the rule-based answer from structured data); :meth:`parse` defaults to
    :func:`~edusim.llm.structured.parse_structured` into ``output_type`` and may be overridden
    to validate further. Both paths return the same type, so callers never care which backend
    answered.

    Attributes:
        output_type: The dataclass or pydantic model the task returns.
        temperature: Sampling temperature for language-model backends.
        max_tokens: Reply length cap for language-model backends.
    """

    output_type: type[T]
    temperature: float = 0.2
    max_tokens: int | None = 512

    @abstractmethod
    def messages(self) -> list[Message]:
        """The prompt for a language model."""

    def parse(self, text: str) -> T:
        """The model's reply as ``T``; raises :class:`~edusim.llm.StructuredOutputError`."""
        return parse_structured(text, self.output_type)

    @abstractmethod
    def offline(self, rng: np.random.Generator) -> T:
        """The rule-based answer, drawing any randomness from ``rng``."""
