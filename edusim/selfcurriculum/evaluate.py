"""How a self-curriculum run is judged: pass@k on the held-out hard problems, and baselines.

* **PS**: the promoted student (the run's final baseline).
* **PQ**: a fresh copy of the pretrained student trained by RL on the promoted datasets
  ``D_best`` plus the hard training problems ``Q_R``: are the problems themselves useful?
* **Hard-Only**: the pretrained student trained by RL on ``Q_R`` directly.
* **Full data** (upper bound): the pretrained student trained with supervision on fresh
  problems of the hard distribution, reference answers included.

Every student is a copy taken from the run (:class:`SelfCurriculumRuns`), so the run itself
is left as it was.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from edusim.selfcurriculum.run import SelfCurriculumRuns, success_counts
from edusim.students import BatchedStudents, pass_at_k
from edusim.tasks import Spec

__all__ = ["KS", "full_data_student", "hard_only_student", "hard_pass_at_k",
           "pretrained_student", "promoted_data_student", "promoted_student"]

#: The k of SOAR's pass@k table.
KS: tuple[int, ...] = (1, 4, 8, 16, 32)


def hard_pass_at_k(runs: SelfCurriculumRuns, row: int, students: BatchedStudents,
                   ks: Sequence[int] = KS, n_samples: int = 32) -> dict[int, float]:
    """Mean pass@k of a one-student batch on row ``row``'s held-out hard problems."""
    students = students.take([0])
    students.reseed([int(runs.rngs[row].integers(0, 2**62))])
    counts = success_counts(students, runs.hard_test[row][None], runs.hard_test_answers[row][None],
                            n_samples)[0].numpy()
    return {k: float(pass_at_k(n_samples, counts, k).mean()) for k in ks}


def promoted_student(runs: SelfCurriculumRuns, row: int = 0) -> BatchedStudents:
    """PS: a copy of the run's current baseline."""
    return runs.baseline.take([row])


def pretrained_student(runs: SelfCurriculumRuns, row: int = 0) -> BatchedStudents:
    """A copy of the run's student as it was after pretraining (its base weights)."""
    student = runs.baseline.take([row])
    student.reinit()
    return student


def _rl(runs: SelfCurriculumRuns, row: int, prompts: torch.Tensor, answers: torch.Tensor,
        steps: int) -> BatchedStudents:
    student = pretrained_student(runs, row)
    student.reseed([int(runs.rngs[row].integers(0, 2**62))])
    if steps:
        student.rl_fit(prompts, answers, steps=steps)
    return student


def promoted_data_student(runs: SelfCurriculumRuns, row: int = 0,
                          steps: int | None = None) -> BatchedStudents:
    """PQ: the pretrained student trained by RL on ``D_best`` plus ``Q_R``, for ``steps``
    (default: ``inner_steps`` per promoted dataset, plus one round for ``Q_R``)."""
    parts = runs.d_best[row] + [(runs.q_r[row], runs.q_r_answers[row])]
    steps = runs.config.inner_steps * len(parts) if steps is None else steps
    return _rl(runs, row, torch.cat([p for p, _ in parts]), torch.cat([a for _, a in parts]),
               steps)


def hard_only_student(runs: SelfCurriculumRuns, row: int = 0, steps: int = 10
                      ) -> BatchedStudents:
    """Hard-Only: the pretrained student trained by RL on ``Q_R`` alone for ``steps``."""
    return _rl(runs, row, runs.q_r[row], runs.q_r_answers[row], steps)


def full_data_student(runs: SelfCurriculumRuns, row: int = 0, examples: int | None = None,
                      steps: int | None = None) -> BatchedStudents:
    """The upper bound: supervised training on fresh problems of the hard distribution."""
    cfg = runs.config
    student = pretrained_student(runs, row)
    spec = Spec("add", cfg.pretrain_examples if examples is None else examples,
                digits=(1, cfg.hard_digits[1]))
    prompts, answers = runs.encode(spec, np.random.default_rng(runs.rngs[row].integers(2**62)))
    student.fit(prompts, answers, steps=cfg.pretrain_steps if steps is None else steps)
    return student
