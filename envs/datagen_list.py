"""``edusim/DataGenSkillList-v0``: the teacher splits an example budget over skills."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from gymnasium import spaces

from edusim.envs.core import BatchEnv, BatchVectorEnv, InvalidActionError
from edusim.envs.datagen_core import DataGenBatch, DataGenConfig, DataGenText
from edusim.tasks import Examples, Plan, Spec, group_mean
from edusim.tasks.infer import SkillClusters

__all__ = ["DataGenListBatch", "DataGenListConfig", "DataGenSkillListEnv",
           "DataGenSkillListVectorEnv"]

_LABELS = ("generator", "inferred")


@dataclass(frozen=True)
class DataGenListConfig(DataGenConfig):
    """:class:`~edusim.envs.datagen_core.DataGenConfig` plus where the skills come from.

    Attributes:
        skill_labels: ``"generator"`` (the generator's labels) or ``"inferred"`` (k-means
            over the unlabeled held-out prompts, as many clusters as skills; see
            :mod:`edusim.tasks.infer`).
    """

    skill_labels: str = "generator"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.skill_labels not in _LABELS:
            raise ValueError(f"skill_labels must be one of {_LABELS}, got {self.skill_labels!r}")


class DataGenListBatch(DataGenBatch):
    """Rows of the skill-list env: arms are skills (or inferred skills)."""

    config_class = DataGenListConfig

    def __init__(self, config: DataGenListConfig, n: int) -> None:
        super().__init__(config, n)
        domain, k = self.domain, len(self.domain.skills)
        self.clusters = None
        if config.skill_labels == "inferred":
            self.clusters = SkillClusters.fit(self.held_out.prompts, k, seed=domain.eval_seed)
            self.arm_of_eval = self.clusters.predict(self.held_out.prompts)
            self.arms = [f"skill-{c}" for c in range(k)]
            truth = domain.skill_of[self.held_out.subskill]
            self.skill_agreement = self.clusters.agreement(self.held_out.prompts, truth)
        else:
            self.arm_of_eval = domain.skill_of[self.held_out.subskill]
            self.arms = list(domain.skills)
            self.skill_agreement = {"ari": 1.0, "purity": 1.0}
        self.single_action_space = spaces.Box(0.0, 1.0, (k,), np.float32)
        self.single_observation_space = spaces.Box(0.0, 1.0, (2 * k + 1,), np.float32)
        self._pool = Plan(tuple(domain.spec(s, max(4, config.budget // len(domain.subskills)))
                                for s in domain.subskills))

    def allocation(self, action: Any) -> np.ndarray:
        """Examples per arm for one row's action (a weight per arm, in ``[0, 1]``)."""
        w = np.asarray(action, dtype=np.float64)
        if w.shape != (len(self.arms),) or not np.all(np.isfinite(w)) or (w < 0).any() or \
                (w > 1).any():
            raise InvalidActionError(
                f"the skill-list action is {len(self.arms)} weights in [0, 1] (one per skill: "
                f"{', '.join(self.arms)}), got {action!r}")
        return self.spread(w, self.config.budget)

    def row_plan(self, i: int, action: Any) -> Plan:
        counts = self.allocation(action)
        return Plan(tuple(Spec(skill, int(c), self.domain.digits)
                          for skill, c in zip(self.arms, counts, strict=True) if c > 0))

    def generate(self, i: int, action: Any) -> tuple[Examples, dict[str, int]]:
        if self.clusters is None:
            return super().generate(i, action)
        return self.clusters.sample(
            self.engines[i], self._pool, self.domain, self.allocation(action), self.rngs[i])

    def arm_accuracy(self) -> np.ndarray:
        """``(n, k)`` held-out accuracy per arm."""
        return np.nan_to_num(group_mean(self.right, self.arm_of_eval, len(self.arms)))

    def observation(self) -> np.ndarray:
        arm_of_sub = self._arm_of_subskill()
        return np.concatenate([self.arm_accuracy(),
                               self.data_share(arm_of_sub, len(self.arms)),
                               self.accuracy[:, None]], axis=1).astype(np.float32)

    def _arm_of_subskill(self) -> np.ndarray:
        if self.clusters is None:
            return self.domain.skill_of
        # each sub-skill counts for the inferred skill most of its held-out problems fall in
        subs = self.held_out.subskill
        return np.array([np.bincount(self.arm_of_eval[subs == s], minlength=len(self.arms))
                         .argmax() for s in range(len(self.domain.subskills))])

    def weakness(self, obs: Any) -> np.ndarray:
        return 1.0 - np.asarray(obs, np.float64)[: len(self.arms)]

    def action_for(self, weights: np.ndarray, explore: bool = False) -> np.ndarray:
        return self._unit(weights)

    def text(self, obs: Any) -> str:
        obs, k = np.asarray(obs, np.float64), len(self.arms)
        lines = [f"Held-out accuracy {obs[-1]:.2f}. Per skill (accuracy | share of the data "
                 "so far):"]
        lines += [f"- {name}: {obs[j]:.2f} | {obs[k + j]:.2f}" for j, name in
                  enumerate(self.arms)]
        return "\n".join(lines)


