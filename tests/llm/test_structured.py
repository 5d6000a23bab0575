"""Tolerant parsing of typed outputs, settings, and the offline backend."""

from __future__ import annotations

import dataclasses
import time
from enum import Enum
from typing import Literal

import numpy as np
import pydantic
import pytest

from edusim.llm import (
    BackendKind,
    LLMError,
    LLMErrorKind,
    LLMSettings,
    OfflineBackend,
    StructuredOutputError,
    StructuredTask,
    backend_from_env,
    make_backend,
    parse_structured,
    redact,
    settings_from_env,
    user,
)


class Move(str, Enum):
    FOCUS = "focus"
    TELLING = "telling"


@dataclasses.dataclass(frozen=True)
class Step:
    index: int
    text: str


@dataclasses.dataclass(frozen=True)
class Plan:
    title: str
    minutes: float
    move: Move
    level: Literal["easy", "hard"]
    steps: list[Step]
    tags: tuple[str, ...] = ()
    note: str | None = None


class Score(pydantic.BaseModel):
    clarity: int
    depth: int


PLAN_JSON = (
    '{"Title": "Fractions", "minutes": "45 min", "move": "FOCUS", "level": "Easy",'
    ' "steps": [{"index": "1", "text": "add"}], "tags": ["a", "b"],}'
)


def test_parses_json_in_prose_with_trailing_comma_and_case_drift():
    plan = parse_structured(f"Sure, here it is: {PLAN_JSON} Hope it helps!", Plan)
    assert plan == Plan("Fractions", 45.0, Move.FOCUS, "easy", [Step(1, "add")], ("a", "b"))


def test_parses_code_fence_and_python_literals():
    text = "```python\n{'clarity': 80, 'depth': 60, 'extra': None}\n```"
    assert parse_structured(text, Score) == Score(clarity=80, depth=60)


def test_parses_key_value_lines():
    text = "Clarity: 71\n- depth = 55 points\n"
    assert parse_structured(text, Score) == Score(clarity=71, depth=55)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("nothing structured here", "no JSON object"),
        ('{"clarity": 3}', "depth"),
        (
            '{"title": "x", "minutes": "soon", "move": "focus", "level": "easy", "steps": []}',
            "minutes",
        ),
        ('{"title": "x", "minutes": 1, "move": "dance", "level": "easy", "steps": []}', "dance"),
    ],
)
def test_unparseable_text_raises_one_clear_error(text, fragment):
    target = Score if "clarity" in text or "nothing" in text else Plan
    with pytest.raises(StructuredOutputError) as info:
        parse_structured(text, target)
    assert fragment in str(info.value)
    assert isinstance(info.value, LLMError) and info.value.kind is LLMErrorKind.PARSE


def test_redact_masks_key_and_truncated_echoes():
    secret = "sk-abcdef1234567890"
    assert secret[:12] not in redact(f"bad key {secret[:12]}****", secret)


def test_settings_from_env_and_bad_values():
    env = {
        "EDUSIM_LLM_MODEL": "m",
        "OPENAI_BASE_URL": "http://127.0.0.1:1/v1",
        "OPENAI_API_KEY": "sk-x-123456789",
        "EDUSIM_LLM_TIMEOUT": "2.5",
    }
    s = settings_from_env(env)
    assert (s.kind, s.timeout_s, s.api_key) == (BackendKind.OPENAI, 2.5, "sk-x-123456789")
    assert settings_from_env({**env, "EDUSIM_LLM_BACKEND": "offline"}).kind is BackendKind.OFFLINE
    with pytest.raises(LLMError, match="EDUSIM_LLM_TIMEOUT"):
        settings_from_env({"EDUSIM_LLM_TIMEOUT": "soon"})
    with pytest.raises(LLMError, match="unknown LLM backend"):
        settings_from_env({"EDUSIM_LLM_BACKEND": "gpt"})
    with pytest.raises(LLMError, match="needs a model"):
        make_backend(LLMSettings(BackendKind.OPENAI))


