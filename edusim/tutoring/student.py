"""A seeded simulated student for tutoring dialogues.

The student starts from a :class:`~edusim.tutoring.problems.TutoringCase`: it believes the
solution steps its incorrect solution reaches and holds a wrong value for the others. Each
tutor turn may correct the targeted step, with a probability that depends on the move:

* **telling** fixes the step most often but teaches less: the fix rarely carries over to the
  later steps, and it is no practice for the learner model (focus and probing are one round
  of practice, two when the student works the step out);
* **focus** and **probing** work better the more of them the step has had (the student is
  being led to the error), and much worse when they target a step that is not the student's
  first wrong one;
* **generic** does little.

When a step is fixed, the next wrong step (wrong because the error was carried forward) is
fixed too with probability ``p_carry``, and so on until one is not. A tutor text that states
the final answer lets the student copy it.

The student's knowledge is also an edusim learner model: the steps form a chain curriculum
(:func:`step_curriculum`), a :class:`~edusim.learners.BKTLearner` starts knowing the steps the
student got right, and focus and probing exchanges are practice for it, so
:meth:`SimulatedStudent.mastery` shows what the dialogue taught.

Example:
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> from edusim.tutoring.moves import Move, TutorTurn
    >>> case = load_cases(builtin_problems_path())[0]
    >>> student = SimulatedStudent(case, seed=0)
    >>> reply = student.respond(TutorTurn(Move.TELLING, "Here it is.", case.first_wrong_step()))
    >>> isinstance(reply, str), student.mastery().shape == (case.problem.n_steps,)
    (True, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edusim.curriculum import Curriculum, Item, ItemBank, SkillGraph
from edusim.learners import BKTLearner, BKTParams
from edusim.tutoring.moves import Move, TutorTurn
from edusim.tutoring.numbers import format_number, result_of, states_value
from edusim.tutoring.problems import TutoringCase

__all__ = ["StudentParams", "SimulatedStudent", "step_curriculum", "STUDENT_PRESETS"]


@dataclass(frozen=True)
class StudentParams:
    """Correction probabilities of the simulated student.

    Attributes:
        p_focus: Chance that a focus turn on the student's first wrong step fixes it.
        p_probing: The same for probing.
        p_telling: The same for telling (any target: the student copies what it is told).
        p_generic: The same for generic turns.
        scaffold_gain: Added to focus/probing chances per earlier focus/probing turn on the step.
        p_max: Cap on focus/probing chances.
        off_target: Multiplier on focus/probing chances when they target another step.
        p_carry: Chance that fixing a step also fixes each later wrong step.
        p_carry_told: ``p_carry`` after a telling turn (told, not understood).
        p_copy_answer: Chance of adopting the final answer when the tutor states it.
        ability_sd: Spread (log scale) of a per-student multiplier on focus/probing chances.
        p_learn: Learner-model learning rate per practice exchange.
    """

    p_focus: float = 0.30
    p_probing: float = 0.25
    p_telling: float = 0.85
    p_generic: float = 0.03
    scaffold_gain: float = 0.12
    p_max: float = 0.85
    off_target: float = 0.3
    p_carry: float = 0.6
    p_carry_told: float = 0.25
    p_copy_answer: float = 0.9
    ability_sd: float = 0.3
    p_learn: float = 0.35

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if name != "ability_sd" and not 0.0 <= value <= 1.0:
                raise ValueError(f"StudentParams.{name} must lie in [0, 1], got {value}")
        if self.ability_sd < 0:
            raise ValueError(f"StudentParams.ability_sd must be >= 0, got {self.ability_sd}")


#: Named student types for menus (the app): typical is the default calibration.
STUDENT_PRESETS: dict[str, StudentParams] = {
    "typical": StudentParams(),
    "struggling": StudentParams(p_focus=0.18, p_probing=0.15, scaffold_gain=0.08, p_carry=0.4),
    "quick": StudentParams(p_focus=0.45, p_probing=0.40, scaffold_gain=0.15, p_carry=0.8),
    "copier": StudentParams(p_focus=0.15, p_probing=0.12, p_telling=0.95),
}


def step_curriculum(case: TutoringCase) -> Curriculum:
    """A chain curriculum with one skill and one item per solution step.

    Example:
        >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
        >>> case = load_cases(builtin_problems_path())[0]
        >>> step_curriculum(case).n_skills == case.problem.n_steps
        True
    """
    steps = case.problem.steps
    graph = SkillGraph.chain(len(steps), prefix="step")
    names = {s: f"step {i + 1}: {steps[i].text[:60]}" for i, s in enumerate(graph.skills)}
    graph = SkillGraph(graph.skills, graph.edges, names)
    items = ItemBank(
        tuple(
            Item(f"q{s}", (s,), text=steps[i].text, answer=f"{steps[i].result}")
            for i, s in enumerate(graph.skills)
        )
    )
    tests = {s: (f"q{s}",) for s in graph.skills}
    return Curriculum(f"problem-{case.problem.id}", graph, items, tests)


class SimulatedStudent:
    """A student that answers tutor turns, seeded and reproducible.

    Args:
        case: The problem and the student's incorrect solution.
        params: Correction probabilities.
        seed: Seed of every draw (``None``: fresh entropy).
    """

    def __init__(
        self,
        case: TutoringCase,
        params: StudentParams | None = None,
        seed: int | np.random.SeedSequence | None = None,
    ) -> None:
        self.case = case
        self.params = params or StudentParams()
        self.rng = np.random.default_rng(seed)
        self.beliefs = np.array(case.correct_steps(), dtype=bool)
        self.scaffolds = np.zeros(case.problem.n_steps, dtype=np.int64)
        self.ability = float(np.exp(self.params.ability_sd * self.rng.standard_normal()))
        self._wrong = self._wrong_values()
        self.learner = BKTLearner(
            step_curriculum(case),
            BKTParams(
                p_init=tuple(0.98 if b else 0.02 for b in self.beliefs),
                p_learn=self.params.p_learn,
                prereq_gate=0.5,
            ),
        )
        self.state = self.learner.init_state(1, self.rng)
        self.initial_mastery = self.mastery()

    # -- state -----------------------------------------------------------------------------
    @property
    def solved(self) -> bool:
        return bool(self.beliefs.all())

    def mastery(self) -> np.ndarray:
        """Learner-model mastery per solution step, shape ``(n_steps,)``."""
        return self.learner.mastery(self.state)[0]

    def first_wrong(self) -> int | None:
        wrong = np.flatnonzero(~self.beliefs)
        return int(wrong[0]) if wrong.size else None

    def _wrong_values(self) -> list[float]:
        """A wrong value per step, taken from the incorrect solution where possible."""
        steps, answer = self.case.problem.steps, self.case.problem.answer
        correct = {s.result for s in steps if s.result is not None} | {answer}
        own = [result_of(line) for line in self.case.incorrect_solution]
        pool = [v for v in own if v is not None and v not in correct]
        values = []
        for i, step in enumerate(steps):
            if i == len(steps) - 1 and self.case.incorrect_answer not in (None, answer):
                values.append(float(self.case.incorrect_answer))
            elif pool:
                values.append(pool[min(i, len(pool) - 1)])
            else:
                values.append((step.result or 1.0) + 1.0 + i)
        return [v if v != answer else v + 1.0 for v in values]

    # -- dynamics --------------------------------------------------------------------------
    def _p_fix(self, turn: TutorTurn, target: int) -> float:
        p = self.params
        if turn.move is Move.TELLING:
            return p.p_telling
        if turn.move is Move.GENERIC:
            return p.p_generic
        base = p.p_focus if turn.move is Move.FOCUS else p.p_probing
        chance = min((base + p.scaffold_gain * self.scaffolds[target]) * self.ability, p.p_max)
        return chance if target == self.first_wrong() else chance * p.off_target

    def _fix(self, step: int, told: bool) -> list[int]:
        """Fix ``step``; the fix carries forward through later wrong steps until one fails."""
        fixed = [step]
        self.beliefs[step] = True
        carry = self.params.p_carry_told if told else self.params.p_carry
        for later in range(step + 1, len(self.beliefs)):
            if self.beliefs[later]:
                continue
            if self.rng.random() >= carry:
                break
            self.beliefs[later] = True
            fixed.append(later)
        return fixed

    def _practice(self, step: int) -> None:
        items = np.array([step])
        correct = np.array([bool(self.beliefs[step])])
        self.state = self.learner.update(self.state, items, correct, self.rng)

    def respond(self, turn: TutorTurn) -> str:
        """Update beliefs and the learner model after ``turn``; return the student's reply."""
        if self.solved:
            return self._say_answer([])
        answer = self.case.problem.answer
        if states_value(turn.text, answer) and self.rng.random() < self.params.p_copy_answer:
            self.beliefs[:] = True
            return f"Oh, so the answer is {format_number(answer)}."
        first = self.first_wrong()
        target = first if turn.step is None or turn.step >= len(self.beliefs) else turn.step
        fixed: list[int] = []
        if not self.beliefs[target] and self.rng.random() < self._p_fix(turn, target):
            fixed = self._fix(target, told=turn.move is Move.TELLING)
        if turn.move in (Move.FOCUS, Move.PROBING):
            # Working on the step is practice; working it out oneself is a second round.
            self.scaffolds[target] += 1
            for _ in range(2 if fixed else 1):
                self._practice(target)
        if self.solved:
            return self._say_answer(fixed)
        if fixed:
            said = " ".join(self.case.problem.steps[i].text for i in fixed)
            return f"Oh, I see. {said}"
        return self._say_stuck(turn, target)

    def _say_answer(self, fixed: list[int]) -> str:
        steps = " ".join(self.case.problem.steps[i].text for i in fixed)
        answer = format_number(self.case.problem.answer)
        return f"{steps} So the answer is {answer}.".strip()

    def _say_stuck(self, turn: TutorTurn, target: int) -> str:
        shown = target if not self.beliefs[target] else self.first_wrong()
        value = format_number(self._wrong[shown if shown is not None else -1])
        if turn.move is Move.GENERIC:
            return f"Okay. I still think it is {value}."
        if turn.move is Move.TELLING:
            return f"Hmm, I'm not sure I follow. I got {value} there."
        return f"I think that part is {value}, because that is how I worked it out."
