"""Lesson plans and their scores as Markdown.

Example:
    >>> from edusim.curriculum import load_builtin
    >>> from edusim.planning import draft_plan, simulate_profile
    >>> c = load_builtin("fractions")
    >>> text = render_markdown(draft_plan(c, simulate_profile(c, n_learners=5), ["add_like"]))
    >>> text.splitlines()[0]
    '# Lesson plan: Add fractions with the same denominator'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from edusim.planning.evaluator import CRITERIA, PlanScores
from edusim.planning.plan import LessonPlan

if TYPE_CHECKING:
    from edusim.planning.optimizer import PlanRound
    from edusim.planning.simulation import ClassUtility

__all__ = ["render_markdown", "render_scores", "render_history"]


def _profile(plan: LessonPlan) -> list[str]:
    lines = [f"## Class ({plan.profile.n_learners} learners; {plan.profile.source})", ""]
    lines += ["| Skill | Role | Mastery |", "|---|---|---|"]
    lines += [f"| {k.name} | {k.role} | {k.mastery:.0%} |" for k in plan.knowledge_points]
    return lines + [""]


def _examples(plan: LessonPlan) -> list[str]:
    lines = ["## Worked examples", ""]
    for n, example in enumerate(plan.examples, 1):
        lines += [f"### Example {n}: {example.question}", ""]
        lines += [f"{i}. {step}" for i, step in enumerate(example.steps, 1)]
        if example.mistakes:
            lines += ["", "**Common mistakes**", ""]
            lines += [
                f"- *{m.type.value}* (about {m.share:.0%} of the class): {m.note}"
                for m in example.mistakes
            ]
        lines.append("")
    return lines


def render_scores(scores: PlanScores, utility: ClassUtility | None = None) -> str:
    """The five criteria (and the simulated-class utility) as a Markdown table."""
    lines = ["| Criterion | Score |", "|---|---|"]
    lines += [f"| {c} | {getattr(scores, c):.1f} |" for c in CRITERIA]
    lines.append(f"| **overall** | **{scores.overall:.1f}** |")
    if utility is not None:
        lines.append(
            f"| simulated-class gain ({utility.model}, {utility.n_learners} learners) | "
            f"{utility.gain * 100:+.2f} pp (scope {utility.scope_gain * 100:+.1f} pp) |"
        )
    if scores.feedback:
        lines += ["", "Feedback:", ""] + [f"- {f}" for f in scores.feedback]
    return "\n".join(lines)


def render_markdown(
    plan: LessonPlan, scores: PlanScores | None = None, utility: ClassUtility | None = None
) -> str:
    """The whole plan: class profile, knowledge points, timing, examples, practice, notes."""
    lines = [f"# Lesson plan: {plan.topic}", ""]
    lines.append(
        f"*{plan.duration_minutes:g} minutes planned as {plan.planned_minutes:g}; "
        f"curriculum `{plan.curriculum}`.*"
    )
    lines.append("")
    lines += _profile(plan)
    lines += ["## Knowledge points", ""]
    lines += [f"- **{k.name}** ({k.role}): {k.summary}" for k in plan.knowledge_points]
    lines += ["", "## Timing", "", "| Phase | Minutes | What happens |", "|---|---|---|"]
    lines += [f"| {b.activity} | {b.minutes:g} | {b.detail} |" for b in plan.timing]
    lines.append("")
    lines += _examples(plan)
    lines += ["## Practice (in order)", ""]
    lines += [
        f"{n}. {p.question} *(answer: {p.answer}; difficulty {p.difficulty:+.2f}; "
        f"{p.minutes:g} min)*"
        for n, p in enumerate(plan.practice, 1)
    ]
    if plan.notes:
        lines += ["", "## Differentiation notes", ""] + [f"- {n}" for n in plan.notes]
    if scores is not None:
        lines += ["", "## Scores", "", render_scores(scores, utility)]
    return "\n".join(lines) + "\n"


def render_history(rounds: Sequence[PlanRound], best_index: int | None = None) -> str:
    """One Markdown table row per version: criteria, overall, gain, objective, changes."""
    head = "| Round | " + " | ".join(CRITERIA) + " | overall | gain (pp) | objective | changes |"
    lines = [head, "|" + "---|" * (len(CRITERIA) + 5)]
    for r in rounds:
        mark = " (best)" if r.index == best_index else ""
        cells = " | ".join(f"{getattr(r.scores, c):.1f}" for c in CRITERIA)
        lines.append(
            f"| {r.index}{mark} | {cells} | {r.scores.overall:.1f} | "
            f"{r.utility.gain * 100:+.2f} | {r.objective:.1f} | {'; '.join(r.changes)} |"
        )
    return "\n".join(lines)
