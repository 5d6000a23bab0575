"""Tutoring dialogues: problems, tutor policies over MathDial's moves, a simulated student,
dialogue metrics, and a turn-by-turn session API.

Main entry points:

* :func:`load_cases` (MathDial ``.jsonl`` or edusim ``.json`` problem files),
  :func:`builtin_problems_path` (a small sample shipped with edusim).
* :func:`make_tutor` (``offline``: rule-based through :class:`~edusim.llm.OfflineBackend`;
  ``random``: random moves; ``llm``: a language model via any chat backend; ``human-text``:
  MathDial's human teacher turns verbatim; ``generic``: encouragement only; see :data:`TUTORS`).
* :class:`SimulatedStudent` (seeded; reads the tutor's text; beliefs per step, fitted on
  MathDial by :func:`fit_student_params`).
* :func:`read_message` (what a student reads in a tutor message).
* :class:`TutoringSession` (tutor turn, student turn, status: for the app and scripts).
* :func:`evaluate_tutor` (Success@k, Telling@k, moves, answer leaks over seeds).

Example:
    >>> cases = load_cases(builtin_problems_path())
    >>> offline = evaluate_tutor(cases, "offline", seeds=[0]).metrics()
    >>> 0.0 <= offline["success_at_k"][6] <= 1.0
    True
"""

from __future__ import annotations

from edusim.tutoring.baselines import FocusOnlyTutor, GenericTutor, TellOnlyTutor
from edusim.tutoring.beliefs import BeliefState
from edusim.tutoring.dialogue import DialogueView
from edusim.tutoring.evaluate import (
    TutorEvaluation,
    curve_metrics,
    evaluate_tutor,
    reference_metrics,
)
from edusim.tutoring.fit import StudentFit, fit_student_params
from edusim.tutoring.metrics import (
    DialogueOutcome,
    leak_rate,
    move_distribution,
    outcome_of,
    success_at_k,
    telling_at_k,
)
from edusim.tutoring.moves import Move, Turn, TutorTurn
from edusim.tutoring.problems import (
    Problem,
    ProblemError,
    Step,
    TutoringCase,
    builtin_problems_path,
    load_cases,
    load_mathdial,
    load_problem_file,
)
from edusim.tutoring.reading import Reading, read_message
from edusim.tutoring.registry import TUTORS, make_tutor, tutor_names
from edusim.tutoring.replay import HumanTextTutor, ReplayTutor
from edusim.tutoring.session import SessionError, SessionStatus, TutoringSession
from edusim.tutoring.student import (
    STUDENT_PRESETS,
    SimulatedStudent,
    StudentParams,
    step_curriculum,
)
from edusim.tutoring.tutors import (
    BackendTutor,
    OfflinePolicy,
    RandomMoveTutor,
    RuleBasedTutor,
    Tutor,
    TutorTurnTask,
)

__all__ = [
    "STUDENT_PRESETS",
    "TUTORS",
    "BackendTutor",
    "BeliefState",
    "FocusOnlyTutor",
    "GenericTutor",
    "HumanTextTutor",
    "Reading",
    "RuleBasedTutor",
    "StudentFit",
    "TellOnlyTutor",
    "DialogueOutcome",
    "DialogueView",
    "Move",
    "OfflinePolicy",
    "Problem",
    "ProblemError",
    "RandomMoveTutor",
    "ReplayTutor",
    "SessionError",
    "SessionStatus",
    "SimulatedStudent",
    "Step",
    "StudentParams",
    "Turn",
    "Tutor",
    "TutorEvaluation",
    "TutorTurn",
    "TutorTurnTask",
    "TutoringCase",
    "TutoringSession",
    "builtin_problems_path",
    "curve_metrics",
    "evaluate_tutor",
    "fit_student_params",
    "leak_rate",
    "load_cases",
    "load_mathdial",
    "load_problem_file",
    "make_tutor",
    "move_distribution",
    "outcome_of",
    "read_message",
    "reference_metrics",
    "step_curriculum",
    "success_at_k",
    "telling_at_k",
    "tutor_names",
]
