"""``edusim/DataGenSkillTree-v0``: skills with sub-skills the teacher discovers, then feeds."""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces

from edusim.envs.core import BatchEnv, BatchVectorEnv, InvalidActionError
from edusim.envs.datagen_core import DataGenBatch, DataGenConfig, DataGenText
from edusim.tasks import Examples, Plan, Spec

__all__ = ["DataGenTreeBatch", "DataGenSkillTreeEnv", "DataGenSkillTreeVectorEnv"]


class DataGenTreeBatch(DataGenBatch):
    """Rows of the skill-tree env: nodes are the ``K`` skills then the ``S`` sub-skills."""

    def __init__(self, config: DataGenConfig, n: int) -> None:
        super().__init__(config, n)
        k, s = len(self.domain.skills), len(self.domain.subskills)
        self.nodes = [*self.domain.skills, *self.domain.subskills]
        self.arms = self.nodes
        self.single_action_space = spaces.Box(0.0, 1.0, (1 + k + s,), np.float32)
        self.single_observation_space = spaces.Box(0.0, 1.0, (2 * (k + s) + s,), np.float32)
        self.discovered = np.zeros((n, s), dtype=bool)
        self.node_counts = np.zeros((n, k + s), dtype=np.int64)
        self._last_counts: dict[int, np.ndarray] = {}

    def reset(self, mask: np.ndarray, keys: np.ndarray | None) -> None:
        self.discovered[mask] = False
        self.node_counts[mask] = 0
        super().reset(mask, keys)

    def node_allocation(self, i: int, action: Any) -> np.ndarray:
        """Examples per node for row ``i``'s action; opens sub-skills when exploring."""
        a = np.asarray(action, np.float64).ravel()
        k = len(self.domain.skills)
        if a.shape != (1 + len(self.nodes),) or not np.isfinite(a).all() or (a < 0).any() or \
                (a > 1).any():
            raise InvalidActionError(
                f"the skill-tree action is an explore flag and {len(self.nodes)} node weights, "
                f"all in [0, 1]; got {action!r}")
        w = a[1:]
        if a[0] >= 0.5:
            return self._explore(i, w[:k])
        w[k:] = np.where(self.discovered[i], w[k:], 0.0)  # not in the tree yet: ignored
        if w.sum() <= 0:
            w[:k] = 1.0
        return self.spread(w, self.config.budget)

    def _explore(self, i: int, skill_weights: np.ndarray) -> np.ndarray:
        """Each skill with weight opens its next undiscovered sub-skill; the budget goes to
        the new ones by their skills' weights (to the skills when nothing is left to open)."""
        k = len(self.domain.skills)
        weights = np.zeros(len(self.nodes))
        for skill in np.flatnonzero(skill_weights > 0):
            hidden = np.flatnonzero((self.domain.skill_of == skill) & ~self.discovered[i])
            if len(hidden):
                self.discovered[i, hidden[0]] = True
                weights[k + hidden[0]] = skill_weights[skill]
        if not weights.any():
            weights[:k] = skill_weights
        return self.spread(weights, self.config.budget)

    def row_plan(self, i: int, action: Any) -> Plan:
        counts = self.node_allocation(i, action)
        self._last_counts[i] = counts
        k, specs = len(self.domain.skills), []
        for node, c in enumerate(counts.tolist()):
            if c and node < k:
                specs.append(Spec(self.domain.skills[node], c, self.domain.digits))
            elif c:
                specs.append(self.domain.spec(self.domain.subskills[node - k], c))
        return Plan(tuple(specs))

    def generate(self, i: int, action: Any) -> tuple[Examples, dict[str, int]]:
        out = super().generate(i, action)
        self.node_counts[i] += self._last_counts.pop(i)
        return out

    def node_accuracy(self) -> np.ndarray:
        """``(n, K + S)`` held-out accuracy per node (0 for undiscovered sub-skills)."""
        return np.concatenate([self.skill_acc, np.where(self.discovered, self.sub_acc, 0.0)], 1)

    def observation(self) -> np.ndarray:
        total = self.node_counts.sum(1, keepdims=True)
        share = np.divide(self.node_counts, total, out=np.zeros(self.node_counts.shape),
                          where=total > 0)
        return np.concatenate([self.node_accuracy(), share, self.discovered], 1
                              ).astype(np.float32)

    def weakness(self, obs: Any) -> np.ndarray:
        obs, k, m = np.asarray(obs, np.float64), len(self.domain.skills), len(self.nodes)
        shown = np.r_[np.ones(k, bool), obs[2 * m:] > 0.5]
        return np.where(shown, 1.0 - obs[:m], np.nan)

    def explorable(self, obs: Any) -> np.ndarray:
        obs, k, m = np.asarray(obs, np.float64), len(self.domain.skills), len(self.nodes)
        hidden = obs[2 * m:] < 0.5
        per_skill = np.array([hidden[self.domain.skill_of == j].any() for j in range(k)])
        return np.r_[per_skill, np.zeros(m - k, bool)]

    def action_for(self, weights: np.ndarray, explore: bool = False) -> np.ndarray:
        return np.r_[np.float32(1.0 if explore else 0.0), self._unit(weights)].astype(np.float32)

    def text(self, obs: Any) -> str:
        obs = np.asarray(obs, np.float64)
        k, s = len(self.domain.skills), len(self.domain.subskills)
        m = k + s
        lines = ["Skill tree (held-out accuracy | share of the data so far):"]
        for j, skill in enumerate(self.domain.skills):
            lines.append(f"- {skill}: {obs[j]:.2f} | {obs[m + j]:.2f}")
            subs = np.flatnonzero(self.domain.skill_of == j)
            for sub in subs:
                if obs[2 * m + sub] > 0.5:
                    name = self.domain.subskills[sub]
                    lines.append(f"  - {name}: {obs[k + sub]:.2f} | {obs[m + k + sub]:.2f}")
            hidden = int(sum(obs[2 * m + sub] < 0.5 for sub in subs))
            if hidden:
                lines.append(f"  ({hidden} sub-skill(s) not yet explored)")
        return "\n".join(lines)


