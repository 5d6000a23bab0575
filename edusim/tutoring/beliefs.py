"""What the simulated student believes about each solution step, and how it came to.

A :class:`BeliefState` holds, per step, whether the student now has the right value, the value
it would say, and how it got there (its own first try, worked out in the dialogue, or told).
Mastery is read off these beliefs, so the panel that shows it agrees with what the student says.

Example:
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> case = load_cases(builtin_problems_path())[0]
    >>> beliefs = BeliefState.start(case)
    >>> beliefs.value(0), beliefs.answer(), beliefs.mastery().tolist()
    (9.0, 4.0, [0.0, 0.0])
    >>> beliefs.fix(0, Source.WORKED)
    [0]
    >>> beliefs.value(0), beliefs.mastery().tolist()
    (15.0, [1.0, 0.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from edusim.tutoring.numbers import result_of, states_value
from edusim.tutoring.problems import TutoringCase

__all__ = ["BeliefState", "Source", "MASTERY"]


class Source(str, Enum):
    """Where a step's belief comes from."""

    WRONG = "wrong"  #: the student holds a wrong value
    OWN = "own"  #: right in the student's first try
    WORKED = "worked"  #: worked out during the dialogue
    TOLD = "told"  #: taken from the tutor, not worked out


#: Mastery shown for each source: told values are said but not yet understood.
MASTERY = {Source.WRONG: 0.0, Source.OWN: 1.0, Source.WORKED: 1.0, Source.TOLD: 0.6}


def _own_lines(case: TutoringCase) -> list[str | None]:
    """Per step, the line of the student's first try that computes that step, if any."""
    lines = [ln for ln in case.incorrect_solution if result_of(ln) is not None]
    n = case.problem.n_steps
    if not lines:
        return [None] * n
    return [lines[min(i, len(lines) - 1)] if i < len(lines) else None for i in range(n)]


def _wrong_values(case: TutoringCase) -> list[float]:
    """A wrong value per step, taken from the student's first try where possible."""
    steps, answer = case.problem.steps, case.problem.answer
    correct = {s.result for s in steps if s.result is not None} | {answer}
    own = [result_of(line) for line in case.incorrect_solution]
    pool = [v for v in own if v is not None and v not in correct]
    values = []
    for i, step in enumerate(steps):
        if i == len(steps) - 1 and case.incorrect_answer not in (None, answer):
            values.append(float(case.incorrect_answer))
        elif pool:
            values.append(pool[min(i, len(pool) - 1)])
        else:
            values.append((step.result or 1.0) + 1.0 + i)
    return [v if v != answer else v + 1.0 for v in values]


@dataclass
class BeliefState:
    """Per-step beliefs of one student (mutable: the dialogue changes them)."""

    case: TutoringCase
    sources: list[Source]
    wrong_values: list[float]
    own_lines: list[str | None]

    @classmethod
    def start(cls, case: TutoringCase) -> BeliefState:
        """The beliefs of the student's first try (the steps it already has right)."""
        sources = [Source.OWN if ok else Source.WRONG for ok in case.correct_steps()]
        return cls(case, sources, _wrong_values(case), _own_lines(case))

    @property
    def n_steps(self) -> int:
        return len(self.sources)

    def correct(self) -> tuple[bool, ...]:
        return tuple(s is not Source.WRONG for s in self.sources)

    @property
    def solved(self) -> bool:
        return all(self.correct())

    def first_wrong(self) -> int | None:
        return next((i for i, s in enumerate(self.sources) if s is Source.WRONG), None)

    def value(self, step: int) -> float:
        """The value the student would now say for ``step``."""
        right = self.case.problem.steps[step].result
        if self.sources[step] is not Source.WRONG and right is not None:
            return float(right)
        return float(self.wrong_values[step])

    def answer(self) -> float:
        """The final answer the student would now give."""
        if self.solved:
            return float(self.case.problem.answer)
        return float(self.wrong_values[-1])

    def own_line(self, step: int) -> str | None:
        """The student's own working for a step it has wrong (from its first try)."""
        line = self.own_lines[step]
        right = self.case.problem.steps[step].result
        if line is None or (right is not None and states_value(line, right)):
            return None
        return line

    def fix(self, step: int, source: Source) -> list[int]:
        """Give ``step`` (and every earlier wrong step: its inputs) the right value.

        Returns:
            The steps that changed, in order.
        """
        changed = [i for i in range(step + 1) if self.sources[i] is Source.WRONG]
        for i in changed:
            self.sources[i] = source
        return changed

    def mastery(self) -> np.ndarray:
        """Per step: 1 when worked out (or right from the start), 0.6 when told, 0 when wrong."""
        return np.array([MASTERY[s] for s in self.sources], dtype=np.float64)
