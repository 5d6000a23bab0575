"""Learner-group profiles: what a class knows before the lesson.

A :class:`GroupProfile` holds the group's mean mastery per skill and an ability vector (one
log-odds ability per learner). It comes from a simulated cohort
(:func:`simulate_profile`: edusim learner models taught the curriculum's early skills) or from
real interactions in the canonical schema (:func:`profile_from_interactions`: Bayesian
knowledge tracing per learner and skill).

Example:
    >>> from edusim.curriculum import load_builtin
    >>> p = simulate_profile(load_builtin("fractions"), level="beginner", n_learners=20, seed=0)
    >>> p.mastery_of("parts") > p.mastery_of("word_problems")
    True
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from edusim.curriculum import Curriculum
from edusim.learners import kind, make
from edusim.numeric import logit
from edusim.planning.errors import PlanningError

__all__ = [
    "GroupProfile",
    "TracingParams",
    "LEVELS",
    "simulate_profile",
    "profile_from_interactions",
    "load_profile",
]

#: Named cohorts for :func:`simulate_profile`: how many skills (shallowest first) were taught.
LEVELS: dict[str, int] = {"beginner": 5, "intermediate": 10, "advanced": 15}


@dataclass(frozen=True)
class GroupProfile:
    """A learner group's knowledge before the lesson.

    Attributes:
        skills: Skill ids, in the curriculum's skill order.
        mastery: Mean mastery per skill, in ``[0, 1]``.
        ability: One log-odds ability per learner (the ability vector).
        source: Where the profile came from, for display.
    """

    skills: tuple[str, ...]
    mastery: tuple[float, ...]
    ability: tuple[float, ...]
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "skills", tuple(str(s) for s in self.skills))
        object.__setattr__(self, "mastery", tuple(float(m) for m in self.mastery))
        object.__setattr__(self, "ability", tuple(float(a) for a in self.ability))
        if len(self.skills) != len(self.mastery):
            raise PlanningError(
                f"profile has {len(self.skills)} skills but {len(self.mastery)} mastery values"
            )
        bad = [s for s, m in zip(self.skills, self.mastery, strict=True) if not 0.0 <= m <= 1.0]
        if bad:
            raise PlanningError(f"profile mastery outside [0, 1] for skills {bad}")
        if not self.ability or not np.isfinite(self.ability).all():
            raise PlanningError("profile needs at least one finite ability value")

    @property
    def n_learners(self) -> int:
        return len(self.ability)

    def mastery_of(self, skill: str) -> float:
        """Mean mastery of ``skill``; raises :class:`PlanningError` for an unknown skill."""
        try:
            return self.mastery[self.skills.index(skill)]
        except ValueError:
            raise PlanningError(f"profile has no skill {skill!r}") from None

    def as_dict(self) -> dict[str, float]:
        """Mastery per skill id."""
        return dict(zip(self.skills, self.mastery, strict=True))

    def check(self, curriculum: Curriculum) -> None:
        """Raise :class:`PlanningError` unless the profile covers ``curriculum``'s skills."""
        if self.skills != curriculum.graph.skills:
            missing = sorted(set(curriculum.graph.skills) - set(self.skills))
            raise PlanningError(
                f"profile skills do not match curriculum {curriculum.name!r} "
                f"(missing {missing[:5]}, or a different order)"
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "skills": list(self.skills),
            "mastery": list(self.mastery),
            "ability": list(self.ability),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupProfile:
        try:
            return cls(data["skills"], data["mastery"], data["ability"], data.get("source", ""))
        except (KeyError, TypeError) as exc:
            raise PlanningError(f"malformed group profile: {exc!r}") from None


def _ability(scores: np.ndarray) -> np.ndarray:
    return logit(np.clip(scores, 0.02, 0.98))


def _prior_teaching(curriculum: Curriculum, n_skills: int, steps_per_skill: int) -> list[int]:
    """Item indices of prior teaching: the shallowest skills, each practised easiest-first."""
    graph = curriculum.graph
    depth = graph.depth()
    taught = sorted(graph.skills, key=lambda s: (depth[graph.index(s)], graph.index(s)))
    sequence: list[int] = []
    for skill in taught[:n_skills]:
        own = [i for i in curriculum.items_for_skill(skill) if len(curriculum.items[i].skills) == 1]
        own.sort(key=lambda i: curriculum.items[i].difficulty)
        sequence.extend(own[j % len(own)] for j in range(steps_per_skill) if own)
    return sequence


def simulate_profile(
    curriculum: Curriculum,
    level: str | int = "intermediate",
    n_learners: int = 30,
    seed: int = 0,
    model: str = "bkt",
    steps_per_skill: int = 8,
    **params: Any,
) -> GroupProfile:
    """A profile from a simulated cohort that was taught the curriculum's shallowest skills.

    Every learner of learner model ``model`` was taught the ``level`` shallowest skills (by
    prerequisite depth), ``steps_per_skill`` practice items each, answering and learning as
    the model says; the profile is the cohort's mastery afterwards.

    Args:
        curriculum: Skills and items.
        level: A name in :data:`LEVELS` or a number of skills taught before.
        n_learners: Cohort size.
        seed: Seed of every draw.
        model: Learner-model name (see :func:`edusim.learners.names`).
        steps_per_skill: Practice steps per taught skill.
        **params: Learner-model parameters, over the model's own ``cohort_params`` (BKT's
            learners learn at rates spread by ``learn_rate_sd=0.5``).

    Example:
        >>> from edusim.curriculum import load_builtin
        >>> simulate_profile(load_builtin("fractions"), level=3, n_learners=5).n_learners
        5
    """
    n_skills = LEVELS.get(level) if isinstance(level, str) else int(level)
    if n_skills is None or n_skills < 0:
        raise PlanningError(f"unknown cohort level {level!r}; use {list(LEVELS)} or a count >= 0")
    if n_learners < 1:
        raise PlanningError(f"n_learners must be >= 1, got {n_learners}")
    learner = make(model, curriculum, **{**kind(model).cohort_params, **params})
    rng = np.random.default_rng(seed)
    state = learner.init_state(n_learners, rng)
    for item in _prior_teaching(curriculum, n_skills, steps_per_skill):
        items = np.full(n_learners, item, dtype=np.int64)
        correct = learner.respond(state, items, rng)
        state = learner.update(state, items, correct, rng)
    scores = learner.expected_score(
        state, curriculum.test_item_indices(), curriculum.test_weights()
    )
    mastery = learner.mastery(state).mean(axis=0)
    label = f"{level} class" if isinstance(level, str) else f"class taught {n_skills} skills"
    return GroupProfile(
        curriculum.graph.skills,
        tuple(np.round(mastery, 4)),
        tuple(np.round(_ability(scores), 4)),
        f"a simulated {label}",
    )


@dataclass(frozen=True)
class TracingParams:
    """Bayesian knowledge tracing parameters used to read mastery from interactions."""

    p_init: float = 0.2
    p_learn: float = 0.15
    p_guess: float = 0.2
    p_slip: float = 0.1


def _skill_lists(column: pd.Series) -> pd.Series:
    def parse(value: Any) -> list[str]:
        if isinstance(value, str):
            return [s for s in re.split(r"[,;|\s]+", value) if s]
        if isinstance(value, Sequence | np.ndarray):
            return [str(s) for s in value]
        return [] if pd.isna(value) else [str(value)]

    return column.map(parse)


def _trace(groups: pd.DataFrame, params: TracingParams) -> pd.Series:
    """Final BKT knowledge estimate per (user, skill), vectorized over the groups."""
    table = groups.pivot(index=["user_id", "skill"], columns="attempt", values="correct")
    p = np.full(len(table), params.p_init)
    g, s, learn = params.p_guess, params.p_slip, params.p_learn
    for column in table.columns:
        obs = table[column].to_numpy(dtype=np.float64)
        seen = ~np.isnan(obs)
        right = obs == 1.0
        post_right = p * (1 - s) / (p * (1 - s) + (1 - p) * g)
        post_wrong = p * s / (p * s + (1 - p) * (1 - g))
        post = np.where(right, post_right, post_wrong)
        p = np.where(seen, post + (1 - post) * learn, p)
    return pd.Series(p, index=table.index)


def profile_from_interactions(
    interactions: pd.DataFrame,
    curriculum: Curriculum,
    params: TracingParams | None = None,
) -> GroupProfile:
    """A profile from real interactions (canonical schema ``user_id, skill_ids, correct``).

    Each learner's mastery of each skill is the Bayesian knowledge tracing estimate after
    their answers on it, in ``timestamp`` order when that column is present. A skill's group
    mastery is the mean over the learners who practised it; a skill nobody practised gets
    ``params.p_init``. A learner's ability is the log-odds of their smoothed share correct.

    Raises:
        PlanningError: On missing columns or when no row names a curriculum skill.

    Example:
        >>> from edusim.curriculum import load_builtin
        >>> df = pd.DataFrame({"user_id": [1, 1, 2], "skill_ids": ["parts", "parts", "unit"],
        ...                    "correct": [1, 1, 0]})
        >>> p = profile_from_interactions(df, load_builtin("fractions"))
        >>> p.mastery_of("parts") > 0.5, p.n_learners
        (True, 2)
    """
    params = params or TracingParams()
    missing = [c for c in ("user_id", "skill_ids", "correct") if c not in interactions.columns]
    if missing:
        raise PlanningError(f"interactions lack column(s) {missing}")
    frame = interactions
    if "timestamp" in frame.columns:
        frame = frame.sort_values("timestamp", kind="stable")
    frame = frame.assign(skill=_skill_lists(frame["skill_ids"]), correct=frame["correct"] * 1.0)
    frame = frame.explode("skill")
    known = frame["skill"].isin(set(curriculum.graph.skills))
    if not known.any():
        sample = sorted(frame["skill"].dropna().astype(str).unique())[:5]
        raise PlanningError(
            f"no interaction names a skill of curriculum {curriculum.name!r} (saw {sample})"
        )
    frame = frame.loc[known, ["user_id", "skill", "correct"]]
    frame = frame.assign(attempt=frame.groupby(["user_id", "skill"]).cumcount())
    per_skill = _trace(frame, params).groupby(level="skill").mean()
    mastery = [float(per_skill.get(s, params.p_init)) for s in curriculum.graph.skills]
    per_user = frame.groupby("user_id")["correct"].agg(["sum", "count"])
    ability = _ability(((per_user["sum"] + 1) / (per_user["count"] + 2)).to_numpy())
    return GroupProfile(
        curriculum.graph.skills,
        tuple(np.round(mastery, 4)),
        tuple(np.round(ability, 4)),
        f"{len(per_user)} learners, {len(frame)} interactions",
    )


def load_profile(
    source: str, curriculum: Curriculum, n_learners: int = 30, seed: int = 0
) -> GroupProfile:
    """A profile from a cohort level name, a profile JSON file, or an interactions file.

    Args:
        source: A name in :data:`LEVELS` (simulated cohort), a ``.json`` file written from
            :meth:`GroupProfile.to_dict`, or a ``.csv`` / ``.parquet`` file of interactions
            in the canonical schema.
        curriculum: The curriculum the profile must cover.
        n_learners: Cohort size for a simulated cohort.
        seed: Seed for a simulated cohort.

    Raises:
        PlanningError: On an unknown level, a missing or malformed file.

    Example:
        >>> from edusim.curriculum import load_builtin
        >>> load_profile("beginner", load_builtin("fractions"), n_learners=4).n_learners
        4
    """
    if source in LEVELS:
        return simulate_profile(curriculum, source, n_learners, seed)
    path = Path(source)
    if not path.is_file():
        raise PlanningError(
            f"profile {source!r} is neither a cohort level {list(LEVELS)} nor an existing file"
        )
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            profile = GroupProfile.from_dict(json.loads(path.read_text(encoding="utf-8")))
        elif suffix in (".csv", ".parquet"):
            reader = pd.read_csv if suffix == ".csv" else pd.read_parquet
            profile = profile_from_interactions(reader(path), curriculum)
        else:
            raise PlanningError(f"{path}: profile files are .json, .csv or .parquet")
    except (OSError, ValueError) as exc:
        if isinstance(exc, PlanningError):
            raise PlanningError(f"{path}: {exc}") from None
        raise PlanningError(f"{path}: cannot read profile ({exc})") from None
    profile.check(curriculum)
    return profile
