"""A seeded simulated student that reads what the tutor writes (offline, no language model).

The student starts from a :class:`~edusim.tutoring.problems.TutoringCase`: it has right the
steps its first try reaches and holds a wrong value for the others
(:class:`~edusim.tutoring.beliefs.BeliefState`). For each tutor message it

1. reads the text (:func:`~edusim.tutoring.reading.read_message`): the quantities and sums,
   the questions, the step it is about, whether a step's value or the answer is given away;
2. works out any sum it is asked, with its own error rate;
3. decides, with the chance of the message's :class:`~edusim.tutoring.response.Category`
   (fitted on MathDial; the misconception's ``persistence`` comes from the student's profile),
   whether it makes progress on the step the message is about; progress may carry forward;
4. replies from its current beliefs (:class:`~edusim.tutoring.phrasing.ReplyPhrasing`).

Nonsense gets confusion, never progress. The move label of a turn is optional: without one the
student reads the move from the text.

Example:
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> case = load_cases(builtin_problems_path())[0]
    >>> student = SimulatedStudent(case, seed=0)
    >>> "15" in student.respond("What number do you get for 12 + 3?")
    True
    >>> before = student.mastery().tolist()
    >>> reply = student.respond("banana banana banana")
    >>> student.last_category.value, student.mastery().tolist() == before
    ('nonsense', True)
"""

from __future__ import annotations

import numpy as np

from edusim.curriculum import Curriculum, Item, ItemBank, SkillGraph
from edusim.tutoring.beliefs import BeliefState, Source
from edusim.tutoring.moves import TutorTurn
from edusim.tutoring.phrasing import ReplyPhrasing, write_sum
from edusim.tutoring.problems import TutoringCase
from edusim.tutoring.reading import Reading, read_message
from edusim.tutoring.response import Category, StudentParams, categorise

__all__ = ["StudentParams", "SimulatedStudent", "step_curriculum", "STUDENT_PRESETS"]

#: Named student profiles for menus (the app): typical is the MathDial fit.
STUDENT_PRESETS: dict[str, StudentParams] = {
    "typical": StudentParams(),
    "struggling": StudentParams(persistence=0.8, p_carry=0.3, p_arith_error=0.2),
    "quick": StudentParams(persistence=0.4, p_carry=0.8, p_arith_error=0.03),
    "copier": StudentParams(persistence=0.8, p_told=0.95, p_copy_answer=0.95),
}

#: Categories whose chance the student's ability scales (working things out, not copying).
_ABILITY = {Category.FOCUS_ON, Category.PROBING_ON, Category.OFF, Category.DONE, Category.VAGUE,
            Category.METHOD, Category.GENERIC}


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
    """A student that answers tutor messages, seeded and reproducible.

    Args:
        case: The problem and the student's incorrect first try.
        params: How it responds (defaults: fitted on MathDial).
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
        self.ability = float(np.exp(self.params.ability_sd * self.rng.standard_normal()))
        self.beliefs = BeliefState.start(case)
        self.phrasing = ReplyPhrasing(self.rng)
        self.initial_mastery = self.mastery()
        self.last_reading: Reading | None = None
        self.last_category: Category | None = None

    @property
    def solved(self) -> bool:
        return self.beliefs.solved

    @property
    def last_reply(self) -> str:
        return self.phrasing.last

    def mastery(self) -> np.ndarray:
        """Per solution step, how well the student now has it (see ``BeliefState.mastery``)."""
        return self.beliefs.mastery()

    def first_wrong(self) -> int | None:
        return self.beliefs.first_wrong()

    # -- one message ---------------------------------------------------------------------------
    def respond(self, turn: TutorTurn | str) -> str:
        """Read the tutor's message (a turn, or plain text), update beliefs, return the reply."""
        if isinstance(turn, str):
            turn = TutorTurn(None, turn)
        reading = read_message(turn.text, self.case.problem)
        category, target = categorise(reading, turn.move, self.beliefs.correct(),
                                      self.beliefs.wrong_values)
        self.last_reading, self.last_category = reading, category
        prefix, arithmetic_right = self._work_out(reading)
        if self.beliefs.solved:
            return self.phrasing.solved(self.beliefs, [], prefix)
        if category is Category.NONSENSE:
            return self.phrasing.confused(self.beliefs)
        chance = self.params.chance(category)
        if category in _ABILITY:
            chance = min(chance * self.ability, 1.0)
        moved = self.rng.random() < chance and (category is not Category.ASKED or arithmetic_right)
        if moved:
            return self._progress(category, target, prefix)
        return self._no_progress(category, target, prefix)

    def _work_out(self, reading: Reading) -> tuple[str, bool]:
        """The sum it was asked, worked out (maybe wrongly), as the start of the reply."""
        expr = reading.asked
        if expr is None or expr.value is None:
            return "", False
        value = expr.value
        right = self.rng.random() >= self.params.p_arith_error
        if not right:
            slip = float(self.rng.choice([-10.0, -1.0, 1.0, 10.0]))
            value = value + slip if value + slip != value else value + 1.0
        return f"{write_sum(expr, value)}. ", right

    def _progress(self, category: Category, target: int, prefix: str) -> str:
        told = category in (Category.TOLD, Category.ANSWER)
        source = Source.TOLD if told else Source.WORKED
        if category is Category.ANSWER:
            target = self.beliefs.n_steps - 1
        fixed = self.beliefs.fix(target, source)
        carry = self.params.p_carry_told if told else self.params.p_carry
        for later in range(target + 1, self.beliefs.n_steps):
            if self.beliefs.correct()[later]:
                continue
            if self.rng.random() >= carry:
                break
            fixed += self.beliefs.fix(later, source)
        if self.beliefs.solved:
            if category is Category.ANSWER:
                return self.phrasing.took_answer(self.beliefs, prefix)
            return self.phrasing.solved(self.beliefs, fixed, prefix)
        if category is Category.TOLD:
            return self.phrasing.took(self.beliefs, target, prefix)
        return self.phrasing.progress(self.beliefs, fixed, prefix)

    def _no_progress(self, category: Category, target: int, prefix: str) -> str:
        beliefs = self.beliefs
        if category is Category.ANSWER:
            return self.phrasing.doubt_answer(beliefs, prefix)
        if category is Category.TOLD:
            return self.phrasing.refuse(beliefs, target, prefix)
        if category is Category.GENERIC and not prefix:
            return self.phrasing.waiting(beliefs)
        if category is Category.VAGUE:  # asked to explain: it explains its own working
            target = beliefs.first_wrong() if beliefs.first_wrong() is not None else target
        if beliefs.correct()[target]:
            return self.phrasing.confirm(beliefs, target, prefix)
        return self.phrasing.stuck(beliefs, target, prefix)
