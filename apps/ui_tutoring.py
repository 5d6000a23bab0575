"""Tutor page helpers: where problems come from, the person-as-tutor, and the side panel.

Every dialogue step is a :class:`edusim.tutoring.TutoringSession` call; this module only turns
what the visitor typed into the library's types and draws the session's status.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from edusim.llm import Answer
from edusim.tutoring import (
    TUTORS,
    Move,
    Problem,
    Tutor,
    TutoringCase,
    TutoringSession,
    TutorTurn,
    builtin_problems_path,
    load_cases,
)
from edusim.tutoring.beliefs import Source
from edusim.tutoring.numbers import extract_numbers, format_number

MOVE_HELP = {
    "no label": "no label (the student reads your words)",
    Move.FOCUS: "focus: point the student at the step that matters",
    Move.PROBING: "probing: ask a question that makes the student think",
    Move.TELLING: "telling: explain or give part of the solution",
    Move.GENERIC: "generic: encouragement, small talk",
}
STUDENT_HELP = {
    "typical": "typical (behaves like the students in the MathDial dialogues)",
    "struggling": "struggling (holds on to the mistake, needs more help)",
    "quick": "quick (lets go of the mistake easily)",
    "copier": "copier (takes what it is told, works little out)",
}
#: How a step's belief reads in the panel.
SOURCE_TEXT = {
    Source.WRONG: "not right yet",
    Source.OWN: "right from the start",
    Source.WORKED: "worked out in the dialogue",
    Source.TOLD: "told, not yet worked out",
}


def tutor_label(name: str) -> str:
    """The registry's display name and description of a tutor, for the menu."""
    entry = TUTORS.entry(name)
    return f"{entry.display_name}: {entry.description}"


class PersonTutor(Tutor):
    """The visitor at the keyboard: each turn is the text and move they just entered."""

    def __init__(self) -> None:
        self.pending: TutorTurn | None = None

    def next_turn(self, view) -> Answer[TutorTurn]:
        if self.pending is None:
            raise ValueError("type a tutor message first")
        turn, self.pending = self.pending, None
        return Answer(turn, self.describe())

    def describe(self) -> str:
        return "you"


@st.cache_data(show_spinner=False)
def sample_cases() -> list[TutoringCase]:
    """The problems shipped with edusim (MathDial format, with student solutions)."""
    return load_cases(builtin_problems_path())


@st.cache_data(show_spinner=False, max_entries=8)
def uploaded_cases(name: str, data: bytes) -> list[TutoringCase]:
    """Problems from an uploaded MathDial ``.jsonl`` or edusim ``.json`` file."""
    suffix = ".jsonl" if name.endswith(".jsonl") else ".json"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        return load_cases(path, limit=500)


def own_case(question: str, solution: str, answer: str, wrong: str, profile: str) -> TutoringCase:
    """A case from the visitor's own problem (raises ProblemError/ValueError with the reason)."""
    problem = Problem.from_solution_text("own", question.strip(), f"{solution.strip()}\n{answer}")
    lines = tuple(ln.strip() for ln in wrong.splitlines() if ln.strip())
    if not lines:
        raise ValueError("write the student's (wrong) solution, one step per line")
    numbers = extract_numbers(lines[-1])
    return TutoringCase(problem, lines, numbers[-1] if numbers else None, profile.strip())


def case_label(case: TutoringCase) -> str:
    question = case.problem.question
    return f"{case.problem.id}: {question[:70]}{'...' if len(question) > 70 else ''}"


def side_panel(session: TutoringSession, reveal_steps: bool = True) -> None:
    """Mastery per solution step and Success/Telling so far (step texts only if revealed)."""
    status = session.status()
    st.subheader("The student now")
    beliefs = session.student.beliefs if session.student is not None else None
    st.caption("What the student now believes at each step of the solution, updated after "
               "every turn: full when it has the step right, 60% when it was told the value "
               "but has not worked it out, empty while it holds a wrong value."
               if beliefs else "Which steps you have reached so far.")
    for i, (step, mastery) in enumerate(zip(session.case.problem.steps, status.mastery,
                                            strict=True)):
        text = f": {step.text}" if reveal_steps else ""
        label = f"Step {i + 1} ({mastery:.0%})"
        if beliefs is not None:
            value = format_number(beliefs.value(i))
            label += f", says {value}: {SOURCE_TEXT[beliefs.sources[i]]}"
        st.progress(min(max(mastery, 0.0), 1.0), text=f"{label}{text}")
    solved = f"yes, at student turn {status.solved_at}" if status.solved_at else "not yet"
    told = f"yes, at tutor turn {status.told_at}" if status.told_at else "no"
    left, right = st.columns(2)
    left.metric("Success so far", "yes" if status.solved_at else "no",
                help=f"Has the student stated the right answer? {solved}")
    right.metric("Telling so far", "yes" if status.told_at else "no",
                 help=f"Did the tutor give the answer away before the student found it? {told}")
    st.caption(f"Student turns: {status.student_turns} of {session.max_student_turns}"
               + (" (dialogue over)" if status.done else ""))


def transcript(session: TutoringSession) -> None:
    """The dialogue as chat bubbles; tutor turns carry their move and who wrote them."""
    case = session.case
    with st.chat_message("user", avatar=":material/person:"):
        st.markdown(f"**{case.student_name or 'Student'}'s first try**")
        st.markdown("  \n".join(case.incorrect_solution))
    answers = iter(session.answers)
    for turn in session.transcript:
        if turn.role == "teacher":
            answer = next(answers)
            with st.chat_message("assistant", avatar=":material/school:"):
                move = turn.move.value if turn.move else "unlabelled"
                if answer.value.move is None and turn.move is not None:
                    move += " (read from your words)"
                st.markdown(f":blue-badge[{move}] {turn.text}")
                st.caption(f"tutor: {answer.backend}")
        else:
            with st.chat_message("user", avatar=":material/person:"):
                st.markdown(turn.text)
