"""Fitting the simulated student's response chances on MathDial's human dialogues.

Each human teacher turn is read the way the simulated student reads a message
(:func:`~edusim.tutoring.reading.read_message`, :func:`~edusim.tutoring.response.categorise`,
with what the reference student has right so far: the steps whose values it has written). The
reference student's next turn shows whether it made progress on the turn's target step (wrote
its value, or the final answer) and how many later steps came with it. The chance of progress
per category, and the share of later steps carried along, are the fitted parameters.

Example:
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> fit = fit_student_params(load_cases(builtin_problems_path()))  # no dialogues in it
    >>> fit.turns
    0
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from edusim.tutoring.beliefs import BeliefState
from edusim.tutoring.moves import Turn
from edusim.tutoring.numbers import states_final, states_value
from edusim.tutoring.problems import TutoringCase
from edusim.tutoring.reading import read_message
from edusim.tutoring.response import Category, StudentParams, categorise

__all__ = ["StudentFit", "fit_student_params", "MIN_TURNS"]

#: A category seen in fewer turns keeps its hand-set value (too few to estimate a chance).
MIN_TURNS = 30


@dataclass(frozen=True)
class StudentFit:
    """The fitted parameters and the counts behind them.

    Attributes:
        params: The fitted :class:`StudentParams` (hand-set fields keep their defaults).
        turns: Teacher turns read (each followed by a student turn, before the answer).
        counts: Per category, ``(turns, turns followed by progress)``.
        carried: Per ``"worked"`` / ``"told"``, ``(carry trials, carried)``: each later wrong
            step the fix reached is a trial, carried or the one that stopped it.
    """

    params: StudentParams
    turns: int
    counts: dict[str, tuple[int, int]]
    carried: dict[str, tuple[int, int]]

    def rate(self, category: Category, default: float = 0.0) -> float:
        """Progress share after ``category``; ``default`` under :data:`MIN_TURNS` turns."""
        n, k = self.counts.get(category.value, (0, 0))
        return k / n if n >= MIN_TURNS else default

    def table(self) -> list[dict]:
        """One row per category: turns, progress rate."""
        return [{"category": c, "turns": n, "progress": k / n if n else 0.0}
                for c, (n, k) in self.counts.items()]


def _pairs(reference: Sequence[Turn]) -> list[tuple[Turn, Turn]]:
    return [(t, reference[i + 1]) for i, t in enumerate(reference[:-1])
            if t.role == "teacher" and reference[i + 1].role == "student"]


def _ratio(k: int, n: int, default: float) -> float:
    return k / n if n else default


def fit_student_params(cases: Sequence[TutoringCase],
                       base: StudentParams | None = None) -> StudentFit:
    """Estimate the response chances from the cases' reference dialogues.

    Args:
        cases: Tutoring cases; those without a reference dialogue are skipped.
        base: Supplies the hand-set fields (``p_arith_error``, ``ability_sd``) and the values
            of categories that never occur.
    """
    base = base or StudentParams()
    seen: Counter[str] = Counter()
    moved: Counter[str] = Counter()
    carry_n: Counter[str] = Counter()
    carry_k: Counter[str] = Counter()
    for case in cases:
        steps, answer = case.problem.steps, case.problem.answer
        reached = list(case.correct_steps())
        own = BeliefState.start(case).wrong_values
        for teacher, student in _pairs(case.reference):
            category, target = categorise(read_message(teacher.text, case.problem),
                                          teacher.move, reached, own)
            solved = states_final(student.text, answer)
            new = {j for j, s in enumerate(steps) if not reached[j] and s.result is not None
                   and states_value(student.text, s.result)}
            seen[category.value] += 1
            if solved or target in new:
                moved[category.value] += 1
                kind = "told" if category in (Category.TOLD, Category.ANSWER) else "worked"
                # The student carries a fix forward step by step until one fails (the
                # simulation's mechanism): count carried steps and the failure that stopped it.
                later = [j for j in range(target + 1, len(steps)) if not reached[j]]
                run = len(later) if solved else next(
                    (n for n, j in enumerate(later) if j not in new), len(later))
                carry_k[kind] += run
                carry_n[kind] += run + (run < len(later))
            for j in new:
                reached[j] = True
            if solved:
                break
    fit = StudentFit(base, sum(seen.values()),
                     {c: (seen[c], moved[c]) for c in seen},
                     {k: (carry_n[k], carry_k[k]) for k in carry_n})
    return replace(fit, params=_params(fit, base)) if fit.turns else fit


def _params(fit: StudentFit, base: StudentParams) -> StudentParams:
    focus = fit.rate(Category.FOCUS_ON, 1.0 - base.persistence)
    worked, told = fit.carried.get("worked", (0, 0)), fit.carried.get("told", (0, 0))

    def rel(category: Category, default: float) -> float:
        return round(fit.rate(category, default * focus) / focus, 3) if focus else default

    def rate(category: Category, default: float) -> float:
        return round(fit.rate(category, default), 3)

    asked = fit.rate(Category.ASKED, base.p_asked * (1.0 - base.p_arith_error))
    return replace(
        base,
        persistence=round(1.0 - focus, 3),
        w_probing=rel(Category.PROBING_ON, base.w_probing),
        w_off=rel(Category.OFF, base.w_off),
        w_done=rel(Category.DONE, base.w_done),
        w_vague=rel(Category.VAGUE, base.w_vague),
        p_method=rate(Category.METHOD, base.p_method),
        p_generic=rate(Category.GENERIC, base.p_generic),
        p_told=rate(Category.TOLD, base.p_told),
        p_asked=round(min(asked / (1.0 - base.p_arith_error), 1.0), 3),
        p_copy_answer=rate(Category.ANSWER, base.p_copy_answer),
        p_carry=round(_ratio(worked[1], worked[0], base.p_carry), 3),
        p_carry_told=round(_ratio(told[1], told[0], base.p_carry_told), 3),
    )
