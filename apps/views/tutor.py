"""Tutor: a tutoring dialogue on a maths word problem, as a chat."""

from __future__ import annotations

import streamlit as st
import ui_common
import ui_settings
import ui_tutoring

from edusim.llm import LLMError
from edusim.tutoring import (
    STUDENT_PRESETS,
    Move,
    ProblemError,
    SessionError,
    SimulatedStudent,
    TutoringSession,
    TutorTurn,
    make_tutor,
)

YOU_TUTOR = "You tutor a simulated student"
WATCH = "Watch the tutor with a simulated student"
YOU_STUDENT = "The tutor tutors you (you are the student)"
#: The tutors offered when the tutor is not you (names of the tutor registry).
TUTOR_CHOICES = ("llm", "random", "replay", "human-text", "generic")
NO_LABEL = "no label"
TURN_ERRORS = (SessionError, ValueError)


def _pick_case():
    source = st.radio("Problem", ["Sample problems", "Upload a problem file", "Write my own"],
                      horizontal=True, key="tutor_source")
    if source == "Sample problems":
        cases = ui_tutoring.sample_cases()
    elif source == "Upload a problem file":
        uploaded = ui_common.upload(
            "MathDial .jsonl or edusim .json problem file", "tutor_upload",
            "Each problem needs a question, solution steps, an answer and a student's wrong "
            "solution.",
            types=("json", "jsonl"),
        )
        if uploaded is None:
            return None
        cases = ui_common.guarded(lambda: ui_tutoring.uploaded_cases(*uploaded),
                                  "read the problem file", (ProblemError, ValueError))
        if not cases:
            return None
    else:
        return _own_case()
    return st.selectbox("Which problem?", cases, format_func=ui_tutoring.case_label,
                        key=f"tutor_case_{source}")


def _own_case():
    with st.form("own_problem"):
        question = st.text_area("Question", "Ana has 3 bags with 4 apples each. She eats 2. "
                                "How many apples are left?")
        solution = st.text_area("Correct solution, one step per line",
                                "3 x 4 = 12 apples in the bags.\n12 - 2 = 10 apples are left.")
        answer = st.text_input("Final answer (a number)", "10")
        wrong = st.text_area("The student's wrong solution, one step per line",
                             "3 + 4 = 7 apples.\n7 - 2 = 5 apples.\n5")
        profile = st.text_input("Student profile (optional)", "Sam mixes up + and x.")
        st.form_submit_button("Use this problem")
    return ui_common.guarded(lambda: ui_tutoring.own_case(question, solution, answer, wrong,
                                                          profile),
                             "use this problem", (ProblemError, ValueError))


def _session(case, mode: str, tutor_name: str, seed: int, kind: str) -> TutoringSession:
    key = (case, mode, tutor_name, seed, kind)
    state = st.session_state
    if state.get("tutor_key") != key or st.session_state.pop("tutor_restart", False):
        student = None if mode == YOU_STUDENT else SimulatedStudent(
            case, STUDENT_PRESETS[kind], seed=seed)
        tutor = ui_tutoring.PersonTutor() if mode == YOU_TUTOR else None
        state["tutor_session"] = TutoringSession(case, tutor, student, max_student_turns=8)
        state["tutor_key"] = key
    session = state["tutor_session"]
    if mode != YOU_TUTOR:
        _follow_sidebar(session, tutor_name, seed)
    return session


def _follow_sidebar(session: TutoringSession, tutor_name: str, seed: int) -> None:
    """(Re)build the tutor when the sidebar's backend settings change; keep it otherwise."""
    settings = ui_settings.settings() if tutor_name == "llm" else None
    key = (tutor_name, seed, settings)
    if st.session_state.get("tutor_built_for") == key and session.tutor is not None:
        return
    backend = ui_settings.backend() if tutor_name == "llm" else None
    if tutor_name == "llm" and backend is None:
        session.tutor = None
        return
    session.tutor = make_tutor(tutor_name, seed=seed, backend=backend)
    st.session_state["tutor_built_for"] = key


def _tutor_turn(session: TutoringSession) -> bool:
    """One tutor turn; on failure show why and return False (the dialogue is unchanged)."""
    if session.tutor is None:
        return False
    try:
        answer = session.tutor_turn()
    except LLMError as exc:
        ui_settings.report_failure(exc)
        return False
    except TURN_ERRORS as exc:
        st.error(f"The tutor could not take a turn: {exc}")
        return False
    ui_settings.answered_by(answer.backend)
    return True


def _exchange(session: TutoringSession) -> bool:
    if not session.awaiting_student and not _tutor_turn(session):
        return False
    session.student_turn()
    return True


def _controls(session: TutoringSession, mode: str) -> None:
    if not session.done:
        _act(session, mode)
    if session.done:
        st.success("The dialogue is over. Start a new one with the button below.")


def _act(session: TutoringSession, mode: str) -> None:
    if mode == WATCH:
        one, rest = st.columns(2)
        if one.button("Next exchange", type="primary"):
            _exchange(session)
        if rest.button("Play to the end"):
            while not session.done and _exchange(session):
                pass
    elif mode == YOU_TUTOR:
        move = st.radio("Your move (optional)", [NO_LABEL, *Move],
                        format_func=lambda m: ui_tutoring.MOVE_HELP.get(m, m),
                        key="tutor_move", horizontal=True,
                        help="Leave it on 'no label': the student reads your words and the page "
                        "works out which kind of move you made.")
        text = st.chat_input("Write to the student...")
        if text:
            session.tutor.pending = TutorTurn(None if move == NO_LABEL else Move(move), text)
            session.tutor_turn()
            session.student_turn()
    else:
        if not session.awaiting_student:
            _tutor_turn(session)
        text = st.chat_input("Answer the tutor...")
        if text and session.awaiting_student:
            session.student_turn(text)
            if not session.done:
                _tutor_turn(session)


st.title("Tutor")
st.markdown("Tutor a student through a word problem the student got wrong, watch the built-in "
            "tutor do it, or let the tutor tutor you. Good tutoring helps the student find the "
            "mistake without giving the answer away.")
setup, students = st.columns([3, 2])
with setup:
    case = _pick_case()
with students:
    mode = st.radio("Mode", [YOU_TUTOR, WATCH, YOU_STUDENT], key="tutor_mode")
    tutor_name = "person"
    if mode != YOU_TUTOR:
        tutor_name = st.selectbox("Tutor", TUTOR_CHOICES, format_func=ui_tutoring.tutor_label,
                                  key="tutor_kind")
    kind = "typical"
    if mode != YOU_STUDENT:
        kind = st.selectbox("Simulated student", list(STUDENT_PRESETS), key="tutor_student",
                            format_func=ui_tutoring.STUDENT_HELP.get)
    seed = int(st.number_input("Simulated student number (seed)", 0, 9999, 0, key="tutor_seed",
                               help="Each number is a different, reproducible student."))
if case is not None:
    st.info(f"**Problem.** {case.problem.question}")
    if case.profile:
        st.caption(f"Student profile: {case.profile}")
    session = _session(case, mode, tutor_name, seed, kind)
    chat, panel = st.columns([3, 2])
    with chat:
        history = st.container()
        _controls(session, mode)
        with history:
            ui_tutoring.transcript(session)
        if st.button("New dialogue"):
            st.session_state["tutor_restart"] = True
            st.rerun()
    with panel:
        ui_tutoring.side_panel(session, reveal_steps=mode != YOU_STUDENT)
