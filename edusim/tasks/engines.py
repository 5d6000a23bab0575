"""Data-generation engines: a teacher's :class:`Plan` in, quality-checked examples out.

An engine writes candidate problems for a plan; :meth:`Engine.generate` passes every candidate
through the :class:`~edusim.tasks.quality.QualityCheck` and returns the examples that pass and
the count dropped per reason. Two engines:

* :class:`ProgrammaticEngine` (the offline default) writes exactly what the plan specifies,
  with the generator.
* :class:`LLMEngine` asks a chat backend of :mod:`edusim.llm` to write the problems (JSON
  ``{"examples": [{"question": ..., "answer": ...}]}``), in requests of ``batch_size``; a reply
  that does not parse counts all its problems as unparsable. On the offline backend its
  rule-based policy is the generator, so the engine runs without a model.

Example:
    >>> from edusim.tasks.domain import ArithmeticDomain
    >>> domain = ArithmeticDomain(skills=("add", "sub"))
    >>> plan = Plan((domain.spec("add/carry", 5), domain.spec("sub/borrow", 3, wrong_rate=1.0)))
    >>> out = ProgrammaticEngine().generate(plan, domain, np.random.default_rng(0))
    >>> len(out.examples), out.rejected["wrong_answer"], out.n_rejected
    (5, 3, 3)
    >>> from edusim.llm import LLMError, OfflineBackend
    >>> len(LLMEngine(OfflineBackend(seed=0)).generate(plan, domain, np.random.default_rng(0))
    ...     .examples)
    5
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from edusim.llm import ChatBackend, StructuredOutputError, system, user
from edusim.llm.task import StructuredTask
from edusim.tasks.domain import ArithmeticDomain
from edusim.tasks.examples import Examples
from edusim.tasks.generator import Spec, generate
from edusim.tasks.quality import QualityCheck

__all__ = ["Engine", "Generated", "LLMEngine", "Plan", "ProgrammaticEngine", "WriteExamples"]


@dataclass(frozen=True)
class Plan:
    """What to generate: a tuple of :class:`~edusim.tasks.generator.Spec`.

    Example:
        >>> Plan((Spec("add", 3), Spec("mul", 2))).n
        5
    """

    specs: tuple[Spec, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "specs", tuple(self.specs))
        bad = [s for s in self.specs if not isinstance(s, Spec)]
        if bad:
            raise TypeError(f"a Plan holds Spec objects, got {bad[0]!r}")

    @property
    def n(self) -> int:
        """Problems asked for in all."""
        return sum(s.n for s in self.specs)


@dataclass(frozen=True)
class Generated:
    """What an engine returns.

    Attributes:
        examples: The examples that passed the quality check.
        rejected: Candidates dropped, per reason (:data:`~edusim.tasks.quality.REASONS`).
    """

    examples: Examples
    rejected: dict[str, int] = field(default_factory=dict)

    @property
    def n_rejected(self) -> int:
        """Candidates dropped in all."""
        return sum(self.rejected.values())


class Engine(ABC):
    """Turns plans into candidate problems; :meth:`generate` checks them."""

    check: QualityCheck = QualityCheck()

    @abstractmethod
    def write_spec(self, spec: Spec, rng: np.random.Generator) -> tuple[list[str], list[str]]:
        """Candidate prompt and answer texts for one spec (not yet checked)."""

    def write(self, plan: Plan, domain: ArithmeticDomain, rng: np.random.Generator
              ) -> tuple[list[str], list[str]]:
        """Candidate prompt and answer texts for every spec of ``plan``, in order."""
        prompts: list[str] = []
        answers: list[str] = []
        for spec in plan.specs:
            p, a = self.write_spec(spec, rng)
            prompts += p
            answers += a
        return prompts, answers

    def generate(self, plan: Plan, domain: ArithmeticDomain, rng: np.random.Generator
                 ) -> Generated:
        """Write candidates for ``plan`` and keep those that pass the quality check."""
        prompts, answers = self.write(plan, domain, rng)
        examples, rejected = self.check.run(domain, prompts, answers)
        return Generated(examples, rejected)


class ProgrammaticEngine(Engine):
    """Writes exactly what the plan specifies, with the generator.

    Args:
        check: The quality check (``QualityCheck(drop_wrong=False)`` keeps wrong answers).
    """

    def __init__(self, check: QualityCheck | None = None) -> None:
        self.check = check or QualityCheck()

    def write_spec(self, spec: Spec, rng: np.random.Generator) -> tuple[list[str], list[str]]:
        texts = generate(spec, rng)
        return texts.prompts, texts.answers


@dataclass(frozen=True)
class WrittenExamples:
    """A model's reply: a list of ``{"question": str, "answer": str}`` objects."""

    examples: list[Any]


_GRAMMAR = (
    "Problems use this exact notation: addition '12+35=', subtraction '40-7=', "
    "multiplication '12*3=', comparison '12?35' (answer <, > or =), equations 'x+12=35' or "
    "'3*x=12' (answer: the value of x), word problems 'ann has 12 apples gets 7 more how many' "
    "or 'bob has 9 pens gives 4 away how many left'. Answers are whole numbers or a symbol."
)


class WriteExamples(StructuredTask[WrittenExamples]):
    """Ask for ``n`` problems meeting ``spec``; offline, the generator writes them."""

    output_type = WrittenExamples
    temperature = 0.8
    max_tokens = 2048

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def messages(self) -> list:
        s = self.spec
        kind = f"{s.skill} ({s.variant})" if s.variant else s.skill
        chain = f", each with {s.depth} operations" if s.depth > 1 else ""
        return [
            system("You write practice problems for a student. " + _GRAMMAR),
            user(f"Write {s.n} different {kind} problems whose numbers have "
                 f"{s.digits[0]} to {s.digits[1]} digits{chain}. Reply with JSON only: "
                 '{"examples": [{"question": "...", "answer": "..."}]}'),
        ]

    def offline(self, rng: np.random.Generator) -> WrittenExamples:
        texts = generate(self.spec, rng)
        return WrittenExamples([{"question": p, "answer": a}
                                for p, a in zip(texts.prompts, texts.answers, strict=True)])


class LLMEngine(Engine):
    """Asks a chat backend to write the problems of each spec.

    Args:
        backend: The chat backend (:func:`edusim.llm.make_backend`); the offline backend
            writes with the generator.
        batch_size: Problems per request.
        check: The quality check.
    """

    def __init__(self, backend: ChatBackend, batch_size: int = 16,
                 check: QualityCheck | None = None) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.backend, self.batch_size = backend, batch_size
        self.check = check or QualityCheck()

    def write_spec(self, spec: Spec, rng: np.random.Generator) -> tuple[list[str], list[str]]:
        prompts: list[str] = []
        answers: list[str] = []
        for start in range(0, spec.n, self.batch_size):
            part = replace(spec, n=min(self.batch_size, spec.n - start))
            try:
                items = self.backend.answer(WriteExamples(part)).value.examples
            except StructuredOutputError:
                items = [None] * part.n  # the whole reply is unusable
            for item in items[: part.n]:
                question, answer = _fields(item)
                prompts.append(question)
                answers.append(answer)
        return prompts, answers


def _fields(item: Any) -> tuple[str, str]:
    """``(question, answer)`` of one written item; anything malformed becomes ``("", "")``,
    which the quality check counts as unparsable."""
    if not isinstance(item, dict):
        return "", ""
    lowered = {str(k).lower(): v for k, v in item.items()}
    question, answer = lowered.get("question"), lowered.get("answer")
    if not isinstance(question, str) or answer is None:
        return "", ""
    return question, str(answer)
