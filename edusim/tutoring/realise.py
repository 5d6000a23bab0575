"""Turning a (move, step) decision into a tutor utterance, in the problem's own words.

Every sentence is built from the problem: the quantity a step works out (its own words, see
:func:`~edusim.tutoring.phrasing.quantity_of`), the numbers and the sum of the step, the
student's own working and its last answer. A turn first reacts to what the student just said
(a right value, a wrong number, "I don't know", something that made no sense), and never
repeats the tutor's previous turn word for word. Shared by every rule-based tutor, so that
tutors differ only in *which* move they choose.

Example:
    >>> from edusim.tutoring.dialogue import DialogueView
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> view = DialogueView(load_cases(builtin_problems_path())[0], ())
    >>> realise(Move.FOCUS, view, 0, variant=2).text
    'Hi Mariana! What do you get for 12 + 3?'
    >>> realise(Move.TELLING, view, 0, variant=1).move
    <Move.TELLING: 'telling'>
"""

from __future__ import annotations

from edusim.tutoring.dialogue import DialogueView
from edusim.tutoring.moves import Move, TutorTurn
from edusim.tutoring.numbers import extract_numbers, format_number, states_value
from edusim.tutoring.phrasing import quantity_of, write_sum
from edusim.tutoring.reading import Expression, parse_expressions, read_message
from edusim.tutoring.words import says_dont_know

__all__ = ["realise", "realise_on_open_step", "reaction"]

_OPERATION = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}


def _sum(view: DialogueView, step: int) -> Expression | None:
    sums = parse_expressions(view.case.problem.steps[step].text)
    return sums[-1] if sums else None


def reaction(view: DialogueView, step: int | None) -> str:
    """The start of a turn: a response to the student's last words (empty when none fits).

    Example:
        >>> from edusim.tutoring.moves import Turn
        >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
        >>> case = load_cases(builtin_problems_path())[0]
        >>> reaction(DialogueView(case, (Turn("student", "I don't know"),)), 0)
        "That's okay, let's go one small step at a time. "
    """
    if not view.student_turns:
        return f"Hi {view.case.student_name}! " if view.case.student_name != "there" else ""
    last = view.student_turns[-1].text
    problem = view.case.problem
    if says_dont_know(last):
        return "That's okay, let's go one small step at a time. "
    if read_message(last, problem).nonsense:
        return "I didn't quite follow that. "
    numbers = extract_numbers(last)
    earlier = [t.text for t in view.student_turns[:-1]]
    right = [i for i, s in enumerate(problem.steps) if s.result is not None
             and states_value(last, s.result)
             and not any(states_value(t, s.result) for t in earlier)]
    if right and step is not None and max(right) < step:
        done = max(right)
        value = format_number(problem.steps[done].result or 0.0)
        return f"Yes, {value} is right for {quantity_of(problem.steps[done].text)}. "
    if numbers and step is not None and not any(
            s.result is not None and states_value(last, s.result) for s in problem.steps):
        return f"You have {format_number(numbers[-1])}, but that is not right yet. "
    return ""


def _focus(view: DialogueView, step: int, variant: int) -> list[str]:
    quantity = quantity_of(view.case.problem.steps[step].text)
    expr = _sum(view, step)
    options = [
        f"Let's look at {quantity}. Which numbers from the problem do you need for it?",
        f"Read the question again: what does it tell you about {quantity}?",
    ]
    if expr is not None:
        a, b = format_number(expr.left), format_number(expr.right)
        options.insert(1, f"To find {quantity}, would you add, subtract, multiply or divide "
                          f"{a} and {b}?")
        options.insert(2, f"What do you get for {write_sum(expr)}?")
    return options[variant % len(options):] + options[:variant % len(options)]


