"""The chat layer: one interface, an OpenAI-compatible backend and an offline default.

Everything in edusim that needs language goes through this package.

**Backends** (:class:`ChatBackend`): ``chat(messages, *, temperature, max_tokens) -> str``,
``stream(messages, ...) -> Iterator[str]``, ``describe() -> str`` (who answers, for display),
``answer(task) -> Answer``, ``mask(text) -> str`` (its secrets masked), and the flag ``offline``.

* :class:`OpenAIBackend`: the official ``openai`` client against any compatible server, with a
  30 s timeout and 1 retry by default. Every failure is an :class:`LLMError` whose ``kind``
  (:class:`LLMErrorKind`) says connection / timeout / auth / status / malformed / stream /
  parse; no piece of the key (any run of 6+ of its characters) appears in ``repr``,
  ``describe()``, error messages, their exception chains or the model's replies. ``timeout_s``
  is a deadline for the whole request, retries included: a server that trickles bytes cannot
  stretch it. :func:`clip` caps model text before it is shown.
* :class:`OfflineBackend`: no network, no weights, seeded. It answers structured tasks with
  their rule-based policies; free-form ``chat`` raises ``LLMError(kind=UNSUPPORTED)``.

**Structured tasks** (:class:`StructuredTask`): how a component (tutor, planner, evaluator)
asks for a typed result. A task sets ``output_type`` (a dataclass or pydantic model) and
implements ``messages()`` (the prompt) and ``offline(rng)`` (the rule-based policy from the
task's structured data). ``backend.answer(task)`` prompts and parses on a language-model backend
and runs the policy on the offline one; both return an :class:`Answer` (``value``, ``backend``
= ``describe()`` of who answered, ``text`` = raw model text or ``None``). Components therefore
never branch on the backend type.

**Parsing**: :func:`parse_structured` (JSON in prose or code fences, lenient JSON,
``key: value`` lines; keys matched case-insensitively; values coerced to the annotations) and
:func:`complete_structured` (chat + parse + one repair round) raise
:class:`StructuredOutputError` (an :class:`LLMError` of kind ``parse``) when nothing fits, or
when the parsed value would spell out a piece of the backend's key (``backend.mask``).

**Configuration**: :class:`LLMSettings`, :func:`settings_from_env` (``EDUSIM_LLM_BACKEND``,
``OPENAI_BASE_URL``, ``OPENAI_API_KEY``, ``EDUSIM_LLM_MODEL``, ``EDUSIM_LLM_TIMEOUT``,
``EDUSIM_LLM_MAX_RETRIES``, ``EDUSIM_LLM_SEED``; offline unless a model is named) and
:func:`make_backend`; :func:`backend_from_env` builds what the variables choose with an
offline seed from the caller (teachers and envs use it).

**Testing**: :mod:`edusim.llm.testing` has :class:`~edusim.llm.testing.StubChatServer`, a real
HTTP server on 127.0.0.1 that speaks ``/v1/chat/completions`` (plain and streaming) and can
misbehave on purpose, or send any :class:`~edusim.llm.testing.RawReply` byte for byte.

Example:
    >>> backend = make_backend(LLMSettings())
    >>> backend.describe()
    'offline (rule-based)'
    >>> import dataclasses
    >>> from edusim.llm.testing import StubChatServer
    >>> @dataclasses.dataclass(frozen=True)
    ... class Turn:
    ...     move: str
    ...     text: str
    >>> with StubChatServer(reply='Sure: {"move": "probing", "text": "Why 9?"}') as server:
    ...     complete_structured(server.backend(), [user("next turn")], Turn)
    Turn(move='probing', text='Why 9?')
"""

from __future__ import annotations

from edusim.llm.base import Answer, ChatBackend, Message, assistant, system, user
from edusim.llm.errors import LLMError, LLMErrorKind, StructuredOutputError, clip, redact
from edusim.llm.offline import OfflineBackend
from edusim.llm.openai_backend import OpenAIBackend
from edusim.llm.settings import (
    BackendKind,
    LLMSettings,
    backend_from_env,
    make_backend,
    settings_from_env,
)
from edusim.llm.structured import coerce, complete_structured, parse_structured, schema_hint
from edusim.llm.task import StructuredTask

__all__ = [
    "Answer",
    "BackendKind",
    "ChatBackend",
    "LLMError",
    "LLMErrorKind",
    "LLMSettings",
    "Message",
    "OfflineBackend",
    "OpenAIBackend",
    "StructuredOutputError",
    "StructuredTask",
    "assistant",
    "backend_from_env",
    "clip",
    "coerce",
    "complete_structured",
    "make_backend",
    "parse_structured",
    "redact",
    "schema_hint",
    "settings_from_env",
    "system",
    "user",
]
