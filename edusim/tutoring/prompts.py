"""The prompt of the language-model tutor and the parsing of its reply.

Example:
    >>> from edusim.tutoring.dialogue import DialogueView
    >>> from edusim.tutoring.problems import load_cases, builtin_problems_path
    >>> view = DialogueView(load_cases(builtin_problems_path())[0], ())
    >>> messages = tutor_messages(view)
    >>> [m.role for m in messages], view.case.problem.steps[0].text in messages[1].content
    (['system', 'user'], True)
    >>> turn = parse_tutor_reply('{"move": "Probing", "text": "Why 9?", "step": 1}', n_steps=3)
    >>> turn.move, turn.text, turn.step
    (<Move.PROBING: 'probing'>, 'Why 9?', 0)
"""

from __future__ import annotations

from dataclasses import dataclass

from edusim.llm import Message, StructuredOutputError, parse_structured, system, user
from edusim.tutoring.dialogue import DialogueView
from edusim.tutoring.moves import Move, TutorTurn

__all__ = ["tutor_messages", "parse_tutor_reply"]

SYSTEM = """You are a patient mathematics tutor talking with a student who got a word problem \
wrong. Help the student find and fix the error themselves. Every turn uses exactly one teacher \
move:
- focus: direct attention to the relevant step or quantity, or ask for a strategy;
- probing: ask the student to explain their reasoning or check a step;
- telling: reveal a step or a strategy (use it only when the student is stuck);
- generic: greeting, encouragement or praise.
Never state the final answer before the student does, unless they have been stuck for many \
turns. Keep each turn to one or two sentences.
Reply with one JSON object and nothing else:
{"move": "focus" | "probing" | "telling" | "generic", "text": "<what you say>", \
"step": <number of the solution step you are working on, or null>}"""


@dataclass(frozen=True)
class _Reply:
    move: Move
    text: str
    step: int | None = None


def tutor_messages(view: DialogueView) -> list[Message]:
    """System and user messages for the next tutor turn: problem, solution, transcript."""
    case = view.case
    steps = "\n".join(f"{i + 1}. {s.text}" for i, s in enumerate(case.problem.steps))
    lines = [
        f"Problem: {case.problem.question}",
        f"Correct solution (do not copy it to the student):\n{steps}",
        f"Final answer: {case.problem.answer:g}",
        "Student's incorrect solution:\n" + "\n".join(case.incorrect_solution),
    ]
    if case.profile:
        lines.append(f"Student profile: {case.profile}")
    transcript = "\n".join(
        f"{'Tutor' if t.role == 'teacher' else 'Student'}: {t.text}" for t in view.transcript
    )
    lines.append("Dialogue so far:\n" + (transcript or "(no turns yet; you start)"))
    lines.append("Your next turn, as one JSON object:")
    return [system(SYSTEM), user("\n\n".join(lines))]


def parse_tutor_reply(text: str, n_steps: int) -> TutorTurn:
    """The model's reply as a :class:`TutorTurn` (its 1-based ``step`` made 0-based).

    Raises:
        StructuredOutputError: When the reply has no valid move or no text.
    """
    expected = 'expected {"move": focus|probing|telling|generic, "text": ..., "step": ...}'
    try:
        reply, reason = parse_structured(text, _Reply), None
    except StructuredOutputError as exc:
        reply, reason = None, exc.reason
    if reply is None:  # raised outside the handler: no chain holds the model's text
        raise StructuredOutputError(f"{reason}; {expected}", text, "tutor turn")
    if not reply.text.strip():
        raise StructuredOutputError(f"the turn has an empty 'text'; {expected}", text, "tutor turn")
    step = reply.step - 1 if reply.step is not None and 1 <= reply.step <= n_steps else None
    return TutorTurn(reply.move, reply.text.strip(), step)
