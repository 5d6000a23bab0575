"""The teacher table: every teacher is one line here, built lazily by name.

A new teacher is one file under ``agents/`` (a :class:`~edusim.agents.base.Teacher` subclass
with its config dataclass) plus one :class:`~edusim.registry.Entry` line in :data:`TEACHERS`.
Its metadata declares what it supports, so :func:`compatible` decides without building it:

* ``supports``: the environment traits (:data:`TRAITS`) the teacher can act in, any of them;
* ``requires``: settings it cannot do without (``ppo`` needs a trained policy's ``path``);
  such teachers are never listed by :func:`compatible`;
* ``config``: settings of a named configuration (``covar-gmm-fast``), under the caller's;
* ``family``: ``baseline``, ``learning-progress``, ``bandit``, ``rl`` or ``llm`` (menus and
  the CLI's default lists group by it: the demo runs the baselines).

Example:
    >>> import gymnasium as gym, edusim
    >>> TEACHERS.display_name("mastery-threshold")
    'Mastery threshold'
    >>> sorted(env_traits(gym.make("edusim/Tutor-v0")))
    ['discrete', 'skill-curriculum']
    >>> make("rando", gym.make("edusim/Tutor-v0"))
    Traceback (most recent call last):
    ...
    edusim.registry.UnknownNameError: unknown teacher 'rando'; choose from: random, ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gymnasium as gym
from gymnasium import spaces

from edusim.agents.base import Teacher
from edusim.config import ConfigError
from edusim.registry import Entry, Registry

__all__ = ["TEACHERS", "TRAITS", "compatible", "env_traits", "make", "names", "teacher_class"]

_BOX = {"supports": ("task-box",), "family": "learning-progress"}
_BASELINE = {"supports": ("skill-curriculum",), "family": "baseline"}
_BANDIT = {"supports": ("skill-curriculum",), "family": "bandit"}
_DATAGEN = {"supports": ("datagen",), "family": "baseline"}
_PROPOSER = {"supports": ("self-curriculum",), "family": "learning-progress"}

#: name -> teacher. ``names()`` lists them sorted; this order is the menus' order.
TEACHERS: Registry[type[Teacher]] = Registry("teacher", {
    "random": Entry(
        "edusim.agents.random:RandomTeacher", "Random",
        "Picks every task uniformly at random: the baseline every curriculum paper reports.",
        {"supports": ("discrete", "box"), "family": "baseline"}),
    "fixed-order": Entry(
        "edusim.agents.fixed_order:FixedOrderTeacher", "Fixed order",
        "The textbook sequence: a few items per skill, skills in prerequisite order.", _BASELINE),
    "mastery-threshold": Entry(
        "edusim.agents.mastery_threshold:MasteryThresholdTeacher", "Mastery threshold",
        "Stays on a skill until the learner answers it well, prerequisites first "
        "(mastery learning).", _BASELINE),
    "zpdes": Entry(
        "edusim.agents.zpdes:ZPDESTeacher", "ZPDES",
        "A learning-progress bandit over the skills just within reach (Clement et al. 2015).",
        _BANDIT),
    "exp3": Entry(
        "edusim.agents.exp3:EXP3Teacher", "EXP3 (TSCL)",
        "An EXP3 bandit over skills rewarded with learning progress (Matiisen et al. 2017).",
        _BANDIT),
    "alp-gmm": Entry(
        "edusim.agents.alp_gmm:ALPGMMTeacher", "ALP-GMM",
        "Samples tasks where absolute learning progress is high, from Gaussian mixtures "
        "(Portelas et al. 2019).", _BOX),
    "covar-gmm": Entry(
        "edusim.agents.covar_gmm:CovarGMMTeacher", "Covar-GMM",
        "Samples tasks from Gaussians whose reward grows over time (Moulin-Frier et al. 2014), "
        "refitted every 250 tasks as in the reference code.", _BOX),
    "covar-gmm-fast": Entry(
        "edusim.agents.covar_gmm:CovarGMMTeacher", "Covar-GMM (refit every 20)",
        "Covar-GMM refitted every 20 tasks instead of 250: a faster-reacting variant.",
        {**_BOX, "config": {"fit_rate": 20}}),
    "riac": Entry(
        "edusim.agents.riac:RIACTeacher", "RIAC",
        "Splits the task box into regions of different learning progress "
        "(Baranes & Oudeyer 2009).", _BOX),
    "ppo": Entry(
        "edusim.agents.ppo:PPOTeacher", "PPO",
        "Plays a reinforcement-learning policy trained with Stable-Baselines3 "
        "(edusim train-teacher).",
        {"supports": ("discrete", "box"), "requires": ("path",), "family": "rl"}),
    "llm": Entry(
        "edusim.agents.llm:LLMTeacher", "LLM",
        "Asks the chat layer which task comes next (offline rules unless a model is "
        "configured).",
        {"supports": ("skill-curriculum", "task-grid", "datagen"), "family": "llm"}),
    # DataEnvGym teachers (edusim/DataGen*-v0): weights over skills or sub-skills
    "uniform-alloc": Entry(
        "edusim.agents.datagen_uniform:UniformAllocationTeacher", "Uniform allocation",
        "Spreads the example budget evenly over every skill.", _DATAGEN),
    "weakest-first": Entry(
        "edusim.agents.datagen_weakest:WeakestFirstTeacher", "Weakest skill first",
        "Spends the budget on the skills the student gets wrong most often.", _DATAGEN),
    "lp-alloc": Entry(
        "edusim.agents.datagen_lp:LPAllocationTeacher", "Learning-progress allocation",
        "A bandit over skills that spends where held-out accuracy rose most recently.",
        _DATAGEN),
    "state-free": Entry(
        "edusim.agents.datagen_fixed:StateFreeTeacher", "State-free plan",
        "One fixed allocation that never looks at the student (DataEnvGym's comparison).",
        _DATAGEN),
    # SOAR teachers (edusim/SelfCurriculum-v0): proposals of problem sets
    "rloo-proposer": Entry(
        "edusim.agents.rloo_proposer:RLOOProposerTeacher", "SOAR meta-RL teacher (RLOO)",
        "Learns which problem sets unlock the student from the reward of its own proposals "
        "(Sundaram et al. 2026).", _PROPOSER),
    "hard-only": Entry(
        "edusim.agents.proposal_baselines:HardOnlyTeacher", "Hard problems only",
        "Proposes the hard problems themselves every step (SOAR's Hard-Only baseline).",
        {**_PROPOSER, "family": "baseline"}),
    "ladder": Entry(
        "edusim.agents.proposal_baselines:LadderTeacher", "Easy-to-hard ladder",
        "Additions one digit longer every few steps, from the pretraining length up.",
        {**_PROPOSER, "family": "baseline"}),
    "llm-proposer": Entry(
        "edusim.agents.llm_proposer:LLMProposerTeacher", "LLM proposer",
        "Asks the chat layer for the next problem sets (offline rule: keep the best, vary "
        "its length).", {**_PROPOSER, "family": "llm"}),
})


def _builds(view: Callable[[gym.Env], Any]) -> Callable[[gym.Env], bool]:
    def check(env: gym.Env) -> bool:
        try:
            view(env)
        except TypeError:
            return False
        return True

    return check


def _task_box(env: gym.Env) -> bool:
    from edusim.agents._lp import TaskBox

    return _builds(TaskBox.of)(env)


def _skill_curriculum(env: gym.Env) -> bool:
    from edusim.envs.tutor_obs import TutorView

    return _builds(TutorView.of)(env)


def _datagen(env: gym.Env) -> bool:
    return getattr(env.unwrapped, "datagen", None) is not None


def _self_curriculum(env: gym.Env) -> bool:
    from edusim.envs.self_curriculum import view_of

    return _builds(view_of)(env)


def _task_grid(env: gym.Env) -> bool:
    return _task_box(env) and hasattr(getattr(env.unwrapped, "config", None), "cells_per_dim")


#: Environment traits a teacher can declare in ``supports``: name -> test on an env.
TRAITS: dict[str, Callable[[gym.Env], bool]] = {
    "discrete": lambda env: isinstance(env.action_space, spaces.Discrete),
    "box": lambda env: isinstance(env.action_space, spaces.Box),
    "task-box": _task_box,  # a bounded 1-D Box of task coordinates
    "skill-curriculum": _skill_curriculum,  # items of a skill curriculum, a tutoring observation
    "task-grid": _task_grid,  # a task box divided into competence cells
    "datagen": _datagen,  # a DataEnvGym env (env.unwrapped.datagen: arms, weakness, actions)
    "self-curriculum": _self_curriculum,  # SelfCurriculum-v0: proposals of problem sets
}


def env_traits(env: gym.Env) -> frozenset[str]:
    """The :data:`TRAITS` that ``env`` has."""
    return frozenset(name for name, test in TRAITS.items() if test(env))


def names(family: str | None = None) -> list[str]:
    """Registered teacher names, sorted; only those of ``family`` when given.

    Example:
        >>> names("baseline")[:3]
        ['fixed-order', 'hard-only', 'ladder']
    """
    return sorted(n for n in TEACHERS
                  if family is None or TEACHERS.entry(n).metadata.get("family") == family)


def teacher_class(name: str) -> type[Teacher]:
    """The class registered as ``name``; an unknown name raises
    :class:`~edusim.registry.UnknownNameError` (a ``ValueError``) listing the valid ones."""
    return TEACHERS.load(name)


def make(name: str, env: gym.Env, seed: int | None = None, **config: Any) -> Teacher:
    """Build teacher ``name`` for ``env``; ``config`` goes to its config dataclass by name
    (over the entry's named configuration, if it has one).

    Raises:
        ValueError: For an unknown name (the message lists the valid ones), bad config
            (:class:`~edusim.config.ConfigError`) or an env the teacher cannot act in.
    """
    entry = TEACHERS.entry(name)
    cls = TEACHERS.load(name)
    try:
        teacher = cls(env, seed=seed, **{**entry.metadata.get("config", {}), **config})
    except ConfigError as exc:
        raise ConfigError(f"bad configuration for teacher {name!r}: {exc}") from None
    except TypeError as exc:  # the env lacks what the teacher reads (its spaces, a curriculum)
        where = env.spec.id if env.spec is not None else type(env.unwrapped).__name__
        raise ValueError(f"teacher {name!r} cannot act in {where}: {exc}") from None
    teacher.name = name
    return teacher


def compatible(env: gym.Env, exclude: tuple[str, ...] = (),
               family: str | None = None) -> list[str]:
    """Teachers that can act in ``env`` with their default configuration, sorted.

    Decided from what each teacher declares (``supports``), without building any; a teacher
    that needs settings to exist at all (``requires``: ``ppo`` needs a policy file) is not
    listed, nor those whose family is in ``exclude``; with ``family``, only that family.

    Example:
        >>> import gymnasium as gym, edusim
        >>> usable = compatible(gym.make("edusim/Tutor-v0"))
        >>> "mastery-threshold" in usable, "alp-gmm" in usable
        (True, False)
        >>> compatible(gym.make("edusim/Tutor-v0"), family="baseline")
        ['fixed-order', 'mastery-threshold', 'random']
    """
    traits = env_traits(env)
    usable = []
    for name in names(family):
        meta = TEACHERS.entry(name).metadata
        if meta.get("family") in exclude or meta.get("requires"):
            continue
        if traits & set(meta.get("supports", ())):
            usable.append(name)
    return usable
