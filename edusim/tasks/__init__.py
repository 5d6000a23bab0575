"""Skill-tagged arithmetic problems for torch students: generator, solver, engines, held-out sets.

The domain (:class:`ArithmeticDomain`) has six skills with two sub-skills each (addition with
and without carries, subtraction with and without borrowing, multiplication by one or more
digits, comparison of numbers of the same or different lengths, linear equations ``x+a=b`` and
``a*x=b``, word problems from templates) and difficulty set by the digit range and the
composition depth. A problem is a token sequence (:mod:`edusim.tasks.vocab`: prompts
left-padded to a fixed length, answers ending in eos) with its answer and sub-skill label; the
solver (:mod:`edusim.tasks.solver`) parses and checks any prompt. Teachers ask for data with a
:class:`Plan` of :class:`Spec` (generator parameters); an :class:`Engine` writes it and the
:class:`QualityCheck` keeps what parses and is right. Held-out sets are fixed and seeded.

Example:
    >>> import numpy as np
    >>> domain = ArithmeticDomain()
    >>> len(domain.skills), len(domain.subskills), len(domain.eval_set())
    (6, 12, 384)
    >>> out = ProgrammaticEngine().generate(Plan((domain.spec("add/carry", 4),)), domain,
    ...                                     np.random.default_rng(0))
    >>> out.examples.prompts.shape, out.examples.answers.shape
    ((4, 16), (4, 6))
"""

from edusim.tasks.domain import ArithmeticDomain
from edusim.tasks.engines import Engine, Generated, LLMEngine, Plan, ProgrammaticEngine
from edusim.tasks.examples import Examples, exact_match, group_mean
from edusim.tasks.generator import (
    MAX_DIGITS,
    SKILLS,
    GeneratedTexts,
    Spec,
    generate,
    subskill_names,
)
from edusim.tasks.quality import REASONS, QualityCheck, mark_known
from edusim.tasks.solver import ParseError, Problem, check, parse, solve
from edusim.tasks.vocab import TaskFormat, TokenizeError

__all__ = [
    "MAX_DIGITS",
    "REASONS",
    "SKILLS",
    "ArithmeticDomain",
    "Engine",
    "Examples",
    "Generated",
    "GeneratedTexts",
    "LLMEngine",
    "ParseError",
    "Plan",
    "Problem",
    "ProgrammaticEngine",
    "QualityCheck",
    "Spec",
    "TaskFormat",
    "TokenizeError",
    "check",
    "exact_match",
    "generate",
    "group_mean",
    "mark_known",
    "parse",
    "solve",
    "subskill_names",
]
