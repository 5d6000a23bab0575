"""The simulated student's replies, phrased from what it now believes.

:class:`ReplyPhrasing` turns what just happened (progress, a sum worked out, still stuck,
confused...) into a sentence that uses the student's current values, and never says the same
sentence twice in a row.

Example:
    >>> import numpy as np
    >>> from edusim.tutoring.beliefs import BeliefState
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> beliefs = BeliefState.start(load_cases(builtin_problems_path())[0])
    >>> phrasing = ReplyPhrasing(np.random.default_rng(0))
    >>> a, b = phrasing.stuck(beliefs, 0), phrasing.stuck(beliefs, 0)
    >>> a != b and "9" in a and "9" in b
    True
"""

from __future__ import annotations

import re

import numpy as np

from edusim.tutoring.beliefs import BeliefState
from edusim.tutoring.numbers import format_number
from edusim.tutoring.reading import Expression

__all__ = ["ReplyPhrasing", "quantity_of"]

_SYMBOL = {"+": "+", "-": "-", "*": "x", "/": "/"}
_LEAD = re.compile(r"^(so|then|now|since|therefore|thus|in total|finally|and)\b[, ]*", re.I)
_TAIL = re.compile(r"\s+(is|was|are|were|has|had|have|will be|equals?|because)$", re.I)


def quantity_of(step_text: str) -> str:
    """What a solution step works out, in the problem's own words.

    Example:
        >>> quantity_of("Julia had 12 + 3 = 15 spoons before tasting the stew.")
        'the spoons before tasting the stew'
        >>> quantity_of("The interest is $3,650 x 0.1 = $365.")
        'the interest'
    """
    _, sep, tail = step_text.rpartition("=")
    after = re.sub(r"^\s*\$?[\d.,]+\s*", "", tail) if sep else ""
    after = re.split(r"[.;,!?]| because ", after)[0].strip()
    if sep and after and not after[0].isdigit() and len(after.split()) <= 10:
        return f"the {after}"
    head = re.split(r"[$\d]", step_text, maxsplit=1)[0]
    head = _TAIL.sub("", _LEAD.sub("", head.strip().rstrip(",:;")).strip())
    words = head.split()
    if not words:
        return "that step"
    if words[0].lower() in {"the", "her", "his", "their", "its"}:
        words[0] = words[0].lower()
        return " ".join(words[:10])
    if words[0].lower() in {"each", "every", "in", "after", "at", "for", "on"}:
        words[0] = words[0].lower()
    return "what " + " ".join(words[:10])  # "what Karan pays"


def write_sum(expr: Expression, value: float | None = None) -> str:
    """``12 + 3 = 15`` (``12 + 3`` without a value).

    Example:
        >>> write_sum(Expression(12, "+", 3), 15), write_sum(Expression(6, "*", 1.5))
        ('12 + 3 = 15', '6 x 1.5')
    """
    a, b = format_number(expr.left), format_number(expr.right)
    text = f"{a} {_SYMBOL[expr.op]} {b}"
    return text if value is None else f"{text} = {format_number(value)}"


class ReplyPhrasing:
    """Sentences for the student's replies, varied, never the previous reply verbatim."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.last = ""

    def _pick(self, options: list[str], prefix: str = "") -> str:
        order = self.rng.permutation(len(options))
        for i in order:
            text = f"{prefix}{options[i]}".strip()
            if text != self.last:
                break
        else:  # every option is the last reply: say it differently
            text = f"{prefix}Let me say it again: {options[0]}".strip()
        self.last = text
        return text

    def _step(self, beliefs: BeliefState, step: int) -> tuple[str, str]:
        text = beliefs.case.problem.steps[step].text
        return quantity_of(text), format_number(beliefs.value(step))

    def solved(self, beliefs: BeliefState, fixed: list[int], prefix: str = "") -> str:
        steps = " ".join(beliefs.case.problem.steps[i].text for i in fixed)
        answer = format_number(beliefs.case.problem.answer)
        if not fixed:
            return self._pick([f"I already have it: the answer is {answer}.",
                               f"So the answer is {answer}, right?"], prefix)
        return self._pick([
            f"Oh, I see now. {steps} So the answer is {answer}.",
            f"{steps} That means the answer is {answer}!",
            f"Okay, then I get {answer}. {steps}",
        ], prefix)

    def progress(self, beliefs: BeliefState, fixed: list[int], prefix: str = "") -> str:
        steps = " ".join(beliefs.case.problem.steps[i].text for i in fixed)
        answer = format_number(beliefs.answer())
        return self._pick([
            f"Oh, I see. {steps}",
            f"Wait, I think I made a mistake there. {steps}",
            f"{steps} But I am not sure about the rest yet; I still have {answer} at the end.",
        ], prefix)

    def took_answer(self, beliefs: BeliefState, prefix: str = "") -> str:
        answer = format_number(beliefs.case.problem.answer)
        return self._pick([f"Oh, so the answer is {answer}.", f"Okay, {answer} then."], prefix)

    def doubt_answer(self, beliefs: BeliefState, prefix: str = "") -> str:
        answer = format_number(beliefs.case.problem.answer)
        mine = format_number(beliefs.answer())
        return self._pick([f"Is it really {answer}? I got {mine}.",
                           f"Why {answer}? My answer was {mine}."], prefix)

    def took(self, beliefs: BeliefState, step: int, prefix: str = "") -> str:
        what, value = self._step(beliefs, step)
        return self._pick([
            f"Oh, so it is {value} for {what}? Okay.",
            f"Okay, {value} for {what}. I didn't get that before.",
            f"So it is {value}. I'll use that.",
        ], prefix)

    def refuse(self, beliefs: BeliefState, step: int, prefix: str = "") -> str:
        what, value = self._step(beliefs, step)
        return self._pick([
            f"Hmm, but I got {value} for {what}. Why would it be different?",
            f"Are you sure? I worked out {value} there.",
        ], prefix)

    def stuck(self, beliefs: BeliefState, step: int, prefix: str = "") -> str:
        what, value = self._step(beliefs, step)
        own = beliefs.own_line(step)
        options = [
            f"I still get {value} for {what}.",
            f"I'm not sure what is wrong. I got {value} for {what}.",
            f"I thought about it, and I still get {value}.",
        ]
        if own:
            options.append(f"I did it like this: {own}")
        return self._pick(options, prefix)

    def confirm(self, beliefs: BeliefState, step: int, prefix: str = "") -> str:
        what, value = self._step(beliefs, step)
        return self._pick([
            f"I have {value} for {what}; I think that part is right.",
            f"Yes, for {what} I am sure it is {value}.",
        ], prefix)

    def waiting(self, beliefs: BeliefState, prefix: str = "") -> str:
        answer = format_number(beliefs.answer())
        return self._pick([
            f"Okay. My answer is still {answer}.",
            f"Thanks. I still get {answer}, though.",
            f"Okay, I'll keep thinking. Right now I have {answer}.",
        ], prefix)

    def confused(self, beliefs: BeliefState) -> str:
        answer = format_number(beliefs.answer())
        return self._pick([
            "Sorry, I don't understand what you mean.",
            "What do you mean? I don't see what that has to do with the problem.",
            f"Huh? I don't get it. I still have {answer} as my answer.",
        ])
