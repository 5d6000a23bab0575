"""Reading a tutor's message the way a student would: quantities, sums, questions, the step.

:func:`read_message` finds what a message writes (numbers, arithmetic like ``12 + 3`` or "take
away 5 from 15", questions), which solution step it is about, whether it gives a step's value
or the final answer away, and, when nobody labelled it, which of MathDial's moves it is.
Nonsense (no number, no word of the problem or of ordinary talk) is recognised as such.

Example:
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> problem = load_cases(builtin_problems_path())[0].problem
    >>> r = read_message("What number do you get for 12 + 3?", problem)
    >>> r.asked.left, r.asked.op, r.asked.right, r.step, r.move.value
    (12.0, '+', 3.0, 0, 'focus')
    >>> r = read_message("Now take away her husband's 5 from that 15.", problem)
    >>> r.asked.left, r.asked.op, r.asked.right, r.step
    (15.0, '-', 5.0, 1)
    >>> read_message("banana banana banana", problem).nonsense
    True
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from edusim.tutoring.moves import Move
from edusim.tutoring.numbers import extract_numbers
from edusim.tutoring.problems import Problem
from edusim.tutoring.words import COMMON_WORDS, PROBING_CUES, REQUEST_CUES, content_words

__all__ = ["Expression", "Reading", "read_message", "parse_expressions", "evaluate"]

_NUM = r"\$?\s?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_SYMBOL_OPS = {"+": "+", "-": "-", "x": "*", "*": "*", "×": "*", "/": "/", "÷": "/"}
_SYMBOL = re.compile(
    rf"(?P<a>{_NUM})\s*(?P<op>[+\-x*×/÷])\s*(?P<b>{_NUM})(?:\s*=\s*(?P<c>{_NUM}))?", re.I
)
_WORD_OPS = (  # "take away 5 from 15" is 15 - 5: (pattern, operator, operands swapped?)
    (r"(?:take away|subtract|minus)\s+(?:\D{0,25}?)(?P<a>{n})\b\D{0,25}?\bfrom\b\D{0,25}?"
     r"(?P<b>{n})", "-", True),
    (r"\badd\s+\D{0,25}?(?P<a>{n})\b\D{0,25}?\bto\b\D{0,25}?(?P<b>{n})", "+", True),
    (r"\bmultiply\s+\D{0,25}?(?P<a>{n})\b\D{0,25}?\bby\b\D{0,25}?(?P<b>{n})", "*", False),
    (r"\bdivide\s+\D{0,25}?(?P<a>{n})\b\D{0,25}?\bby\b\D{0,25}?(?P<b>{n})", "/", False),
    (r"(?P<a>{n})\s+plus\s+(?P<b>{n})", "+", False),
    (r"(?P<a>{n})\s+minus\s+(?P<b>{n})", "-", False),
    (r"(?P<a>{n})\s+(?:times|multiplied by)\s+(?P<b>{n})", "*", False),
    (r"(?P<a>{n})\s+divided by\s+(?P<b>{n})", "/", False),
)
_WORDS = tuple(
    (re.compile(p.replace("{n}", r"\$?\d+(?:\.\d+)?"), re.I), op, swap) for p, op, swap in _WORD_OPS
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]?")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")


@dataclass(frozen=True)
class Expression:
    """``left op right`` (``op`` one of ``+ - * /``), with the result the text states, if any."""

    left: float
    op: str
    right: float
    stated: float | None = None

    @property
    def value(self) -> float | None:
        return evaluate(self.left, self.op, self.right)

    def same_sum(self, other: Expression) -> bool:
        """Same operator and operands (in either order for ``+`` and ``*``)."""
        if self.op != other.op:
            return False
        pairs = {(self.left, self.right)}
        if self.op in "+*":
            pairs.add((self.right, self.left))
        return any(_close(a, other.left) and _close(b, other.right) for a, b in pairs)


def evaluate(left: float, op: str, right: float) -> float | None:
    """``left op right`` (``None`` for a division by zero).

    Example:
        >>> evaluate(15, "-", 5), evaluate(6, "/", 1.5), evaluate(1, "/", 0)
        (10.0, 4.0, None)
    """
    if op == "+":
        return float(left + right)
    if op == "-":
        return float(left - right)
    if op == "*":
        return float(left * right)
    return None if right == 0 else float(left / right)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


def _number(token: str | None) -> float | None:
    if not token:
        return None
    token = token.replace("$", "").replace(",", "").replace(" ", "")
    try:
        return float(token)
    except ValueError:
        return None


def parse_expressions(text: str) -> tuple[Expression, ...]:
    """The arithmetic ``text`` writes, with symbols (``12 + 3 = 15``) or words ("take away").

    Example:
        >>> [(e.left, e.op, e.right, e.stated) for e in parse_expressions("$3,650 x 0.1 = $365")]
        [(3650.0, '*', 0.1, 365.0)]
    """
    found: list[tuple[int, Expression]] = []
    for match in _SYMBOL.finditer(text):
        a, b = _number(match.group("a")), _number(match.group("b"))
        if a is None or b is None:
            continue
        op = _SYMBOL_OPS[match.group("op").lower()]
        found.append((match.start(), Expression(a, op, b, _number(match.group("c")))))
    for pattern, op, swap in _WORDS:
        for match in pattern.finditer(text):
            a, b = _number(match.group("a")), _number(match.group("b"))
            if a is not None and b is not None:
                left, right = (b, a) if swap else (a, b)
                found.append((match.start(), Expression(left, op, right)))
    return tuple(e for _, e in sorted(found, key=lambda pair: pair[0]))


@dataclass(frozen=True)
class Reading:
    """What a student takes from one tutor message.

    Attributes:
        numbers: Every number written.
        expressions: Every sum written (see :func:`parse_expressions`).
        questions: The sentences that ask something.
        requests: Whether it asks the student to do something (a question, "talk me
            through", "try again", ...), as opposed to only encouraging.
        asked: The sum the student is asked to work out (one without a stated result), if any.
        step: The solution step the message is about, if it can tell.
        told_steps: Steps whose value the message gives away.
        tells_answer: Whether it writes the final answer.
        nonsense: No number and no word of the problem or of ordinary talk.
        move: The move the message makes (read from the text).
    """

    numbers: tuple[float, ...]
    expressions: tuple[Expression, ...]
    questions: tuple[str, ...]
    requests: bool
    asked: Expression | None
    step: int | None
    told_steps: tuple[int, ...]
    tells_answer: bool
    nonsense: bool
    move: Move


def _step_sums(problem: Problem) -> list[tuple[Expression, ...]]:
    return [parse_expressions(step.text) for step in problem.steps]


def _about(problem: Problem, numbers: list[float], words: set[str],
           sums: list[tuple[Expression, ...]], asked: Expression | None) -> int | None:
    """The step the message is about: its sum, else the most shared numbers and words."""
    if asked is not None:
        for i, step_sums in enumerate(sums):
            if any(asked.same_sum(s) for s in step_sums):
                return i
    best, best_score = None, 0.0
    for i, step in enumerate(problem.steps):
        operands = {v for s in sums[i] for v in (s.left, s.right)}
        shared = sum(any(_close(n, v) for v in operands) for n in set(numbers))
        if step.result is not None and any(_close(n, step.result) for n in numbers):
            shared += 1
        score = 2.0 * shared + 0.5 * len(words & content_words(step.text))
        if score > best_score:
            best, best_score = i, score
    return best


def _given(problem: Problem) -> set[float]:
    return set(extract_numbers(problem.question))


def _told(problem: Problem, numbers: list[float], sums: list[tuple[Expression, ...]]
          ) -> tuple[int, ...]:
    """Steps whose value the message writes (values the question itself gives do not count)."""
    given = _given(problem)
    told = []
    for i, step in enumerate(problem.steps):
        value = step.result
        if value is None or any(_close(value, g) for g in given):
            continue
        if any(_close(n, value) for n in numbers):
            told.append(i)
    return tuple(told)


def _classify(text: str, told: tuple[int, ...], tells_answer: bool, requests: bool,
              asked: Expression | None, about: int | None, nonsense: bool) -> Move:
    if tells_answer or told:
        return Move.TELLING
    if nonsense:
        return Move.GENERIC
    if requests and any(cue in text.lower() for cue in PROBING_CUES):
        return Move.PROBING
    if asked is not None or (requests and about is not None):
        return Move.FOCUS
    return Move.PROBING if requests else Move.GENERIC


def read_message(text: str, problem: Problem) -> Reading:
    """Read one tutor message against ``problem`` (see the module docstring)."""
    numbers = extract_numbers(text)
    sums = parse_expressions(text)
    questions = tuple(s.strip() for s in _SENTENCE.findall(text) if s.strip().endswith("?"))
    lower = text.lower()
    requests = bool(questions) or any(cue in lower for cue in REQUEST_CUES)
    # A sum the tutor quotes ("You wrote '12 - 3 = 9'") is not one it asks for.
    unquoted = parse_expressions(_QUOTED.sub(" ", text))
    asked = next((s for s in unquoted if s.stated is None), None)
    words = content_words(text)
    vocabulary = content_words(problem.question) | {
        w for step in problem.steps for w in content_words(step.text)
    }
    all_words = set(re.findall(r"[a-z']+", text.lower()))
    nonsense = not numbers and not (words & vocabulary) and not (all_words & COMMON_WORDS)
    step_sums = _step_sums(problem)
    about = None if nonsense else _about(problem, numbers, words, step_sums, asked)
    told = _told(problem, numbers, step_sums)
    tells_answer = any(_close(n, problem.answer) for n in numbers) and not any(
        _close(problem.answer, g) for g in _given(problem)
    )
    move = _classify(text, told, tells_answer, requests, asked, about, nonsense)
    return Reading(tuple(numbers), sums, questions, requests, asked, about, told, tells_answer,
                   nonsense, move)
