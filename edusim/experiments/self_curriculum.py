"""One self-curriculum experiment: a teacher's run on ``edusim/SelfCurriculum-v0``, judged.

:func:`run_teacher` plays one teacher for ``steps`` outer steps from one seed, recording the
hard-set success, the reward and the diversity of the proposals at every step, and ends
with SOAR's evaluation (:mod:`edusim.selfcurriculum.evaluate`): pass@k on the held-out hard
problems of the promoted student (PS) and of a fresh student trained on the promoted data
(PQ). :func:`run_baselines` gives the rows that need no teacher: Hard-Only (RL on ``Q_R``
alone) and the full-data upper bound. ``benchmarks/self_curriculum.py`` tabulates them.

Example:
    >>> from edusim.envs import ENVS
    >>> quick = dict(ENVS["edusim/SelfCurriculum-v0"].metadata["quick_kwargs"])
    >>> result = run_teacher("ladder", seed=0, steps=2, env_kwargs=quick, n_samples=4,
    ...                      ks=(1, 4))
    >>> len(result.trace), sorted(result.pass_at_k)
    (2, ['PQ', 'PS'])
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from edusim import agents
from edusim.selfcurriculum import vendi_score
from edusim.selfcurriculum.evaluate import (
    KS,
    full_data_student,
    hard_only_student,
    hard_pass_at_k,
    promoted_data_student,
    promoted_student,
)

__all__ = ["SelfCurriculumResult", "run_baselines", "run_teacher"]


@dataclass
class SelfCurriculumResult:
    """What one run measured.

    Attributes:
        teacher: Teacher name (with the env's reward kind where it is not grounded).
        seed: The seed of the env and the teacher.
        trace: One dict per outer step: ``step``, ``hard_success``, ``q_r_success``,
            ``reward``, ``promotions``, ``diversity`` (Vendi score of the step's proposals
            and the two before), ``seconds``.
        pass_at_k: ``{"PS": {k: value}, "PQ": {k: value}}``.
        initial_hard_success: Success on the hard test half before the first step.
    """

    teacher: str
    seed: int
    trace: list[dict[str, float]] = field(default_factory=list)
    pass_at_k: dict[str, dict[int, float]] = field(default_factory=dict)
    initial_hard_success: float = 0.0


def run_teacher(teacher: str, seed: int, steps: int, env_kwargs: dict[str, Any] | None = None,
                label: str | None = None, n_samples: int = 32, ks: Sequence[int] = KS
                ) -> SelfCurriculumResult:
    """Play ``teacher`` for ``steps`` outer steps on a self-curriculum env, then evaluate."""
    from edusim.envs.self_curriculum import SelfCurriculumEnv  # gymnasium only when used

    env = SelfCurriculumEnv(**(env_kwargs or {}))
    policy = agents.make(teacher, env, seed=seed)
    obs, info = env.reset(seed=seed)
    policy.reset(seed=seed)
    result = SelfCurriculumResult(label or teacher, seed,
                                  initial_hard_success=float(info["initial_hard_success"]))
    recent: list[np.ndarray] = []
    for step in range(1, steps + 1):
        start = time.perf_counter()
        action = policy.act(obs)
        obs, reward, _, _, info = env.step(action)
        policy.observe(action, reward, obs)
        recent = (recent + [np.asarray(action, np.float64)])[-3:]
        result.trace.append({
            "step": step, "hard_success": float(info["hard_success"]),
            "q_r_success": float(info["q_r_success"]), "reward": float(reward),
            "promotions": int(info["promotions"]),
            "diversity": vendi_score(np.concatenate(recent)),
            "seconds": time.perf_counter() - start,
        })
    runs = env.unwrapped._batch.runs
    result.pass_at_k = {
        "PS": hard_pass_at_k(runs, 0, promoted_student(runs), ks, n_samples),
        "PQ": hard_pass_at_k(runs, 0, promoted_data_student(runs), ks, n_samples),
    }
    return result


def run_baselines(seed: int, steps: int, env_kwargs: dict[str, Any] | None = None,
                  n_samples: int = 32, ks: Sequence[int] = KS
                  ) -> dict[str, dict[int, float]]:
    """pass@k of the baselines without a teacher, on the same pretrained student and hard
    split as :func:`run_teacher` with this seed: ``Hard-Only`` (RL on ``Q_R`` for as many
    steps as one promoted lineage trains, ``steps x inner_steps``), ``Hard-Only x g*r``
    (compute-matched: as many student steps as the whole teacher loop) and ``Full data``."""
    from edusim.envs.self_curriculum import SelfCurriculumEnv

    env = SelfCurriculumEnv(**(env_kwargs or {}))
    env.reset(seed=seed)
    runs = env.unwrapped._batch.runs
    inner = runs.config.inner_steps * steps
    return {
        "Hard-Only": hard_pass_at_k(runs, 0, hard_only_student(runs, 0, inner), ks, n_samples),
        "Hard-Only x g*r": hard_pass_at_k(
            runs, 0, hard_only_student(runs, 0, inner * runs.config.trainings_per_step), ks,
            n_samples),
        "Full data": hard_pass_at_k(runs, 0, full_data_student(runs, 0), ks, n_samples),
    }
