"""The simulated-class utility: what a plan's sequence teaches a simulated copy of the group.

A class of edusim learners is initialised at the group's profile (each learner knows each
skill with the group's mastery of it, and learns at a rate spread like the group's ability),
meets the lesson in order, and sits the curriculum's post-test before and after. The lesson is
one learning opportunity per knowledge point (the explanation, modelled as a demonstration on
the skill's easiest item), one per worked example (a correct demonstration), then the practice
items, answered and learned from as the learner model says. The utility is the expected
post-test gain.

Example:
    >>> from edusim.curriculum import load_builtin
    >>> from edusim.planning import draft_plan, simulate_profile
    >>> c = load_builtin("fractions")
    >>> plan = draft_plan(c, simulate_profile(c, n_learners=10), ["add_like"])
    >>> simulate_class(plan, c, n_learners=50).gain > 0
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edusim import learners
from edusim.curriculum import Curriculum
from edusim.learners import LearnerModel
from edusim.planning.errors import PlanningError
from edusim.planning.plan import LessonPlan
from edusim.planning.profile import GroupProfile

__all__ = ["ClassUtility", "simulate_class"]


@dataclass(frozen=True)
class ClassUtility:
    """Expected post-test scores of a simulated class before and after a plan.

    Attributes:
        pre: Mean expected score on the full post-test before the lesson.
        post: The same after the lesson.
        gain: ``post - pre``: the utility.
        scope_gain: Gain on the post-test items of the plan's review and target skills only.
        model: Learner model used.
        n_learners: Class size.
    """

    pre: float
    post: float
    gain: float
    scope_gain: float
    model: str
    n_learners: int


def _class_learners(model: str, curriculum: Curriculum, profile: GroupProfile) -> LearnerModel:
    """Learner model ``model`` started at ``profile`` through the model's own profile hook."""
    hook = learners.kind(model).from_profile
    if hook is None:
        raise PlanningError(f"learner model {model!r} cannot start at a group profile; "
                            f"choose from {learners.profile_models()}")
    return hook(curriculum, np.asarray(profile.mastery), float(np.std(profile.ability)))


def _scope_test(curriculum: Curriculum, skills: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """Post-test item indices and weights restricted to ``skills`` (each skill counts equally)."""
    bank = curriculum.all_items
    ids, weights = [], []
    for skill in curriculum.graph.skills:
        if skill in skills:
            tests = curriculum.test_items[skill]
            ids.extend(bank.index(i) for i in tests)
            weights.extend([1.0 / (len(tests) * len(skills))] * len(tests))
    return np.array(ids, dtype=np.int64), np.array(weights)


def _instruction(plan: LessonPlan, curriculum: Curriculum) -> list[int]:
    """One demonstration per knowledge point: the skill's easiest single-skill item."""
    steps = []
    for point in plan.knowledge_points:
        own = [
            i
            for i in curriculum.items_for_skill(point.skill)
            if curriculum.items[i].skills == (point.skill,)
        ]
        if own:
            steps.append(min(own, key=lambda i: curriculum.items[i].difficulty))
    return steps


def simulate_class(
    plan: LessonPlan,
    curriculum: Curriculum,
    model: str = "bkt",
    n_learners: int = 400,
    seed: int = 0,
) -> ClassUtility:
    """Run ``plan``'s item sequence through a simulated class at the plan's group profile.

    Args:
        plan: The plan (its examples, then its practice items, are the sequence).
        curriculum: The curriculum the plan's ids refer to.
        model: A learner model that can start at a group profile
            (:func:`edusim.learners.profile_models`: ``bkt``, ``logistic``).
        n_learners: Simulated class size (larger is less noisy).
        seed: Seed of every draw; the same seed gives the same class.
    """
    if model not in learners.LEARNERS:
        raise PlanningError(
            f"unknown class model {model!r}; choose from {learners.profile_models()}")
    plan.profile.check(curriculum)
    learner = _class_learners(model, curriculum, plan.profile)
    rng = np.random.default_rng(seed)
    state = learner.init_state(n_learners, rng)
    test, weights = curriculum.test_item_indices(), curriculum.test_weights()
    scope = {k.skill for k in plan.knowledge_points} or set(plan.target_skills)
    scope_test, scope_weights = _scope_test(curriculum, scope)
    pre = learner.expected_score(state, test, weights)
    scope_pre = learner.expected_score(state, scope_test, scope_weights)
    shown = _instruction(plan, curriculum) + [
        curriculum.items.index(e.item_id) for e in plan.examples
    ]
    practice = [curriculum.items.index(p.item_id) for p in plan.practice]
    for step, item in enumerate(shown + practice):
        items = np.full(n_learners, item, dtype=np.int64)
        if step < len(shown):
            correct = np.ones(n_learners, dtype=bool)
        else:
            correct = learner.respond(state, items, rng)
        state = learner.update(state, items, correct, rng)
    post = learner.expected_score(state, test, weights)
    scope_post = learner.expected_score(state, scope_test, scope_weights)
    return ClassUtility(
        pre=round(float(pre.mean()), 4),
        post=round(float(post.mean()), 4),
        gain=round(float((post - pre).mean()), 4),
        scope_gain=round(float((scope_post - scope_pre).mean()), 4),
        model=model,
        n_learners=n_learners,
    )
