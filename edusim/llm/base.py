"""The chat interface: messages, backends, and structured tasks.

A :class:`ChatBackend` turns messages into text (``chat``, ``stream``). A
:class:`StructuredTask` is one typed question a component asks (a tutor turn, a lesson plan, a
set of scores): it knows how to phrase itself as messages for a language model, how to parse the
model's text into its output type, and how to answer itself with a rule-based policy from its
structured data. :meth:`ChatBackend.answer` picks the path: a language-model backend prompts and
parses, the offline backend runs the policy. Either way the caller gets an :class:`Answer` whose
``backend`` says who answered.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

from edusim.llm.guard import parse_reply

if TYPE_CHECKING:
    from edusim.llm.task import StructuredTask

__all__ = ["Message", "ChatBackend", "Answer", "system", "user", "assistant"]

Role = Literal["system", "user", "assistant"]
T = TypeVar("T")


@dataclass(frozen=True)
class Message:
    """One chat message.

    Example:
        >>> Message("user", "2 + 2?").to_dict()
        {'role': 'user', 'content': '2 + 2?'}
    """

    role: Role
    content: str

    def __post_init__(self) -> None:
        if self.role not in ("system", "user", "assistant"):
            raise ValueError(f"message role must be system, user or assistant, got {self.role!r}")

    def to_dict(self) -> dict[str, str]:
        """The OpenAI wire form ``{"role": ..., "content": ...}``."""
        return {"role": self.role, "content": self.content}


def system(content: str) -> Message:
    """A system message."""
    return Message("system", content)


def user(content: str) -> Message:
    """A user message."""
    return Message("user", content)


def assistant(content: str) -> Message:
    """An assistant message."""
    return Message("assistant", content)


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A typed answer and who produced it.

    Attributes:
        value: The parsed output.
        backend: ``describe()`` of the backend that answered.
        text: The model's raw text, or ``None`` when a rule-based policy answered.
    """

    value: T
    backend: str
    text: str | None = None


class ChatBackend(ABC):
    """Messages in, text out.

    :meth:`chat` and :meth:`stream` are the public calls and hold the one signature (and its
    defaults); a subclass implements :meth:`_chat` and :meth:`describe`, and may override
    :meth:`_stream` (one chunk by default) and :meth:`answer` (prompt-then-parse by default).
    Every failure is an :class:`~edusim.llm.LLMError`.
    """

    #: True for backends that answer structured tasks with rule-based policies.
    offline: bool = False

    def chat(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.2,
        max_tokens: int | None = None,
    ) -> str:
        """The assistant's reply to ``messages``.

        Raises:
            LLMError: When the backend cannot answer (see the backend's ``_chat``).
        """
        return self._chat(messages, temperature, max_tokens)

    def stream(
        self,
        messages: Sequence[Message],
        *,
        temperature: float = 0.2,
        max_tokens: int | None = None,
    ) -> Iterator[str]:
        """The reply in pieces as they arrive (one piece unless the backend streams)."""
        return self._stream(messages, temperature, max_tokens)

    @abstractmethod
    def _chat(
        self, messages: Sequence[Message], temperature: float, max_tokens: int | None
    ) -> str:
        """What :meth:`chat` returns."""

    def _stream(
        self, messages: Sequence[Message], temperature: float, max_tokens: int | None
    ) -> Iterator[str]:
        """What :meth:`stream` yields: here the whole reply as one piece."""
        yield self._chat(messages, temperature, max_tokens)

    @abstractmethod
    def describe(self) -> str:
        """Who answers, for display (never contains a secret)."""

    def mask(self, text: str) -> str:
        """``text`` with anything secret to this backend masked; here, ``text`` itself."""
        return text

    def answer(self, task: StructuredTask[T]) -> Answer[T]:
        """Answer ``task`` by prompting the model and parsing its reply.

        Raises:
            StructuredOutputError: When the reply does not parse, or its value would show a
                piece of the backend's secret (see :func:`~edusim.llm.guard.parse_reply`).
        """
        text = self.chat(task.messages(), temperature=task.temperature, max_tokens=task.max_tokens)
        value = parse_reply(self, text, task.parse, task.output_type.__name__)
        return Answer(value, self.describe(), text)