def test_backend_from_env_seeds_offline_from_the_caller_and_spares_its_stream_otherwise():
    rng, twin = np.random.default_rng(5), np.random.default_rng(5)
    offline = backend_from_env(rng, env={"EDUSIM_LLM_SEED": "9"})
    assert offline.seed == int(twin.integers(2**31))  # one draw, not EDUSIM_LLM_SEED
    assert rng.integers(2**31) == twin.integers(2**31)
    assert backend_from_env(4, env={}).seed == 4
    assert backend_from_env(None, env={"EDUSIM_LLM_SEED": "9"}).seed == 9
    before = rng.bit_generator.state
    online = backend_from_env(rng, env={"EDUSIM_LLM_MODEL": "m", "OPENAI_BASE_URL": "http://h/v1"})
    assert (online.offline, online.model, online.base_url) == (False, "m", "http://h/v1")
    assert rng.bit_generator.state == before
    with pytest.raises(LLMError, match="unknown LLM backend 'gpt'"):
        backend_from_env(rng, env={"EDUSIM_LLM_BACKEND": "gpt"})


@dataclasses.dataclass(frozen=True)
class Draw:
    value: float


class DrawTask(StructuredTask[Draw]):
    output_type = Draw

    def messages(self):
        return [user("draw a number")]

    def offline(self, rng):
        return Draw(float(rng.random()))


def test_offline_backend_is_seeded_and_refuses_free_chat():
    a = [OfflineBackend(seed=3).answer(DrawTask()).value for _ in range(2)]
    b1, b2 = OfflineBackend(seed=3), OfflineBackend(seed=4)
    assert a[0] == a[1] == b1.answer(DrawTask()).value != b2.answer(DrawTask()).value
    answer = b1.answer(DrawTask())
    assert answer.backend == "offline (rule-based)" and answer.text is None
    with pytest.raises(LLMError) as info:
        b1.chat([user("hello")])
    assert info.value.kind is LLMErrorKind.UNSUPPORTED


@dataclasses.dataclass(frozen=True)
class Reading:
    clarity: float
    depth: int


# Found by tests/llm/test_hostile_replies.py: each of these raised something other than
# StructuredOutputError (RecursionError, ValueError, OverflowError, ValueError, TypeError).
@pytest.mark.parametrize(("text", "fragment"), [
    ("[" * 50_000 + "]" * 50_000, "no JSON object"),
    ('{"clarity": 1, "depth": ' + "9" * 5000 + "}", "no JSON object"),
    ('{"clarity": 1e999, "depth": 1}', "clarity: expected a finite number, got inf"),
    ('{"clarity": 1, "depth": NaN}', "depth: expected a finite number, got nan"),
    ('{"clarity": 1, "depth": "' + "9" * 400 + '"}', "depth: expected a finite number"),
    ("{[1]: 2}", "no JSON object"),
])
def test_numbers_and_nesting_beyond_reading_are_a_structured_output_error(text, fragment):
    with pytest.raises(StructuredOutputError) as info:
        parse_structured(text, Reading)
    assert fragment in str(info.value) and len(str(info.value)) < 300


@pytest.mark.parametrize("text", [
    " " * 100_000,  # took ~125 s: `\s*[-*>]?\s*` in the key: value pattern
    "clarity: 1" + " " * 100_000 + "x",  # `(.+?)\s*,?$`
    "```" + "\n" * 100_000,  # the code-fence pattern, `\s*\n?(.*?)```
])
def test_long_runs_of_whitespace_parse_in_linear_time(text):
    start = time.monotonic()
    with pytest.raises(StructuredOutputError):
        parse_structured(text, Score)
    assert time.monotonic() - start < 5.0  # linear: ~0.05 s; quadratic: minutes


def test_key_value_lines_and_fences_read_as_before():
    lines = " - Clarity: 71 ,\n  depth = '55'\n"
    assert parse_structured(lines, Score) == Score(clarity=71, depth=55)
    text = 'a ```json\n{"clarity": 1, "depth": 2}``` b ```{"clarity": 3}```'
    assert parse_structured(text, Score) == Score(clarity=1, depth=2)


@pytest.mark.parametrize("text", [
    '{"clarity": "' + "x" * 200_000 + '", "depth": 1}',  # a number field
    '{"clarity": 1, "depth": {"a": "' + "y" * 200_000 + '"}}',  # an int field
])
def test_a_huge_wrong_value_is_quoted_in_a_few_characters(text):
    """The whole value went into the message, and from there into the repair prompt."""
    with pytest.raises(StructuredOutputError) as info:
        parse_structured(text, Reading)
    assert "expected a number" in str(info.value) or "expected an integer" in str(info.value)
    assert len(str(info.value)) < 500