def _probe(view: DialogueView, step: int, variant: int) -> list[str]:
    quantity = quantity_of(view.case.problem.steps[step].text)
    options = [f"How did you work out {quantity}? Walk me through it.",
               f"Are you sure about {quantity}? Check it against the question."]
    value = view.last_student_value()
    right = {s.result for s in view.case.problem.steps}
    if value is not None and value not in right:
        options.insert(0, f"How did you get {format_number(value)}? Can you explain that step?")
    own = _own_line(view, step)
    if own:
        options.insert(1, f'You wrote "{own.rstrip(". ")}". Why did you do it that way?')
    return options[variant % len(options):] + options[:variant % len(options)]


def _own_line(view: DialogueView, step: int) -> str | None:
    lines = [ln for ln in view.case.incorrect_solution if parse_expressions(ln)]
    result = view.case.problem.steps[step].result
    if step < len(lines) and (result is None or not states_value(lines[step], result)):
        return lines[step]
    return None


def _tell(view: DialogueView, step: int, variant: int, reveal_result: bool) -> list[str]:
    chosen = view.case.problem.steps[step]
    quantity = quantity_of(chosen.text)
    expr = _sum(view, step)
    if not reveal_result:
        options = [f"Here is how to do that step: {chosen.without_result()}. Can you finish it?"]
        if expr is not None:
            how = _OPERATION[expr.op]
            options.append(f"To find {quantity}, you need to {how}: work out "
                           f"{write_sum(expr)}. What do you get?")
    else:
        options = [f"Here is that step: {chosen.text}", f"Look at it this way: {chosen.text}"]
        if expr is not None and expr.value is not None:
            options.append(f"For {quantity} you get {write_sum(expr, expr.value)}.")
    return options[variant % len(options):] + options[:variant % len(options)]


def _generic(view: DialogueView) -> list[str]:
    return ["Okay, take your time and walk me through your reasoning.",
            "Good, keep going: what would you do next?",
            "You're on the right track. Show me your next step."]


def _solved(view: DialogueView) -> list[str]:
    answer, name = format_number(view.case.problem.answer), view.case.student_name
    return [f"Yes, {answer} is right. Well done, {name}!",
            f"That's it: {answer}. Great work, {name}!"]


def _evaluation(view: DialogueView) -> str:
    """CLASS-style judgement of the student's last turn."""
    if not view.student_turns:
        return "no response yet"
    last = view.student_turns[-1].text
    results = [st.result for st in view.case.problem.steps if st.result is not None]
    if any(states_value(last, r) for r in results):
        return "partially correct"
    return "incorrect"


def _fresh(options: list[str], prefix: str, view: DialogueView) -> str:
    """The first option that is not the tutor's previous turn word for word."""
    previous = view.tutor_turns[-1].text if view.tutor_turns else None
    texts = [f"{prefix}{o}" for o in options]
    return next((t for t in texts if t != previous), f"Let me put it another way. {options[0]}")


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
        text = _fresh(_solved(view), "", view)
        return TutorTurn(Move.GENERIC, text, None, "correct", "praise", "all steps solved")
    if move is Move.FOCUS:
        options = _focus(view, step, variant)
    elif move is Move.PROBING:
        options = _probe(view, step, variant)
    elif move is Move.TELLING:
        options = _tell(view, step, variant, reveal_result)
    else:
        options = _generic(view)[variant % 3:] + _generic(view)[:variant % 3]
    text = _fresh(options, reaction(view, step), view)
    reached = sum(view.reached_steps())
    state = f"{reached} of {view.case.problem.n_steps} steps reached; step {step + 1} open"
    action = f"{move.value} on step {step + 1}"
    return TutorTurn(move, text, step, _evaluation(view), action, state)


def realise_on_open_step(move: Move, view: DialogueView, extra: int = 0) -> TutorTurn:
    """``move`` on the step the student has not reached yet, worded by how many turns that step
    has had (plus ``extra``); praise once the problem is solved.

    Example:
        >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
        >>> view = DialogueView(load_cases(builtin_problems_path())[0], ())
        >>> realise_on_open_step(Move.PROBING, view).step
        0
    """
    step = view.open_step()
    variant = len(view.turns_on(step)) + extra if step is not None else 0
    return realise(move, view, step, variant=variant)
