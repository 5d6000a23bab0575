"""Settings of a self-curriculum run: one frozen dataclass, built from keyword arguments by name.

Example:
    >>> config = SelfCurriculumConfig(proposals=2, trainings=2)
    >>> config.trainings_per_step, config.reward.value
    (4, 'grounded')
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from edusim.config import check_at_least, check_unit_interval

__all__ = ["RewardKind", "SelfCurriculumConfig"]


class RewardKind(str, enum.Enum):
    """What a proposal is rewarded for.

    ``GROUNDED`` (SOAR): how much students trained on it improve on the hard problems ``Q_R``
    over the current baseline student. ``INTRINSIC`` (the Intrinsic-T baseline): learnability,
    per problem 0 if the baseline never solves it and ``1 - success`` otherwise.
    """

    GROUNDED = "grounded"
    INTRINSIC = "intrinsic"


@dataclass(frozen=True)
class SelfCurriculumConfig:
    """A self-curriculum run at a scale for two CPU cores (the paper's names in brackets).

    Attributes:
        student: Student family (:data:`edusim.students.STUDENTS`).
        d_model: Student width.
        n_layers: Student depth.
        pretrain_digits: Digit range of the additions the student is pretrained on.
        pretrain_examples: Pretraining problems per student.
        pretrain_steps: Supervised pretraining steps.
        hard_digits: Digit range of the candidate hard problems.
        hard_candidates: Candidates drawn per round of the fail@N selection.
        fail_n: Samples per candidate; a problem is hard when all fail [fail@128].
        hard_size: Problems in each half of the hard split: ``Q_R`` is the training half
            [64], the test half is held out for evaluation.
        max_digits: Largest digit count a proposal can ask for.
        max_depth: Largest number of chained additions a proposal can ask for.
        proposals: Datasets the teacher proposes per step [g = 4].
        problems: Problems per proposed dataset [n = 64].
        trainings: Independent student trainings per dataset [r = 4].
        inner_steps: RL steps of each student training [10].
        inner_batch: Problems per RL step [8].
        inner_samples: Sampled answers per problem in an RL step (RLOO group).
        eval_samples: Sampled answers per problem when success on ``Q_R`` is measured.
        tau: Promotion threshold on the moving average of the teacher's reward [0.01].
        window: Steps in that moving average [3].
        reward: :class:`RewardKind`.
        wrong_rate: Fraction of each proposal's reference answers made wrong on purpose.
        malformed_rate: Fraction of each proposal's problems replaced by ill-formed ones (a
            shuffled prompt with a random answer): badly structured data.
        time_scale: Steps at which the observed time feature reaches 1.
        device: Torch device of the students (``"auto"``, ``"cpu"`` or ``"cuda"``).
    """

    student: str = "transformer"
    d_model: int = 64
    n_layers: int = 2
    pretrain_digits: tuple[int, int] = (1, 2)
    pretrain_examples: int = 4000
    pretrain_steps: int = 600
    hard_digits: tuple[int, int] = (3, 3)
    hard_candidates: int = 256
    fail_n: int = 128
    hard_size: int = 64
    max_digits: int = 4
    max_depth: int = 2
    proposals: int = 4
    problems: int = 64
    trainings: int = 4
    inner_steps: int = 10
    inner_batch: int = 8
    inner_samples: int = 8
    eval_samples: int = 8
    tau: float = 0.01
    window: int = 3
    reward: RewardKind = RewardKind.GROUNDED
    wrong_rate: float = 0.0
    malformed_rate: float = 0.0
    time_scale: int = 50
    device: str = "cpu"

    def __post_init__(self) -> None:
        object.__setattr__(self, "reward", RewardKind(self.reward))
        object.__setattr__(self, "pretrain_digits", tuple(self.pretrain_digits))
        object.__setattr__(self, "hard_digits", tuple(self.hard_digits))
        positive = ("d_model", "n_layers", "pretrain_examples", "hard_candidates", "fail_n",
                    "hard_size", "proposals", "problems", "trainings", "inner_steps",
                    "inner_batch", "eval_samples", "window", "time_scale")
        check_at_least(self, positive, 1)
        check_at_least(self, ("pretrain_steps",), 0)
        if self.inner_samples < 2:
            raise ValueError("inner_samples must be >= 2 (RLOO's leave-one-out baseline)")
        check_unit_interval(self, ("wrong_rate", "malformed_rate"))
        if not self.tau == self.tau:
            raise ValueError("tau must be a number, got NaN")

    @property
    def trainings_per_step(self) -> int:
        """Student trainings per teacher step, all in one batched call [g x r = 16]."""
        return self.proposals * self.trainings
