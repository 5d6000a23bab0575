"""``edusim/SelfCurriculum-v0``: a teacher proposes problem sets that unlock a stuck student."""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces

from edusim.envs.core import BatchCore, BatchEnv, InvalidActionError
from edusim.selfcurriculum import PARAMETERS, SelfCurriculumConfig, SelfCurriculumRuns

__all__ = ["SelfCurriculumBatch", "SelfCurriculumEnv", "SelfCurriculumView", "describe", "view_of"]


class SelfCurriculumView:
    """The observation layout of ``SelfCurriculum-v0``, for teachers that read it.

    Example:
        >>> view = SelfCurriculumView(proposals=2)
        >>> obs = np.zeros(view.size, np.float32); obs[0] = 0.25; obs[3:5] = [0.1, -0.2]
        >>> view.q_r_success(obs), view.last_rewards(obs).round(2).tolist()
        (0.25, [0.1, -0.2])
    """

    def __init__(self, proposals: int) -> None:
        self.proposals = proposals
        self.size = 3 + proposals * (1 + len(PARAMETERS))

    def q_r_success(self, obs: np.ndarray) -> float:
        """The baseline student's success on the hard problems ``Q_R``."""
        return float(obs[0])

    def promotion_rate(self, obs: np.ndarray) -> float:
        """Promotions per step so far."""
        return float(obs[1])

    def time(self, obs: np.ndarray) -> float:
        """Steps so far over ``time_scale`` (capped at 1)."""
        return float(obs[2])

    def last_rewards(self, obs: np.ndarray) -> np.ndarray:
        """``(g,)`` rewards of the last step's proposals (0 before the first step)."""
        return np.asarray(obs[3:3 + self.proposals], dtype=np.float64)

    def last_proposals(self, obs: np.ndarray) -> np.ndarray:
        """``(g, P)`` the last step's proposals."""
        return np.asarray(obs[3 + self.proposals:], dtype=np.float64).reshape(
            self.proposals, len(PARAMETERS))


class SelfCurriculumBatch(BatchCore):
    """``n`` self-curriculum runs (:class:`~edusim.selfcurriculum.SelfCurriculumRuns`)."""

    config_class = SelfCurriculumConfig
    outcome_keys = ("proposal_rewards", "promoted")

    def __init__(self, config: SelfCurriculumConfig, n: int) -> None:
        self.config, self.n = config, n
        self.runs = SelfCurriculumRuns(config, n)
        self.view = SelfCurriculumView(config.proposals)
        self.started = False
        g, p = config.proposals, len(PARAMETERS)
        self.single_action_space = spaces.Box(0.0, 1.0, (g, p), np.float32)
        self.single_observation_space = spaces.Box(-1.0, 1.0, (self.view.size,), np.float32)

    @property
    def steps(self) -> np.ndarray:
        return self.runs.steps

    def reset(self, mask: np.ndarray, keys: np.ndarray | None) -> None:
        rows = np.flatnonzero(mask) if self.started else np.arange(self.n)
        self.runs.reset(rows, keys)
        self.started = True

    def step(self, actions: Any, resetting: np.ndarray | None = None) -> np.ndarray:
        actions = np.asarray(actions, dtype=np.float64)
        shape = (self.n, *self.single_action_space.shape)
        if actions.shape != shape or not np.isfinite(actions).all() or (
                (actions < 0) | (actions > 1)).any():
            raise InvalidActionError(
                f"expected {self.config.proposals} proposals of {len(PARAMETERS)} numbers in "
                f"[0, 1] ({', '.join(PARAMETERS)}), got {actions.tolist()!r}")
        rows = np.arange(self.n) if resetting is None else np.flatnonzero(~resetting)
        return self.runs.step(actions, rows)

    def observation(self) -> np.ndarray:
        runs = self.runs
        obs = np.concatenate([
            runs.q_r_success[:, None],
            (runs.promotions / np.maximum(runs.steps, 1))[:, None],
            np.minimum(runs.steps / self.config.time_scale, 1.0)[:, None],
            np.clip(runs.proposal_rewards, -1.0, 1.0),
            runs.last_actions.reshape(self.n, -1),
        ], axis=1)
        return obs.astype(np.float32)

    def info(self) -> dict[str, Any]:
        runs = self.runs
        return {
            "hard_success": runs.hard_success,
            "initial_hard_success": runs.initial_hard_success,
            "q_r_success": runs.q_r_success,
            "promotions": runs.promotions,
            "examples": runs.examples,
            "rejected": runs.rejected,
            "proposal_rewards": runs.proposal_rewards.copy(),
            "promoted": runs.promoted,
        }