class DataGenSkillTreeEnv(DataGenText, BatchEnv):
    """A teacher explores a tree of skills and sub-skills and allocates examples over it.

    ## Description
    DataEnvGym's skill-tree setting at CPU scale: the same student, domain, engines, quality
    check and training round as :class:`~edusim.envs.datagen_list.DataGenSkillListEnv`. The
    tree has the domain's ``K`` skills at the top, each with its sub-skills (``add/carry``,
    ``add/no-carry``, ...), which start undiscovered. Each round the teacher either
    **explores** (opens sub-skills and spends the round's budget on them) or **exploits**
    (re-allocates the budget over the skills and the discovered sub-skills).

    ## Action Space
    ``Box(0, 1, (1 + K + S,), float32)``: index 0 is the explore flag, then a weight per node
    (the ``K`` skills, then the ``S`` sub-skills). Flag ``>= 0.5`` explores: every skill with a
    positive weight opens its next undiscovered sub-skill and the budget is split over the newly
    opened ones by those weights (over the skills when nothing is left to open). Flag ``< 0.5``
    exploits: the budget is split over the nodes by the weights, ignoring undiscovered
    sub-skills (evenly over the skills when no weight is left); weights outside ``[0, 1]`` or a
    wrong shape raise :class:`~edusim.envs.core.InvalidActionError`. A skill node's examples mix
    its sub-skills as the generator draws them.

    ## Observation Space
    ``Box(0, 1, (2 (K + S) + S,), float32)``:

    | index                   | observation                                           |
    |-------------------------|-------------------------------------------------------|
    | ``0 .. K+S-1``          | held-out accuracy per node (0: undiscovered)          |
    | ``K+S .. 2(K+S)-1``     | share of the examples so far asked for at each node   |
    | ``2(K+S) .. 2(K+S)+S-1``| 1 where the sub-skill is discovered                   |

    ``env.unwrapped.describe(obs)`` gives the tree as indented text.

    ## Rewards
    The change of overall held-out accuracy over the round.

    ## Starting State
    A freshly initialised student; no data; no sub-skill discovered.

    ## Episode End
    Never by itself; the registry's ``max_episode_steps`` (rounds) truncates.

    ## Info
    As the skill-list env.

    ## Arguments
    The fields of :class:`~edusim.envs.datagen_core.DataGenConfig`.

    ## Version History
    * v0: Initial version.
    """

    core = DataGenTreeBatch


class DataGenSkillTreeVectorEnv(BatchVectorEnv):
    """``num_envs`` skill-tree envs as one batch of students (see :class:`DataGenSkillTreeEnv`)."""

    core = DataGenTreeBatch
