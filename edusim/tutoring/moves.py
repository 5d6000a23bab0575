"""MathDial's teacher moves and the turns of a tutoring dialogue.

The four moves (Macina et al. 2023): **focus** (seek a strategy, guide attention, recall
relevant information), **probing** (ask the student to explain, generalise, or find the error),
**telling** (reveal a strategy or part of the solution), **generic** (greetings, praise,
small talk).

Example:
    >>> turns = parse_mathdial_conversation("Teacher: (focus)What is 12+3?|EOM|Student: 15")
    >>> [(t.role, t.move, t.text) for t in turns]
    [('teacher', <Move.FOCUS: 'focus'>, 'What is 12+3?'), ('student', None, '15')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Literal

__all__ = ["Move", "Turn", "TutorTurn", "parse_mathdial_conversation"]


class Move(str, Enum):
    """A teacher move from MathDial's taxonomy."""

    FOCUS = "focus"
    PROBING = "probing"
    TELLING = "telling"
    GENERIC = "generic"


@dataclass(frozen=True)
class TutorTurn:
    """What a tutor says, with its move (optional) and, optionally, the step it is about.

    A turn a person types may carry no move (``None``): the student and the metrics then read
    the move from the text. The last three fields follow the CLASS scaffolding turn format
    (Sonkar et al. 2023) and are optional.

    Attributes:
        move: The teacher move, or ``None`` when unlabelled.
        text: The utterance.
        step: Index of the solution step the turn targets, when known.
        evaluation: How the tutor judged the student's last response.
        action: The scaffolding action taken, in words.
        subproblem_state: Which sub-problem (step) is open or solved.
    """

    move: Move | None
    text: str
    step: int | None = None
    evaluation: str = ""
    action: str = ""
    subproblem_state: str = ""


@dataclass(frozen=True)
class Turn:
    """One utterance in a transcript."""

    role: Literal["teacher", "student"]
    text: str
    move: Move | None = None
    step: int | None = None


_TEACHER = re.compile(r"^\s*Teacher:\s*\((\w+)\)\s*(.*)$", re.DOTALL)
_STUDENT = re.compile(r"^\s*[A-Z][\w .'-]{0,30}:\s*(.*)$", re.DOTALL)  # "Student:" or a name


def parse_mathdial_conversation(
    conversation: str, where: str = "<conversation>"
) -> tuple[Turn, ...]:
    """Split a MathDial ``conversation`` (turns joined by ``|EOM|``) into turns.

    Teacher turns read ``Teacher: (move)text``; student turns start with ``Student:`` or with
    the student's name.

    Raises:
        ValueError: Naming ``where`` and the turn when a turn has no speaker or an unknown move.
    """
    turns = []
    for index, chunk in enumerate(c for c in conversation.split("|EOM|") if c.strip()):
        teacher, student = _TEACHER.match(chunk), _STUDENT.match(chunk)
        if teacher is None and chunk.strip().startswith("Teacher:"):
            turns.append(Turn("teacher", chunk.strip().removeprefix("Teacher:").strip()))
        elif teacher:
            try:
                move = Move(teacher.group(1).lower())
            except ValueError:
                raise ValueError(
                    f"{where}: turn {index} has unknown move {teacher.group(1)!r}"
                ) from None
            turns.append(Turn("teacher", teacher.group(2).strip(), move))
        elif student:
            turns.append(Turn("student", student.group(1).strip()))
        else:
            raise ValueError(f"{where}: turn {index} has no 'Teacher: (move)' or student speaker")
    return tuple(turns)