class SelfCurriculumEnv(BatchEnv):
    """SOAR's self-curriculum: propose problem sets that unlock problems a student never solves.

    ## Description
    A small torch student is pretrained on short additions; the hard problems are longer
    additions it never solves (each failed ``fail_n`` times out of ``fail_n`` when sampled),
    split into ``Q_R`` and a held-out test half. RL from binary rewards on the hard problems
    themselves gets no signal: every sample fails. Each step the teacher proposes ``g``
    problem sets (generator parameters); ``r`` copies of the current baseline student learn
    from each by RL against the teacher's reference answers (``g x r`` trainings in one
    batched call), and the teacher is rewarded with their improvement on ``Q_R``. When the
    moving average of the reward passes ``tau``, the best student becomes the new baseline
    (promotion). See :mod:`edusim.selfcurriculum.run` for the exact loop.

    ## Action Space
    ``Box(0, 1, (g, 5), float32)``: per proposal ``digits_low, digits_high, depth, carry,
    use_hard`` (:class:`~edusim.selfcurriculum.ProposalSpace` maps them to the generator;
    ``use_hard >= 0.5`` reuses the hard training problems, as the Hard-Only baseline does).
    Anything else raises :class:`~edusim.envs.core.InvalidActionError`.

    ## Observation Space
    ``Box(-1, 1, (3 + 6g,), float32)``, read with :class:`SelfCurriculumView`:

    | index               | observation                                          |
    |---------------------|------------------------------------------------------|
    | ``0``               | the baseline student's success on ``Q_R``            |
    | ``1``               | promotions per step so far                           |
    | ``2``               | steps so far / ``time_scale`` (capped at 1)          |
    | ``3 .. 3+g-1``      | reward of each of the last step's proposals          |
    | ``3+g ..``          | the last step's proposals, ``g x 5`` numbers         |

    ## Rewards
    The mean reward of the step's ``g`` proposals. Grounded (default): mean success on
    ``Q_R`` of a proposal's ``r`` students minus the baseline's. ``reward="intrinsic"``
    (Intrinsic-T): the baseline's learnability of the proposal's problems.

    ## Starting State
    A freshly pretrained student and its hard split, drawn from the reset seed.
    ``info["initial_hard_success"]`` is its measured success on the hard test half (near 0).

    ## Episode End
    Never terminates; the registry's ``max_episode_steps`` (20) truncates the run.

    ## Arguments
    The fields of :class:`~edusim.selfcurriculum.SelfCurriculumConfig`, by name.

    ``info``: ``hard_success`` and ``initial_hard_success`` (sampled success on the hard test
    half), ``q_r_success``, ``promotions``, ``examples`` and ``rejected`` (ill-formed
    problems made) per step, and after a step ``proposal_rewards`` and ``promoted``.

    ## Version History
    * v0: Initial version.
    """

    core = SelfCurriculumBatch
    metadata = {"render_modes": ["ansi"], "render_fps": 1}

    def render(self) -> str | None:
        """The run in words (``render_mode="ansi"``): what language-model teachers read."""
        if self.render_mode != "ansi":
            return None
        return describe(self._batch, 0)


def describe(batch: SelfCurriculumBatch, row: int) -> str:
    """Row ``row`` of a self-curriculum core in plain words."""
    runs, view = batch.runs, batch.view
    lines = [
        f"step {int(runs.steps[row])}: the student solves {runs.q_r_success[row]:.0%} of the "
        f"hard practice problems and {runs.hard_success[row]:.0%} of the hard test problems "
        f"(started at {runs.initial_hard_success[row]:.0%}); "
        f"{int(runs.promotions[row])} promotion(s) so far.",
    ]
    if runs.steps[row]:
        lines.append("last proposals and their rewards:")
        for j in range(view.proposals):
            lines.append(f"  {runs.space.describe(runs.last_actions[row, j])}: "
                         f"{runs.proposal_rewards[row, j]:+.3f}")
    return "\n".join(lines)


def view_of(env: Any) -> tuple[SelfCurriculumView, Any]:
    """The observation view and the proposal space of a ``SelfCurriculum-v0`` env (or raise
    ``TypeError``): what teachers of this env read."""
    batch = getattr(env.unwrapped, "_batch", None)
    if not isinstance(batch, SelfCurriculumBatch):
        raise TypeError(f"needs edusim/SelfCurriculum-v0, got {env.unwrapped!r}")
    return batch.view, batch.runs.space
