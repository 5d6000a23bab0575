"""Backend settings from code or the environment, and the one factory that builds a backend.

Environment variables (all optional):

* ``EDUSIM_LLM_BACKEND``: ``offline`` or ``openai``. When unset, ``openai`` is chosen if
  ``EDUSIM_LLM_MODEL`` is set, else ``offline``: edusim never calls the network unless a model
  was chosen for it.
* ``OPENAI_BASE_URL``, ``OPENAI_API_KEY``: the usual OpenAI client variables.
* ``EDUSIM_LLM_MODEL``: model name for the OpenAI-compatible backend.
* ``EDUSIM_LLM_TIMEOUT`` (seconds, default 30) and ``EDUSIM_LLM_MAX_RETRIES`` (default 1).
* ``EDUSIM_LLM_SEED``: seed of the offline backend (default 0).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from edusim.llm.base import ChatBackend
from edusim.llm.errors import LLMError, LLMErrorKind
from edusim.llm.offline import OfflineBackend
from edusim.llm.openai_backend import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT_S,
    OpenAIBackend,
)

__all__ = ["BackendKind", "LLMSettings", "backend_from_env", "settings_from_env", "make_backend"]


class BackendKind(str, Enum):
    """Which backend answers."""

    OFFLINE = "offline"
    OPENAI = "openai"


@dataclass(frozen=True)
class LLMSettings:
    """Everything needed to build a backend. ``api_key`` is excluded from ``repr``.

    Example:
        >>> s = LLMSettings(BackendKind.OPENAI, model="m", api_key="sk-hidden99")
        >>> "sk-hidden99" in repr(s)
        False
    """

    kind: BackendKind = BackendKind.OFFLINE
    model: str | None = None
    base_url: str = DEFAULT_BASE_URL
    api_key: str | None = field(default=None, repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_retries: int = DEFAULT_MAX_RETRIES
    seed: int | None = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _kind(self.kind))


def _kind(value: str | BackendKind) -> BackendKind:
    try:
        return BackendKind(value)
    except ValueError:
        raise LLMError(
            f"unknown LLM backend {value!r}; choose from {[k.value for k in BackendKind]}",
            LLMErrorKind.CONFIG,
        ) from None


def _number(env: Mapping[str, str], name: str, default: float, cast: type) -> float | int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return cast(raw)
    except ValueError:
        message = f"{name}={raw!r} is not a valid {cast.__name__}"
        raise LLMError(message, LLMErrorKind.CONFIG) from None


def settings_from_env(env: Mapping[str, str] | None = None) -> LLMSettings:
    """Settings from environment variables (see the module docstring).

    Args:
        env: The variables to read; ``os.environ`` when ``None``.

    Example:
        >>> settings_from_env({}).kind
        <BackendKind.OFFLINE: 'offline'>
        >>> s = settings_from_env({"EDUSIM_LLM_MODEL": "llama3", "OPENAI_BASE_URL": "http://h/v1"})
        >>> s.kind.value, s.model, s.base_url
        ('openai', 'llama3', 'http://h/v1')
    """
    env = os.environ if env is None else env
    model = env.get("EDUSIM_LLM_MODEL") or None
    default_kind = BackendKind.OPENAI if model else BackendKind.OFFLINE
    seed = env.get("EDUSIM_LLM_SEED")
    return LLMSettings(
        kind=_kind(env.get("EDUSIM_LLM_BACKEND") or default_kind),
        model=model,
        base_url=env.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL,
        api_key=env.get("OPENAI_API_KEY") or None,
        timeout_s=float(_number(env, "EDUSIM_LLM_TIMEOUT", DEFAULT_TIMEOUT_S, float)),
        max_retries=int(_number(env, "EDUSIM_LLM_MAX_RETRIES", DEFAULT_MAX_RETRIES, int)),
        seed=int(_number(env, "EDUSIM_LLM_SEED", 0, int)) if seed else 0,
    )


def make_backend(settings: LLMSettings | None = None) -> ChatBackend:
    """The backend ``settings`` describe (``settings_from_env()`` when ``None``).

    Raises:
        LLMError: Of kind ``config`` when the OpenAI backend has no model.

    Example:
        >>> make_backend(LLMSettings()).describe()
        'offline (rule-based)'
    """
    settings = settings_from_env() if settings is None else settings
    if settings.kind is BackendKind.OFFLINE:
        return OfflineBackend(seed=settings.seed)
    if not settings.model:
        raise LLMError(
            "the openai backend needs a model: set EDUSIM_LLM_MODEL or LLMSettings.model",
            LLMErrorKind.CONFIG,
        )
    return OpenAIBackend(
        settings.model,
        settings.base_url,
        settings.api_key,
        timeout_s=settings.timeout_s,
        max_retries=settings.max_retries,
    )


def backend_from_env(
    seed: int | np.random.Generator | None = None, env: Mapping[str, str] | None = None
) -> ChatBackend:
    """The backend the environment variables choose, its offline seed given by the caller.

    A component with its own seed (a teacher, an environment row) keeps its runs reproducible
    whatever ``EDUSIM_LLM_SEED`` says: an offline backend is seeded from ``seed``; a configured
    model is built by :func:`make_backend` unchanged.

    Args:
        seed: The offline backend's seed; a generator gives one draw (``integers(2**31)``),
            taken only when the backend is offline, so a configured model leaves the caller's
            stream as it was; ``None`` keeps the settings' seed (``EDUSIM_LLM_SEED``).
        env: The variables to read; ``os.environ`` when ``None``.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> backend_from_env(rng, env={}).describe()
        'offline (rule-based)'
        >>> backend_from_env(rng, env={"EDUSIM_LLM_MODEL": "m"}).describe()
        'OpenAI-compatible at https://api.openai.com/v1, model m'
    """
    settings = settings_from_env(env)
    if settings.kind is not BackendKind.OFFLINE:
        return make_backend(settings)
    if isinstance(seed, np.random.Generator):
        seed = int(seed.integers(2**31))
    return OfflineBackend(seed=settings.seed if seed is None else seed)
