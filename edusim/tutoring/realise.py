"""Turning a (move, step) decision into a tutor utterance grounded in the solution steps.

Shared by every rule-based tutor so that tutors differ only in *which* move they choose.

Example:
    >>> from edusim.tutoring.dialogue import DialogueView
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> view = DialogueView(load_cases(builtin_problems_path())[0], ())
    >>> turn = realise(Move.TELLING, view, view.open_step(), variant=0)
    >>> turn.move, turn.step == view.open_step()
    (<Move.TELLING: 'telling'>, True)
"""

from __future__ import annotations

import re

from edusim.tutoring.dialogue import DialogueView
from edusim.tutoring.moves import Move, TutorTurn
from edusim.tutoring.numbers import format_number, states_value

__all__ = ["realise", "topic_of"]

_LEADING = re.compile(r"^(so|then|now|since|therefore|thus|in total|finally)\b[, ]*", re.I)


_STARTERS = {"the", "in", "after", "every", "each", "at", "for", "if", "when", "this", "there"}
_TRAILING = re.compile(r"\s+(is|was|are|were|has|had|have|will be|equals?)$", re.I)


def topic_of(step_text: str) -> str:
    """What a step works out, with its numbers removed: the words before the first number.

    Example:
        >>> topic_of("In total Karan has to pay $3650 + $365 = $4015.")
        'Karan has to pay'
        >>> topic_of("The interest is $3,650 x 0.1 = $365.")
        'the interest'
    """
    head = re.split(r"[$\d]", step_text, maxsplit=1)[0]
    head = _LEADING.sub("", head.strip().rstrip(",:;"))
    head = _TRAILING.sub("", head.strip())
    words = head.split()
    if len(words) < 2:
        return "this part of the problem"
    if words[0].lower() in _STARTERS:
        words[0] = words[0].lower()
    return " ".join(words[:14])


def _focus(view: DialogueView, step: int, variant: int) -> str:
    text = view.case.problem.steps[step].text
    topic = topic_of(text)
    if variant % 2 == 0:
        return f'Let\'s look at one part first: "{topic} ...". Which numbers do you need there?'
    operation = "add, subtract, multiply or divide"
    return f'Think again about "{topic} ...". Should you {operation} there, and why?'


def _probe(view: DialogueView, step: int, variant: int) -> str:
    value = view.last_student_value()
    topic = topic_of(view.case.problem.steps[step].text)
    reached = view.reached_steps()
    right = {s.result for s, ok in zip(view.case.problem.steps, reached, strict=True) if ok}
    if value is not None and value not in right and variant % 2 == 0:
        return f"How did you get {format_number(value)}? Can you explain that step to me?"
    return f'Can you check this part again: "{topic} ..."? What does the problem tell you?'


def _tell(view: DialogueView, step: int, reveal_result: bool) -> str:
    chosen = view.case.problem.steps[step]
    if reveal_result:
        return f"Here is that step: {chosen.text}"
    return f"Here is how to do that step: {chosen.without_result()}. Can you finish it?"


def _evaluation(view: DialogueView) -> str:
    """CLASS-style judgement of the student's last turn."""
    if not view.student_turns:
        return "no response yet"
    last = view.student_turns[-1].text
    results = [st.result for st in view.case.problem.steps if st.result is not None]
    if any(states_value(last, r) for r in results):
        return "partially correct"
    return "incorrect"


def realise(
    move: Move,
    view: DialogueView,
    step: int | None,
    *,
    variant: int = 0,
    reveal_result: bool = True,
) -> TutorTurn:
    """The utterance for ``move`` about solution step ``step``.

    Args:
        move: The chosen move.
        view: The dialogue so far.
        step: The targeted step; ``None`` when the student has already solved the problem.
        variant: Picks among phrasings (e.g. how many turns the step has already had).
        reveal_result: For telling: give the step's value (``True``) or only its method.
    """
    if step is None:
        answer = format_number(view.case.problem.answer)
        text = f"Yes, {answer} is right. Well done, {view.case.student_name}!"
        return TutorTurn(Move.GENERIC, text, None, "correct", "praise", "all steps solved")
    if move is Move.FOCUS:
        text = _focus(view, step, variant)
    elif move is Move.PROBING:
        text = _probe(view, step, variant)
    elif move is Move.TELLING:
        text = _tell(view, step, reveal_result)
    else:
        text = "Okay, take your time and walk me through your reasoning."
    reached = sum(view.reached_steps())
    state = f"{reached} of {view.case.problem.n_steps} steps reached; step {step + 1} open"
    action = f"{move.value} on step {step + 1}"
    return TutorTurn(move, text, step, _evaluation(view), action, state)