class DataGenSkillListEnv(DataGenText, BatchEnv):
    """A teacher allocates a budget of generated examples over skills; a torch student learns.

    ## Description
    DataEnvGym's skill-list setting (Khan et al., 2025, "DataEnvGym: Data Generation Agents
    in Teacher Environments with Student Feedback") at CPU scale. A fresh torch student
    (:mod:`edusim.students`, a d-64 transformer by default) learns the arithmetic domain of
    :mod:`edusim.tasks`. Each round the teacher splits ``budget`` examples over the skills;
    the programmatic engine (or an LLM through :mod:`edusim.llm`) writes them, the quality
    check drops what does not parse or is wrong, the student trains (protocol ``reinit``:
    from its initial weights on all data so far) and is evaluated on the fixed held-out set.

    ## Action Space
    ``Box(0, 1, (K,), float32)``: a weight per skill; the budget is split in proportion
    (largest remainders; all zeros split it evenly). Weights outside ``[0, 1]`` or a wrong
    shape raise
    :class:`~edusim.envs.core.InvalidActionError`.

    ## Observation Space
    ``Box(0, 1, (2K + 1,), float32)`` for ``K`` skills:

    | index         | observation                                          |
    |---------------|------------------------------------------------------|
    | ``0 .. K-1``  | held-out accuracy per skill                          |
    | ``K .. 2K-1`` | share of the examples collected so far, per skill    |
    | ``2K``        | overall held-out accuracy                            |

    ``env.render()`` (``render_mode="ansi"``) and ``env.unwrapped.describe(obs)`` give the
    same as text for LLM policies.

    ## Rewards
    The change of overall held-out accuracy over the round.

    ## Starting State
    A freshly initialised student (its seed from the reset seed); no data.

    ## Episode End
    Never by itself; the registry's ``max_episode_steps`` (rounds) truncates.

    ## Info
    ``accuracy``, ``skill_accuracy`` (skill -> accuracy), ``subskill_accuracy``,
    ``examples`` (kept this round), ``rejected`` (dropped this round), ``rejected_by``
    (per reason), ``known`` (kept examples the student already answered right),
    ``examples_total``; after reset and every step.

    ## Arguments
    The fields of :class:`DataGenListConfig` (``skills``, ``digits``, ``eval_per_subskill``,
    ``budget``, ``engine``, ``student_kind``, ``student``, ``device``, ``skill_labels``);
    ``skill_labels="inferred"`` replaces the skills by k-means clusters of the unlabeled
    held-out prompts (``env.unwrapped.datagen.skill_agreement`` has their agreement with
    the true labels).

    ## Version History
    * v0: Initial version.
    """

    core = DataGenListBatch


class DataGenSkillListVectorEnv(BatchVectorEnv):
    """``num_envs`` skill-list envs as one batch of students trained in one call (see
    :class:`DataGenSkillListEnv`)."""

    core = DataGenListBatch
