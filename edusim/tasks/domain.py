"""The arithmetic domain: its skills and sub-skills, token format and held-out evaluation sets.

Example:
    >>> domain = ArithmeticDomain(skills=("add", "compare"), eval_per_subskill=4)
    >>> domain.subskills
    ['add/no-carry', 'add/carry', 'compare/diff-length', 'compare/same-length']
    >>> held_out = domain.eval_set()
    >>> len(held_out), domain.skill_of[held_out.subskill].tolist()
    (16, [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
    >>> right = domain.score(held_out.answers[None], held_out)     # a perfect student
    >>> domain.accuracy(right)["compare"].tolist()
    [1.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from edusim.tasks.examples import Examples, exact_match, group_mean
from edusim.tasks.generator import SKILLS, GeneratedTexts, Spec, generate, subskill_names
from edusim.tasks.vocab import TaskFormat

__all__ = ["ArithmeticDomain"]


@dataclass(frozen=True)
class ArithmeticDomain:
    """Which skills are taught, at what size, and the fixed held-out sets.

    Attributes:
        skills: Skills of :data:`~edusim.tasks.generator.SKILLS`, in order.
        digits: Digit range of the held-out problems (and of plans that do not say).
        format: Token lengths and answer order.
        eval_per_subskill: Held-out problems per sub-skill.
        eval_seed: Seed of the held-out sets (fixed: every student meets the same ones).
    """

    skills: tuple[str, ...] = tuple(SKILLS)
    digits: tuple[int, int] = (1, 2)
    format: TaskFormat = field(default_factory=TaskFormat)
    eval_per_subskill: int = 32
    eval_seed: int = 20_251_201

    def __post_init__(self) -> None:
        object.__setattr__(self, "skills", tuple(self.skills))
        object.__setattr__(self, "digits", tuple(self.digits))
        unknown = [s for s in self.skills if s not in SKILLS]
        if unknown or not self.skills or len(set(self.skills)) != len(self.skills):
            raise ValueError(f"skills must be distinct names from {', '.join(SKILLS)}, "
                             f"got {self.skills}")
        if self.eval_per_subskill < 1:
            raise ValueError("eval_per_subskill must be >= 1")

    @cached_property
    def subskills(self) -> list[str]:
        """``"skill/variant"`` names; a sub-skill's index is its position."""
        return subskill_names(self.skills)

    @cached_property
    def skill_of(self) -> np.ndarray:
        """``(n_subskills,)`` index of each sub-skill's skill."""
        return np.array([self.skills.index(s.split("/")[0]) for s in self.subskills])

    def subskill_index(self, name: str) -> int:
        """Index of sub-skill ``name``; unknown names raise ``ValueError`` listing the valid."""
        try:
            return self.subskills.index(name)
        except ValueError:
            raise ValueError(f"unknown sub-skill {name!r} in this domain; choose from: "
                             + ", ".join(self.subskills)) from None

    def spec(self, subskill: str, n: int, **params) -> Spec:
        """A :class:`Spec` for ``n`` problems of ``subskill`` (domain digits unless given)."""
        skill, variant = self.subskills[self.subskill_index(subskill)].split("/")
        return Spec(skill, n, **{"digits": self.digits, "variant": variant, **params})

    def encode(self, texts: GeneratedTexts) -> Examples:
        """Token arrays of generated texts (labels must be sub-skills of this domain)."""
        fmt = self.format
        return Examples(fmt.encode_prompts(texts.prompts), fmt.encode_answers(texts.answers),
                        np.array([self.subskill_index(s) for s in texts.subskills], np.int64),
                        np.asarray(texts.correct, bool))

    def eval_set(self) -> Examples:
        """The fixed held-out set: ``eval_per_subskill`` problems of each sub-skill."""
        return self._eval

    @cached_property
    def _eval(self) -> Examples:
        parts = [
            self.encode(generate(self.spec(name, self.eval_per_subskill),
                                 np.random.default_rng([self.eval_seed, k])))
            for k, name in enumerate(self.subskills)
        ]
        return Examples.concat(parts, self.format.prompt_len, self.format.answer_len)

    def score(self, predicted: np.ndarray, examples: Examples) -> np.ndarray:
        """``(K, N)`` bool: each student's answer to each example is right."""
        return exact_match(predicted, examples.answers, self.format.eos_id)

    def subskill_accuracy(self, right: np.ndarray, examples: Examples) -> np.ndarray:
        """``(K, n_subskills)`` accuracy per sub-skill (``nan`` where none)."""
        return group_mean(right, examples.subskill, len(self.subskills))

    def skill_accuracy(self, right: np.ndarray, examples: Examples) -> np.ndarray:
        """``(K, n_skills)`` accuracy per skill (``nan`` where none)."""
        return group_mean(right, self.skill_of[examples.subskill], len(self.skills))

    def accuracy(self, right: np.ndarray, examples: Examples | None = None) -> dict:
        """``{skill or sub-skill name: (K,) accuracy}`` plus ``"overall"``."""
        examples = self.eval_set() if examples is None else examples
        per_skill = self.skill_accuracy(right, examples)
        per_sub = self.subskill_accuracy(right, examples)
        out = {"overall": np.asarray(right, np.float64).mean(-1)}
        out.update({s: per_skill[:, k] for k, s in enumerate(self.skills)})
        out.update({s: per_sub[:, k] for k, s in enumerate(self.subskills)})
        return out
