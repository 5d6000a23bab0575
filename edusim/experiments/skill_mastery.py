"""Per-skill mastery over time: what a class knows of each skill after each step.

:func:`evaluate` reports one mean-mastery curve per episode; a teacher-educator also wants to
see *which* skills a teacher gets the class to master, and when. :func:`skill_mastery` runs a
teacher on a class of seeded learners and averages ``info["mastery_per_skill"]`` over them;
:func:`skill_heatmap_figure` draws the result as a skills x steps heatmap.

Example:
    >>> trace = skill_mastery("edusim/Tutor-v0", "fixed-order", seeds=[0],
    ...                       env_kwargs={"max_episode_steps": 5})
    >>> trace.mastery.shape[0], len(trace.skills) == trace.mastery.shape[1]
    (6, True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np
from matplotlib.figure import Figure

from edusim.experiments.evaluate import TeacherSpec
from edusim.experiments.rollout import run_episode

__all__ = ["SkillTrace", "skill_mastery", "skill_heatmap_figure"]


@dataclass(frozen=True)
class SkillTrace:
    """Mean mastery of each skill after reset and after every step.

    Attributes:
        teacher: The teacher's label.
        skills: Skill names, in the environment's order.
        mastery: Array of shape ``(steps + 1, n_skills)``; row 0 is before the first step.
        learners: How many learners (seeds) were averaged.
    """

    teacher: str
    skills: tuple[str, ...]
    mastery: np.ndarray
    learners: int


def _skill_names(env: gym.Env, n_skills: int) -> tuple[str, ...]:
    curriculum = getattr(env.unwrapped, "curriculum", None)
    if curriculum is not None and len(curriculum.graph.skills) == n_skills:
        return tuple(curriculum.graph.name(s) for s in curriculum.graph.skills)
    return tuple(f"skill {i}" for i in range(n_skills))


def _one_learner(env: gym.Env, teacher_spec: TeacherSpec, seed: int, env_id: str) -> np.ndarray:
    from edusim import agents

    teacher = agents.make(teacher_spec.name, env, seed=seed, **teacher_spec.config)
    teacher.reset(seed)
    _, info = env.reset(seed=seed)
    if "mastery_per_skill" not in info:
        raise ValueError(
            f"{env_id} does not report info['mastery_per_skill']; per-skill mastery needs an "
            "environment over a skill curriculum such as edusim/Tutor-v0"
        )
    rows = [np.asarray(info["mastery_per_skill"], dtype=np.float64)]

    def record(_step: int, step_info: dict[str, Any]) -> None:
        rows.append(np.asarray(step_info["mastery_per_skill"], dtype=np.float64))

    # run_episode resets again with the same seed, so row 0 describes the same learner.
    run_episode(env, teacher, seed, on_step=record)
    return np.stack(rows)


def skill_mastery(
    env_id: str,
    teacher: str | tuple[str, dict] | TeacherSpec,
    seeds: Sequence[int] | int,
    env_kwargs: dict[str, Any] | None = None,
    on_learner_done: Callable[[int, int], None] | None = None,
) -> SkillTrace:
    """Run ``teacher`` for one episode per seed and average per-skill mastery over learners.

    Seeds mean the same learners as in :func:`~edusim.experiments.evaluate` (episode 0 of each
    seed), so the heatmap and the results table describe the same class.

    Args:
        env_id: A registered id whose ``info`` has ``mastery_per_skill`` (e.g. Tutor-v0).
        teacher: Teacher name, ``(name, config)`` or :class:`TeacherSpec`.
        seeds: Seeds, or a number ``n`` meaning ``range(n)``.
        env_kwargs: Keyword arguments for ``gymnasium.make`` (``max_episode_steps`` included).
        on_learner_done: Called as ``on_learner_done(done, total)`` after each learner.

    Returns:
        The class's :class:`SkillTrace`; shorter episodes are padded with their last row.

    Raises:
        ValueError: No seeds, or the environment does not report per-skill mastery.

    Example:
        >>> t = skill_mastery("edusim/Tutor-v0", "random", 2, {"max_episode_steps": 3})
        >>> t.learners, bool(((t.mastery >= 0) & (t.mastery <= 1)).all())
        (2, True)
    """
    spec = TeacherSpec.of(teacher)
    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not seed_list:
        raise ValueError("skill_mastery needs at least one seed")
    env = gym.make(env_id, **(env_kwargs or {}))
    try:
        traces = []
        for seed in seed_list:
            traces.append(_one_learner(env, spec, seed, env_id))
            if on_learner_done is not None:
                on_learner_done(len(traces), len(seed_list))
        n_skills = traces[0].shape[1]
        skills = _skill_names(env, n_skills)
    finally:
        env.close()
    length = max(len(t) for t in traces)
    padded = np.stack([np.pad(t, ((0, length - len(t)), (0, 0)), mode="edge") for t in traces])
    return SkillTrace(spec.title, skills, padded.mean(axis=0), len(seed_list))


def skill_heatmap_figure(traces: SkillTrace | Sequence[SkillTrace]) -> Figure:
    """Skills x steps heatmaps (white 0 to dark green 1), one panel per trace, side by side.

    Panels share the skill axis, so teachers compare row by row; skill names are written once.

    Example:
        >>> t = SkillTrace("random", ("a", "b"), np.array([[0.0, 0.1], [0.5, 0.2]]), 1)
        >>> len(skill_heatmap_figure([t, t]).axes)  # two panels and the colour bar
        3
    """
    traces = [traces] if isinstance(traces, SkillTrace) else list(traces)
    if not traces:
        raise ValueError("skill_heatmap_figure needs at least one trace")
    n_skills = len(traces[0].skills)
    figure = Figure(figsize=(2.8 + 3.2 * len(traces), 1.4 + 0.2 * n_skills), dpi=110,
                    layout="constrained")
    axes = figure.subplots(1, len(traces), sharey=True, squeeze=False)[0]
    for panel, trace in zip(axes, traces, strict=True):
        image = panel.imshow(trace.mastery.T, aspect="auto", cmap="Greens", vmin=0.0, vmax=1.0,
                             interpolation="nearest")
        panel.set_title(f"{trace.teacher} ({trace.learners} learners)", fontsize=9)
        panel.set_xlabel("step (items practised)", fontsize=8)
    axes[0].set_yticks(np.arange(n_skills), labels=list(traces[0].skills), fontsize=7)
    figure.colorbar(image, ax=list(axes), fraction=0.025, pad=0.01, label="mastery")
    figure.suptitle("Mean mastery of each skill over the lesson", fontsize=10)
    return figure
