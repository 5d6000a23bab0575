"""SOAR-style self-curriculum: a teacher proposes problems that unlock a student stuck at zero.

:class:`SelfCurriculumRuns` is the loop (pretrain, fail@N hard split, ``g x r`` batched RL
trainings per teacher step, promotion); :class:`ProposalSpace` maps a teacher's numbers to
generator parameters; :mod:`~edusim.selfcurriculum.evaluate` measures pass@k of the promoted
student (PS) and of a fresh student trained on the promoted data (PQ), and the baselines.
The Gymnasium face is ``edusim/SelfCurriculum-v0``.

Example:
    >>> SelfCurriculumConfig(proposals=4, trainings=4).trainings_per_step
    16
    >>> PARAMETERS
    ('digits_low', 'digits_high', 'depth', 'carry', 'use_hard')
"""

from edusim.selfcurriculum.config import RewardKind, SelfCurriculumConfig
from edusim.selfcurriculum.proposals import PARAMETERS, ProposalSpace, vendi_score
from edusim.selfcurriculum.run import HardSetError, SelfCurriculumRuns, success_counts

__all__ = [
    "PARAMETERS",
    "HardSetError",
    "ProposalSpace",
    "RewardKind",
    "SelfCurriculumConfig",
    "SelfCurriculumRuns",
    "success_counts",
    "vendi_score",
]
