"""What the rule-based planner reads while it revises a plan: the curriculum, the class, its
settings, and small questions about them (a skill's name, need, an item's skill, a plan's length).

Example:
    >>> from edusim.curriculum import load_builtin
    >>> from edusim.planning.profile import simulate_profile
    >>> c = load_builtin("fractions")
    >>> ctx = PlanContext(c, simulate_profile(c, n_learners=5), PlannerConfig())
    >>> ctx.names(["add_like", "simplify"])
    "'Add fractions with the same denominator', 'Simplify a fraction to lowest terms'"
    >>> ctx.skill_of("add_like-1"), ctx.single_items("add_like")[0]
    ('add_like', 'add_like-1')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from edusim.curriculum import Curriculum, Item
from edusim.planning.builder import TimingModel, build_plan
from edusim.planning.evaluator import Thresholds
from edusim.planning.plan import PlanSpec
from edusim.planning.profile import GroupProfile

__all__ = ["PlannerConfig", "PlanContext"]


@dataclass(frozen=True)
class PlannerConfig:
    """Settings of the rule-based planner.

    Attributes:
        duration_minutes: Time available; a plan never runs longer.
        thresholds: Mastery levels and limits (shared with the evaluator).
        timing: Minutes per lesson element.
        criteria_per_round: How many of the weakest criteria one revision addresses.
        good_enough: Criteria scoring at least this are left alone.
    """

    duration_minutes: float = 45.0
    thresholds: Thresholds = field(default_factory=Thresholds)
    timing: TimingModel = field(default_factory=TimingModel)
    criteria_per_round: int = 2
    good_enough: float = 98.0


@dataclass(frozen=True)
class PlanContext:
    """The curriculum, the class and the planner's settings, with questions about them."""

    curriculum: Curriculum
    profile: GroupProfile
    config: PlannerConfig

    @cached_property
    def _rank(self) -> dict[str, int]:
        return {s: i for i, s in enumerate(self.curriculum.graph.topological_order())}

    def order(self, skill: str) -> int:
        """Position of ``skill`` in prerequisite order."""
        return self._rank[skill]

    def item(self, item_id: str) -> Item:
        items = self.curriculum.items
        return items[items.index(item_id)]

    def mastery(self, skill: str) -> float:
        return self.profile.mastery_of(skill)

    def need(self, skill: str) -> float:
        """How far the class is from mastering ``skill`` (0 when mastered)."""
        return max(self.config.thresholds.mastered - self.mastery(skill), 0.0)

    def names(self, skills: Sequence[str]) -> str:
        """Skills by their curriculum names, quoted and separated by commas."""
        return ", ".join(f"'{self.curriculum.graph.name(s)}'" for s in skills)

    def skill_of(self, item_id: str) -> str:
        """The latest skill (in prerequisite order) an item exercises."""
        return max(self.item(item_id).skills, key=self.order)

    def single_items(self, skill: str) -> list[str]:
        """Ids of the items that exercise only ``skill``, easiest first."""
        items = [self.curriculum.items[i] for i in self.curriculum.items_for_skill(skill)]
        return [i.id for i in sorted(items, key=lambda i: i.difficulty) if i.skills == (skill,)]

    def minutes(self, spec: PlanSpec) -> float:
        """How long the plan that ``spec`` describes runs."""
        plan = build_plan(
            self.curriculum,
            self.profile,
            spec,
            self.config.duration_minutes,
            timing=self.config.timing,
        )
        return plan.planned_minutes
