"""Lesson plans and their scores as Markdown, in the words a teacher uses.

Skills appear by their curriculum names and examples and practice items by their number in the
plan, never by internal ids; each of the five criteria is defined in one sentence beside its
score.

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

from edusim.planning.evaluator import CRITERIA, DEFINITIONS, PlanScores
from edusim.planning.plan import LessonPlan

if TYPE_CHECKING:
    from edusim.planning.optimizer import PlanRound
    from edusim.planning.simulation import ClassUtility

__all__ = ["render_markdown", "render_scores", "render_history", "gain_sentence"]

_ROLES = {"target": "taught", "review": "reviewed first"}


def _profile(plan: LessonPlan) -> list[str]:
    source = f"; {plan.profile.source}" if plan.profile.source else ""
    lines = [f"## The class ({plan.profile.n_learners} learners{source})", ""]
    lines += [
        "| Skill | In this lesson | Share of the class that has mastered it |",
        "|---|---|---|",
    ]
    lines += [f"| {k.name} | {_ROLES[k.role]} | {k.mastery:.0%} |" for k in plan.knowledge_points]
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


def gain_sentence(utility: ClassUtility) -> str:
    """The simulated-class result in one sentence.

    Example:
        >>> from edusim.planning.simulation import ClassUtility
        >>> gain_sentence(ClassUtility(0.4, 0.43, 0.03, 0.12, "bkt", 1000)).split(" by ")[1]
        '3.0 percentage points (12.0 on the skills of this lesson).'
    """
    verb = "rises" if utility.gain >= 0 else "falls"
    return (
        f"On {utility.n_learners} simulated learners like this class, the expected post-test "
        f"score {verb} by {abs(utility.gain) * 100:.1f} percentage points "
        f"({utility.scope_gain * 100:.1f} on the skills of this lesson)."
    )


def render_scores(scores: PlanScores, utility: ClassUtility | None = None) -> str:
    """The five criteria with their definitions (and the simulated class) as Markdown."""
    lines = ["| Criterion | Score (of 100) | What it measures |", "|---|---|---|"]
    lines += [f"| {c} | {getattr(scores, c):.1f} | {DEFINITIONS[c]} |" for c in CRITERIA]
    lines.append(f"| **overall** | **{scores.overall:.1f}** | The mean of the five. |")
    if utility is not None:
        lines += ["", gain_sentence(utility)]
    if scores.feedback:
        lines += ["", "What could still be better:", ""] + [f"- {f}" for f in scores.feedback]
    return "\n".join(lines)


def render_markdown(
    plan: LessonPlan, scores: PlanScores | None = None, utility: ClassUtility | None = None
) -> str:
    """The whole plan: class profile, knowledge points, timing, examples, practice, notes."""
    lines = [f"# Lesson plan: {plan.topic}", ""]
    lines.append(
        f"*A {plan.duration_minutes:g}-minute lesson; this plan takes "
        f"{plan.planned_minutes:g} minutes.*"
    )
    lines.append("")
    lines += _profile(plan)
    lines += ["## Knowledge points", ""]
    lines += [f"- **{k.name}** ({_ROLES[k.role]}): {k.summary}" for k in plan.knowledge_points]
    lines += ["", "## Timing", "", "| Phase | Minutes | What happens |", "|---|---|---|"]
    lines += [f"| {b.activity} | {b.minutes:g} | {b.detail} |" for b in plan.timing]
    lines.append("")
    lines += _examples(plan)
    lines += ["## Practice (in order)", ""]
    lines += [
        f"{n}. {p.question} *(answer: {p.answer}; about {p.minutes:g} min)*"
        for n, p in enumerate(plan.practice, 1)
    ] or ["No practice items: the lesson's time goes to the worked examples."]
    if plan.notes:
        lines += ["", "## Differentiation notes", ""] + [f"- {n}" for n in plan.notes]
    if scores is not None:
        lines += ["", "## Scores", "", render_scores(scores, utility)]
    return "\n".join(lines) + "\n"


def render_history(rounds: Sequence[PlanRound], best_index: int | None = None) -> str:
    """One Markdown table row per version: criteria, overall, simulated gain, what changed."""
    head = (
        "| Version | "
        + " | ".join(CRITERIA)
        + " | overall | simulated gain (points) | minutes | what changed |"
    )
    lines = [head, "|" + "---|" * (len(CRITERIA) + 5)]
    for r in rounds:
        name = "first draft" if r.index == 0 else f"revision {r.index}"
        mark = " (best)" if r.index == best_index else ""
        cells = " | ".join(f"{getattr(r.scores, c):.1f}" for c in CRITERIA)
        changes = "; ".join(r.changes) or "-"
        lines.append(
            f"| {name}{mark} | {cells} | {r.scores.overall:.1f} | "
            f"{r.utility.gain * 100:+.1f} | {r.plan.planned_minutes:g} | {changes} |"
        )
    return "\n".join(lines)
