"""Lesson-planning agents: an analyst, a planner/optimizer and an evaluator in a loop.

Modelled on EduPlanner (an analyst, an optimizer and an evaluator iterating on a plan), with
edusim's own structures: a :class:`LessonPlan` over a curriculum's skill graph and items, a
:class:`GroupProfile` of the class (simulated or from real interactions), five evaluation
criteria (:class:`PlanScores`), and a simulated-class utility (:func:`simulate_class`) that
grounds plan quality in edusim's learner models.
"""

from __future__ import annotations

from edusim.curricula.forms import QuestionForm, Solution, forms_for, solve
from edusim.planning.analyst import error_rate, likely_mistakes, solve_item
from edusim.planning.builder import TimingModel, build_plan
from edusim.planning.context import PlanContext, PlannerConfig
from edusim.planning.errors import PlanningError
from edusim.planning.evaluator import (
    CRITERIA,
    DEFINITIONS,
    PlanScores,
    Thresholds,
    evaluate_offline,
)
from edusim.planning.markdown import gain_sentence, render_history, render_markdown, render_scores
from edusim.planning.optimizer import OptimizerConfig, PlanningResult, PlanRound, optimize_plan
from edusim.planning.plan import (
    KnowledgePoint,
    LessonPlan,
    Mistake,
    MistakeType,
    PlanSpec,
    PracticeItem,
    TimeBlock,
    WorkedExample,
)
from edusim.planning.planner import (
    draft_plan,
    draft_spec,
    revise_spec,
    suggest_targets,
)
from edusim.planning.profile import (
    LEVELS,
    GroupProfile,
    TracingParams,
    load_profile,
    profile_from_interactions,
    simulate_profile,
)
from edusim.planning.simulation import ClassUtility, simulate_class
from edusim.planning.tasks import (
    AnalyseTask,
    DraftTask,
    EvaluateTask,
    MistakeReport,
    PlanDecision,
    ReviseTask,
)

__all__ = [
    "AnalyseTask",
    "DraftTask",
    "EvaluateTask",
    "MistakeReport",
    "OptimizerConfig",
    "PlanDecision",
    "PlanRound",
    "PlanningResult",
    "ReviseTask",
    "optimize_plan",
    "gain_sentence",
    "render_history",
    "render_markdown",
    "render_scores",
    "CRITERIA",
    "DEFINITIONS",
    "LEVELS",
    "ClassUtility",
    "GroupProfile",
    "KnowledgePoint",
    "LessonPlan",
    "Mistake",
    "MistakeType",
    "PlanContext",
    "PlanScores",
    "PlanSpec",
    "PlannerConfig",
    "PlanningError",
    "PracticeItem",
    "QuestionForm",
    "Solution",
    "Thresholds",
    "TimeBlock",
    "TimingModel",
    "TracingParams",
    "WorkedExample",
    "build_plan",
    "draft_plan",
    "draft_spec",
    "error_rate",
    "evaluate_offline",
    "forms_for",
    "likely_mistakes",
    "load_profile",
    "profile_from_interactions",
    "revise_spec",
    "simulate_class",
    "simulate_profile",
    "solve",
    "solve_item",
    "suggest_targets",
]
