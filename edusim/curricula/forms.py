"""Question forms: how a curriculum's questions are recognised, solved and got wrong.

A curriculum's domain knowledge is one tuple of :class:`QuestionForm` records in a module
beside its JSON data (``edusim/curricula/fractions_forms.py`` for ``fractions.json``), listed
in :data:`FORM_SETS`. Each record holds everything about one form of question: the pattern
that recognises it, the solver that writes the steps and the answer, the typical mistakes on
the question's own numbers, and the key idea a teacher states. The lesson planner reads
them through :func:`forms_for` and :func:`solve` and knows no domain itself; a new curriculum
is one module of records plus one line in :data:`FORM_SETS`.

Example:
    >>> from edusim.curriculum import Item
    >>> forms = forms_for("fractions")
    >>> s = solve(Item("q", ("add_unlike",), 0.0, "Compute 1/2 + 1/3 and simplify.", "5/6"), forms)
    >>> s.form.name, s.answer
    ('add', '5/6')
    >>> s.steps[0]
    'Find a common denominator: the least common multiple of 2 and 3 is 6.'
    >>> forms_for("no-such-curriculum")
    ()
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from edusim.curriculum import Item
from edusim.registry import Entry, Registry

__all__ = ["FORM_SETS", "QuestionForm", "Solution", "TypicalMistake", "forms_for", "solve"]


@dataclass(frozen=True)
class TypicalMistake:
    """One way learners typically go wrong on a form of question.

    Attributes:
        type: Its place in the mistake taxonomy (``"misapplied rule"``, ``"calculation"``,
            ``"simplification"``, ``"transposition"``, ``"ignored condition"``,
            ``"misreading"``).
        weight: How common it is relative to the form's other mistakes.
        note: What it looks like on the question's numbers, and how to address it.
    """

    type: str
    weight: float
    note: str


@dataclass(frozen=True)
class QuestionForm:
    """Everything about one form of question, in one record.

    Attributes:
        name: Short name (``"add"``).
        pattern: Regular expression that recognises the question's text; its digit groups are
            the question's numbers, in order.
        solve: Numbers -> (solution steps, answer). The answer is the one a teacher marks as
            right, written as the question expects it.
        mistakes: Numbers -> typical mistakes on those numbers.
        key_idea: The idea of the form in one sentence (a knowledge point's summary).
    """

    name: str
    pattern: str
    solve: Callable[[tuple[int, ...]], tuple[Sequence[str], str]]
    mistakes: Callable[[tuple[int, ...]], Sequence[TypicalMistake]]
    key_idea: str

    def match(self, text: str) -> tuple[int, ...] | None:
        """The question's numbers when ``text`` has this form, else ``None``."""
        m = re.search(self.pattern, text)
        if m is None:
            return None
        return tuple(int(g) for g in m.groups() if g is not None and g.isdigit())


@dataclass(frozen=True)
class Solution:
    """A solved question.

    Attributes:
        form: The recognised form, or ``None`` when no form matched (generic steps).
        numbers: The integers of the question, in the order they appear.
        steps: Solution steps; the last one states the answer.
        answer: The answer (the solver's when a form matched, else the item's stored one).
    """

    form: QuestionForm | None
    numbers: tuple[int, ...]
    steps: tuple[str, ...]
    answer: str

    def mistakes(self) -> tuple[TypicalMistake, ...]:
        """The form's typical mistakes on these numbers (generic ones without a form)."""
        if self.form is None:
            return GENERIC_MISTAKES
        return tuple(self.form.mistakes(self.numbers))


#: Mistakes anyone can make on a question of unknown form.
GENERIC_MISTAKES: tuple[TypicalMistake, ...] = (
    TypicalMistake("misreading", 0.3, "Misreads what the question asks for."),
    TypicalMistake("misapplied rule", 0.4, "Applies the rule of a neighbouring skill."),
    TypicalMistake("calculation", 0.3, "Arithmetic slip in an intermediate step."),
)

#: Curriculum name -> its tuple of question forms (a domain module beside its JSON data).
FORM_SETS: Registry[tuple[QuestionForm, ...]] = Registry(
    "question-form set",
    {
        "fractions": Entry(
            "edusim.curricula.fractions_forms:FORMS",
            "Fractions",
            "The question forms of the built-in fractions curriculum, grades 3-6.",
        ),
    },
)


@cache
def forms_for(curriculum_name: str) -> tuple[QuestionForm, ...]:
    """The question forms of a curriculum, or ``()`` when it has none (generic steps)."""
    if curriculum_name not in FORM_SETS.names():
        return ()
    return tuple(FORM_SETS.load(curriculum_name))


def solve(
    item: Item,
    forms: Sequence[QuestionForm],
    skill_names: Mapping[str, str] | None = None,
) -> Solution:
    """Solve ``item`` step by step with the first of ``forms`` that recognises its text.

    Args:
        item: A curriculum item (its ``text`` is parsed).
        forms: The curriculum's question forms (see :func:`forms_for`).
        skill_names: Readable skill names for the generic steps.

    Example:
        >>> from edusim.curriculum import Item
        >>> solve(Item("q", ("x",), 0.0, "Name it.", "7"), ()).steps
        ('Recall how to x.', 'Apply it to the question: Name it.', 'Check the result: 7.')
    """
    text = item.text or ""
    for form in forms:
        numbers = form.match(text)
        if numbers is not None:
            steps, answer = form.solve(numbers)
            return Solution(form, numbers, (*steps, f"Answer: {answer}."), answer)
    names = skill_names or {}
    skills = " and ".join(names.get(s, s).lower() for s in item.skills)
    answer = item.answer or "(no stored answer)"
    steps = (
        f"Recall how to {skills}.",
        f"Apply it to the question: {text or item.id}",
        f"Check the result: {answer}.",
    )
    return Solution(None, (), steps, answer)
