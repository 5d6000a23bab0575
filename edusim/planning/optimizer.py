"""The optimizer loop: draft -> analyse -> evaluate -> simulate -> revise, N rounds, keep the best.

Every step goes through a chat backend (:mod:`edusim.llm`): the offline backend runs the
rule-based agents, an OpenAI-compatible backend the language-model ones. Every version, whoever
wrote it, is fitted to the lesson length first (a plan never runs over), then scored on the five
criteria and by the simulated-class utility. The best version is the one with the highest
overall score (the larger simulated gain breaks a tie, then the earlier round), so the round
marked best is always the highest-scoring one. The whole history is returned for display, and
``on_round`` is called after each version.

Example:
    >>> from edusim.curriculum import load_builtin
    >>> from edusim.planning import simulate_profile
    >>> c = load_builtin("fractions")
    >>> profile = simulate_profile(c, "intermediate", n_learners=20)
    >>> result = optimize_plan(c, profile, ["add_unlike"], config=OptimizerConfig(rounds=2))
    >>> len(result.rounds) >= 2, result.best.scores.overall >= result.draft.scores.overall
    (True, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from edusim.curriculum import Curriculum
from edusim.llm import ChatBackend, OfflineBackend
from edusim.planning.builder import build_plan
from edusim.planning.context import PlanContext
from edusim.planning.evaluator import PlanScores
from edusim.planning.plan import LessonPlan, PlanSpec
from edusim.planning.planner import PlannerConfig, suggest_targets
from edusim.planning.profile import GroupProfile
from edusim.planning.simulation import ClassUtility, simulate_class
from edusim.planning.tasks import AnalyseTask, DraftTask, EvaluateTask, ReviseTask
from edusim.planning.timefit import fit_to_time

__all__ = ["OptimizerConfig", "PlanRound", "PlanningResult", "optimize_plan"]


@dataclass(frozen=True)
class OptimizerConfig:
    """Settings of the optimizer loop.

    Attributes:
        rounds: Revisions after the first draft (the loop stops early when nothing changes).
        class_model: Learner model of the simulated class (one of
            :func:`edusim.learners.profile_models`).
        class_size: Simulated learners.
        seed: Seed of the simulated class.
        planner: Settings of the rule-based planner (time available, thresholds, timing).
    """

    rounds: int = 4
    class_model: str = "bkt"
    class_size: int = 2000
    seed: int = 0
    planner: PlannerConfig = field(default_factory=PlannerConfig)


@dataclass(frozen=True)
class PlanRound:
    """One version of the plan and how it scored.

    Attributes:
        index: 0 for the first draft, then 1, 2, ...
        plan: The plan.
        scores: The five criteria.
        utility: The simulated-class utility.
        backend: Who answered (``describe()`` of the backend).
    """

    index: int
    plan: LessonPlan
    scores: PlanScores
    utility: ClassUtility
    backend: str

    @property
    def changes(self) -> tuple[str, ...]:
        return self.plan.spec.changes

    def summary(self) -> dict[str, Any]:
        """A flat, JSON-ready row: round, criteria, overall, gain, minutes, changes."""
        return {
            "round": self.index,
            **self.scores.as_dict(),
            "gain": self.utility.gain,
            "scope_gain": self.utility.scope_gain,
            "minutes": self.plan.planned_minutes,
            "changes": list(self.changes),
        }


@dataclass(frozen=True)
class PlanningResult:
    """The history of versions and which one is best."""

    rounds: tuple[PlanRound, ...]
    best_index: int

    @property
    def best(self) -> PlanRound:
        return self.rounds[self.best_index]

    @property
    def draft(self) -> PlanRound:
        return self.rounds[0]

    def to_dict(self) -> dict[str, Any]:
        """History rows, the best index, and the best plan (JSON-ready)."""
        return {
            "best_round": self.best_index,
            "history": [r.summary() for r in self.rounds],
            "best_plan": self.best.plan.to_dict(),
            "best_utility": asdict(self.best.utility),
        }


def _version(
    index: int,
    spec: PlanSpec,
    curriculum: Curriculum,
    profile: GroupProfile,
    backend: ChatBackend,
    config: OptimizerConfig,
) -> PlanRound:
    duration = config.planner.duration_minutes
    timing = config.planner.timing
    spec = fit_to_time(PlanContext(curriculum, profile, config.planner), spec)
    plan = build_plan(curriculum, profile, spec, duration, mistakes={}, timing=timing)
    if spec.analysed and plan.examples:
        report = backend.answer(AnalyseTask(plan, curriculum)).value
        plan = build_plan(
            curriculum, profile, spec, duration, mistakes=report.by_item(), timing=timing
        )
    answer = backend.answer(EvaluateTask(plan, curriculum, config.planner.thresholds))
    utility = simulate_class(plan, curriculum, config.class_model, config.class_size, config.seed)
    return PlanRound(index, plan, answer.value, utility, answer.backend)


def _same(a: PlanSpec, b: PlanSpec) -> bool:
    """Whether two specs make the same decisions (their change notes aside)."""
    return (a.review_skills, a.example_ids, a.practice_ids, a.analysed) == (
        b.review_skills,
        b.example_ids,
        b.practice_ids,
        b.analysed,
    )


def optimize_plan(
    curriculum: Curriculum,
    profile: GroupProfile,
    targets: Sequence[str] | None = None,
    backend: ChatBackend | None = None,
    config: OptimizerConfig | None = None,
    on_round: Callable[[PlanRound], None] | None = None,
) -> PlanningResult:
    """Plan a lesson for ``profile`` on ``targets`` and improve it for ``config.rounds`` rounds.

    Args:
        curriculum: Skills and items.
        profile: The learner group.
        targets: Target skill ids; ``None`` picks the group's weakest ready skills.
        backend: Who answers; the offline (rule-based) backend when ``None``.
        config: Loop settings.
        on_round: Called with each :class:`PlanRound` as soon as it is scored.

    Raises:
        PlanningError: On unknown skills or items, or a profile for another curriculum.
        LLMError: When a language-model backend fails or answers unparseably.
    """
    config = config or OptimizerConfig()
    backend = backend or OfflineBackend(seed=config.seed)
    profile.check(curriculum)
    targets = (
        tuple(targets)
        if targets
        else suggest_targets(curriculum, profile, thresholds=config.planner.thresholds)
    )
    decision = backend.answer(DraftTask(curriculum, profile, targets, config.planner)).value
    spec = decision.to_spec(targets)
    rounds = [_version(0, spec, curriculum, profile, backend, config)]
    if on_round is not None:
        on_round(rounds[0])
    for index in range(1, config.rounds + 1):
        last = rounds[-1]
        task = ReviseTask(
            curriculum,
            profile,
            last.plan.spec,
            last.scores,
            last.plan.to_markdown(),
            config.planner,
        )
        revised = backend.answer(task).value.to_spec(last.plan.target_skills)
        if _same(revised, last.plan.spec):
            break
        rounds.append(_version(index, revised, curriculum, profile, backend, config))
        if on_round is not None:
            on_round(rounds[-1])
    best = max(
        range(len(rounds)), key=lambda i: (rounds[i].scores.overall, rounds[i].utility.gain, -i)
    )
    return PlanningResult(tuple(rounds), best)
