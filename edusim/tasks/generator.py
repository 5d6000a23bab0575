"""The programmatic generator: a :class:`Spec` (generator parameters) in, problem texts out.

A spec names a skill, how many problems, the digit range of the numbers, optionally the
sub-skill variant (``carry`` / ``no-carry`` for addition, ``borrow`` / ``no-borrow`` for
subtraction, ...), the composition depth (operations chained: ``12+35+7=`` has depth 2) and a
rate of deliberately wrong reference answers. Candidates are drawn with numpy from the caller's
generator and labelled by the solver, so every label is the solver's and a spec that cannot
be met (borrowing with one-digit numbers) raises instead of looping.

Example:
    >>> texts = generate(Spec("add", n=3, digits=(2, 2), variant="carry"),
    ...                  np.random.default_rng(0))
    >>> all(s == "add/carry" for s in texts.subskills), len(texts.prompts)
    (True, 3)
    >>> all(check(p, a) for p, a in zip(texts.prompts, texts.answers, strict=True))
    True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from edusim.tasks.solver import check, parse  # noqa: F401  (check: module example)

__all__ = ["MAX_DIGITS", "SKILLS", "GeneratedTexts", "Spec", "generate", "subskill_names"]

#: The skills and their sub-skill variants, in a fixed order.
SKILLS: dict[str, tuple[str, ...]] = {
    "add": ("no-carry", "carry"),
    "sub": ("no-borrow", "borrow"),
    "mul": ("by-one-digit", "multi-digit"),
    "compare": ("diff-length", "same-length"),
    "equation": ("x-plus", "x-times"),
    "word": ("add", "sub"),
}
MAX_DIGITS = 9
_CHAINS = ("add", "sub")  # skills whose problems can chain several operations
_NAMES, _THINGS = ("ann", "bob", "eve"), ("apples", "pens", "cards")
_MAX_ROUNDS = 64


def subskill_names(skills: tuple[str, ...] | None = None) -> list[str]:
    """``"skill/variant"`` for the given skills (default all), in catalogue order.

    Example:
        >>> subskill_names(("add",))
        ['add/no-carry', 'add/carry']
    """
    return [f"{s}/{v}" for s in (skills or tuple(SKILLS)) for v in SKILLS[s]]


@dataclass(frozen=True)
class Spec:
    """Generator parameters of one batch of problems.

    Attributes:
        skill: One of :data:`SKILLS`.
        n: Number of problems.
        digits: ``(low, high)`` digits of each number, ``1 <= low <= high <= MAX_DIGITS``.
        variant: A sub-skill variant of ``skill``; ``None`` takes what the draws give.
        depth: Operations per problem (above 1 only for ``add`` and ``sub``).
        wrong_rate: Fraction of reference answers made wrong on purpose.
    """

    skill: str
    n: int
    digits: tuple[int, int] = (1, 2)
    variant: str | None = None
    depth: int = 1
    wrong_rate: float = 0.0

    def __post_init__(self) -> None:
        if self.skill not in SKILLS:
            raise ValueError(f"unknown skill {self.skill!r}; choose from: {', '.join(SKILLS)}")
        if self.variant is not None and self.variant not in SKILLS[self.skill]:
            raise ValueError(f"unknown variant {self.variant!r} of {self.skill}; choose from: "
                             + ", ".join(SKILLS[self.skill]))
        lo, hi = self.digits
        if not 1 <= lo <= hi <= MAX_DIGITS:
            raise ValueError(f"digits must satisfy 1 <= low <= high <= {MAX_DIGITS}, "
                             f"got {self.digits}")
        if self.n < 0:
            raise ValueError(f"n must be >= 0, got {self.n}")
        if self.depth < 1 or (self.depth > 1 and self.skill not in _CHAINS):
            raise ValueError(f"depth must be 1 (or more for {', '.join(_CHAINS)}), "
                             f"got {self.depth} for {self.skill}")
        if not 0.0 <= self.wrong_rate <= 1.0:
            raise ValueError(f"wrong_rate must be in [0, 1], got {self.wrong_rate}")


@dataclass(frozen=True)
class GeneratedTexts:
    """Problems as texts with their labels.

    Attributes:
        prompts: Prompt texts.
        answers: Reference answer texts (wrong where ``correct`` is false).
        subskills: ``"skill/variant"`` labels from the solver.
        correct: Whether each reference answer is the solver's.
    """

    prompts: list[str]
    answers: list[str]
    subskills: list[str]
    correct: np.ndarray


def _of_length(rng: np.random.Generator, d: np.ndarray) -> np.ndarray:
    return rng.integers(np.where(d == 1, 0, 10 ** (d - 1)), 10**d)


def _numbers(rng: np.random.Generator, m: int, digits: tuple[int, int]) -> np.ndarray:
    return _of_length(rng, rng.integers(digits[0], digits[1] + 1, size=m))


def _chain(op: str) -> Callable[[np.random.Generator, int, Spec], list[str]]:
    def draw(rng: np.random.Generator, m: int, spec: Spec) -> list[str]:
        terms = np.stack([_numbers(rng, m, spec.digits) for _ in range(spec.depth + 1)], 1)
        if op == "-":  # the largest number first keeps one subtraction non-negative
            terms[:, 0], terms[:, 1:] = terms.max(1), np.sort(terms, 1)[:, :-1]
            terms = terms[terms[:, 0] >= terms[:, 1:].sum(1)]
        return [op.join(map(str, row)) + "=" for row in terms.tolist()]
    return draw


def _mul(rng: np.random.Generator, m: int, spec: Spec) -> list[str]:
    a = _numbers(rng, m, spec.digits)
    lo, hi = spec.digits
    if spec.variant == "by-one-digit":
        lo = hi = 1
    elif spec.variant == "multi-digit":
        lo, hi = max(lo, 2), max(hi, 2)
    b = _numbers(rng, m, (lo, hi))
    return [f"{x}*{y}=" for x, y in zip(a.tolist(), b.tolist(), strict=True)]


def _compare(rng: np.random.Generator, m: int, spec: Spec) -> list[str]:
    a = _numbers(rng, m, spec.digits)
    b = _numbers(rng, m, spec.digits)
    if spec.variant == "same-length":
        b = _of_length(rng, np.char.str_len(a.astype(str)))
    b = np.where(rng.random(m) < 0.1, a, b)  # some ties
    return [f"{x}?{y}" for x, y in zip(a.tolist(), b.tolist(), strict=True)]


def _equation(rng: np.random.Generator, m: int, spec: Spec) -> list[str]:
    x, a = _numbers(rng, m, spec.digits), _numbers(rng, m, spec.digits)
    times = rng.random(m) < 0.5 if spec.variant is None else np.full(m, spec.variant == "x-times")
    a = np.where(times & (a == 0), 1, a)
    return [f"{p}*x={p * q}" if t else f"x+{p}={p + q}"
            for t, p, q in zip(times.tolist(), a.tolist(), x.tolist(), strict=True)]


def _word(rng: np.random.Generator, m: int, spec: Spec) -> list[str]:
    a, b = _numbers(rng, m, spec.digits), _numbers(rng, m, spec.digits)
    a, b = np.maximum(a, b), np.minimum(a, b)
    sub = rng.random(m) < 0.5 if spec.variant is None else np.full(m, spec.variant == "sub")
    who, what = rng.integers(3, size=m).tolist(), rng.integers(3, size=m).tolist()
    return [f"{_NAMES[w]} has {p} {_THINGS[t]} "
            + (f"gives {q} away how many left" if s else f"gets {q} more how many")
            for s, p, q, w, t in zip(sub.tolist(), a.tolist(), b.tolist(), who, what, strict=True)]


_DRAW = {"add": _chain("+"), "sub": _chain("-"), "mul": _mul, "compare": _compare,
         "equation": _equation, "word": _word}


def _wrong(answer: str, rng: np.random.Generator) -> str:
    if answer in "<>=":
        return str(rng.choice([s for s in "<>=" if s != answer]))
    off = int(rng.integers(1, 10))
    value = int(answer)
    return str(value - off if value - off >= 0 and rng.random() < 0.5 else value + off)


def generate(spec: Spec, rng: np.random.Generator) -> GeneratedTexts:
    """``spec.n`` problems meeting ``spec``, every draw from ``rng``.

    Raises:
        ValueError: When the spec cannot be met (no problem of the variant in the digits).
    """
    prompts: list[str] = []
    subskills: list[str] = []
    answers: list[str] = []
    want = f"{spec.skill}/{spec.variant}" if spec.variant else None
    for _ in range(_MAX_ROUNDS):
        for prompt in _DRAW[spec.skill](rng, 2 * (spec.n - len(prompts)) + 8, spec):
            problem = parse(prompt)
            if want is None or problem.subskill == want:
                prompts.append(prompt)
                subskills.append(problem.subskill)
                answers.append(problem.answer)
        if len(prompts) >= spec.n:
            break
    else:
        raise ValueError(f"cannot generate {want or spec.skill} problems with digits "
                         f"{spec.digits} and depth {spec.depth}")
    prompts, answers, subskills = prompts[: spec.n], answers[: spec.n], subskills[: spec.n]
    correct = rng.random(spec.n) >= spec.wrong_rate
    answers = [a if ok else _wrong(a, rng) for a, ok in zip(answers, correct.tolist(), strict=True)]
    return GeneratedTexts(prompts, answers, subskills, correct)
