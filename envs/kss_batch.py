"""The batched KSS simulation behind ``edusim/KSS-v0`` and its vector form.

:class:`KSSBatch` holds N rows, each a teaching episode with one KSS learner drawn from that
row's pool of learners, what a teacher observes of it, and its exam score. The single env is a
batch of one and the vector env a batch of N, so both share every line of dynamics.

The pool: the original builds 4000 warmed-up learners once and draws one per episode
(discarding any that already pass their whole target). Here pool learner ``j`` is generated
from its own random stream, keyed by ``(pool key, j)``: with a ``pool_seed`` the pool is one
population shared by every row, whose learners are generated (batched) the first time they are
drawn and kept; without one, each row's pool comes from its reset seed and a learner is
generated at every draw. In ``mutate`` mode (the
original's behaviour) a learner's state after an episode is written back to the row's own
copy of its pool slot, where its next episode starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np
from gymnasium import spaces

from edusim.envs.core import BatchCore, InvalidActionError
from edusim.learners.base import scatter_state, select_state
from edusim.learners.kss import KSS_DIFFICULTY, KSSLearner, KSSParams, KSSState, kss_curriculum
from edusim.streams import LearnerStreams, mix64

__all__ = ["InvalidActionError", "KSSBatch", "KSSConfig", "LearnerMode", "PoolExhaustedError"]

_POOL_SALT = np.uint64(0x6B5353504F4F4C31)  # separates pool keys from episode-stream keys
_MAX_DRAWS = 1000
_BLOCK = 256  # pool learners generated together when one of them is first drawn
_UNBOUNDED = 2**53  # pool_size=None: each draw is a fresh learner in practice


class PoolExhaustedError(RuntimeError):
    """No learner left in the pool who still has something to learn on their target."""


class LearnerMode(str, Enum):
    """What an episode does to the pool learner it draws."""

    COPY = "copy"  #: the episode works on a copy; the pool stays as generated
    MUTATE = "mutate"  #: the original: gains stay with the pool learner for later episodes


@dataclass(frozen=True)
class KSSConfig:
    """Knobs shared by the single and vector KSS environments.

    Attributes:
        pool_size: Learners per pool (the original's ``learner_num``); ``None``: every episode
            draws a fresh learner from the population.
        learner_mode: ``"copy"`` (default) or ``"mutate"`` (the original; needs a pool size).
        pool_seed: Seed of the pool's learners: one fixed population, like the original's
            (which its ``seed=10`` fixes); the seed given to ``reset`` picks the learners
            drawn from it. ``None`` derives each row's pool from the seed given to ``reset``
            instead (learners are then generated at every draw, slower).
        difficulty: Exercise difficulty per point (default: the original's, seed 10).
        params: Population and dynamics (:class:`~edusim.learners.kss.KSSParams`).
        observe_mastery: Append the hidden IRT pass probability per point to observations.
        device: ``None`` (numpy), or a torch device: the steps run on tensors there
            (:mod:`edusim.envs.kss_torch`) and a vector env returns tensors.
    """

    pool_size: int | None = 4000
    learner_mode: LearnerMode | str = LearnerMode.COPY
    pool_seed: int | None = 0
    difficulty: tuple[float, ...] = KSS_DIFFICULTY
    params: KSSParams | None = None
    observe_mastery: bool = False
    device: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "learner_mode", LearnerMode(self.learner_mode))
        object.__setattr__(self, "difficulty", tuple(float(d) for d in self.difficulty))
        if self.pool_size is not None and self.pool_size < 1:
            raise ValueError(f"pool_size must be >= 1 or None, got {self.pool_size}")
        if self.learner_mode is LearnerMode.MUTATE and self.pool_size is None:
            raise ValueError("learner_mode='mutate' needs a finite pool_size")


class KSSBatch(BatchCore):
    """N KSS teaching episodes; every array has the row (episode) as leading axis."""

    config_class = KSSConfig
    outcome_keys = ("learned", "correct")

    @classmethod
    def build(cls, config: KSSConfig, n: int) -> KSSBatch:
        """The numpy core, or the torch one when ``config.device`` names a device."""
        if config.device is None:
            return cls(config, n)
        from edusim.envs.kss_torch import TorchKSSBatch

        return TorchKSSBatch(config, n)

    def __init__(self, config: KSSConfig, n: int) -> None:
        self.config = config
        self.model = KSSLearner(kss_curriculum(config.difficulty), config.params)
        self.n, self.k = n, self.model.n_skills
        self.obs_size = (5 if config.observe_mastery else 4) * self.k
        self.single_action_space = spaces.Discrete(self.k)
        self.single_observation_space = spaces.Box(0.0, 1.0, (self.obs_size,), np.float32)
        self.started = False
        self.streams = LearnerStreams(np.zeros(n, dtype=np.uint64))
        self.pool_keys = np.zeros(n, dtype=np.uint64)
        self.pool_index = np.zeros(n, dtype=np.int64)
        self.state: KSSState | None = None
        self.initial_exam = np.zeros(n, dtype=np.int64)
        self.exam = np.zeros(n, dtype=np.int64)
        self.target_size = np.ones(n, dtype=np.int64)
        self.steps = np.zeros(n, dtype=np.int64)
        self.learned = np.zeros(n, dtype=bool)
        self.correct = np.zeros(n, dtype=bool)
        # mutate mode: the pool's learners (n, pool_size, ...), which slots hold a saved
        # learner, and which are known to pass their whole target (allocated on first use)
        self._saved: KSSState | None = None
        self._touched: np.ndarray | None = None
        self._spent: np.ndarray | None = None
        if config.learner_mode is LearnerMode.MUTATE:
            self._allocate_pool()
        # a seeded finite pool is one population shared by every row; its learners are
        # generated the first time they are drawn (batched) and kept
        self._shared: KSSState | None = None
        self._generated = np.zeros(0, dtype=bool)
        if config.pool_seed is not None:
            self.pool_keys[:] = mix64(np.full(n, config.pool_seed, dtype=np.uint64))
            if config.pool_size is not None:
                self._shared = _zeros((config.pool_size,), self.k)
                self._generated = np.zeros(config.pool_size, dtype=bool)

    # -- lifecycle -----------------------------------------------------------------------
    def reset(self, mask: np.ndarray, keys: np.ndarray | None) -> None:
        """Start new episodes where ``mask`` is true; ``keys`` (one per row) reseed them.

        Without keys the rows go on with their streams and pools (an unseeded reset).
        """
        mutate = self.config.learner_mode is LearnerMode.MUTATE
        if keys is not None:
            keys = np.asarray(keys, dtype=np.uint64)
            self.streams.rekey(mask, keys)
            if self.config.pool_seed is None:
                self.pool_keys[mask] = mix64(keys ^ _POOL_SALT)
            if mutate and self._touched is not None:
                self._touched[mask] = False
                self._spent[mask] = False
        elif mutate and self.state is not None:
            self._save(mask)
        self.state = self._draw_learners(mask)
        self.target_size = self.state.target.sum(axis=1)
        exam = self.model.exam(self.state)
        self.initial_exam = np.where(mask, exam, self.initial_exam)
        self.exam = np.where(mask, exam, self.exam)
        for array in (self.steps, self.learned, self.correct):
            array[mask] = 0
        self.started = True

    def _draw_learners(self, mask: np.ndarray) -> KSSState:
        """A learner per masked row, uniform over the row's pool learners with a gap left."""
        size = self.config.pool_size or _UNBOUNDED
        state = self.state
        pending = mask.copy()
        for _ in range(_MAX_DRAWS):
            rows = np.flatnonzero(pending)
            j = np.floor(_uniform(self.streams, rows) * size).astype(np.int64)
            candidates = self._pool_learners(rows, j)
            valid = self.model.exam(candidates) < candidates.target.sum(axis=1)
            if self._spent is not None:
                self._spent[rows[~valid], j[~valid]] = True
                if self._spent[rows].all(axis=1).any():
                    break
            chosen = np.zeros(self.n, dtype=bool)
            chosen[rows[valid]] = True
            self.pool_index[rows] = np.where(valid, j, self.pool_index[rows])
            state = _scatter(state, rows[valid], candidates, valid, self.n)
            pending &= ~chosen
            if not pending.any():
                return state
        raise PoolExhaustedError(
            "found no pool learner who still fails part of their target "
            f"(pool_size={self.config.pool_size}, mode={self.config.learner_mode.value})"
        )

    def _pool_learners(self, rows: np.ndarray, j: np.ndarray) -> KSSState:
        """Pool learner ``j[i]`` of row ``rows[i]``: generated, or as saved (mutate mode)."""
        if self._shared is not None:
            blocks = np.unique(j[~self._generated[j]] // _BLOCK)
            if len(blocks):
                # generate whole blocks: batched warm-ups cost far less per learner
                missing = (blocks[:, None] * _BLOCK + np.arange(_BLOCK)).ravel()
                missing = missing[missing < self.config.pool_size]
                missing = missing[~self._generated[missing]]
                fresh = self._generate(np.repeat(self.pool_keys[:1], len(missing)), missing)
                for name, values in vars(fresh).items():
                    getattr(self._shared, name)[missing] = values
                self._generated[missing] = True
            state = select_state(self._shared, j)
        else:
            state = self._generate(self.pool_keys[rows], j)
        if self._touched is None:
            return state
        seen = self._touched[rows, j]
        saved = _take(self._saved, rows[seen], j[seen])
        return scatter_state(state, seen, saved)

    def _generate(self, pool_keys: np.ndarray, j: np.ndarray) -> KSSState:
        """Learner ``j`` of the pool keyed ``pool_key``: from its own random stream."""
        keys = mix64(pool_keys + mix64(j.astype(np.uint64)))  # uint64 wraps mod 2**64
        return self.model.init_state(len(j), LearnerStreams(keys))

    def _allocate_pool(self) -> None:
        # np.zeros maps pages lazily: memory is committed only for slots that get written
        shape = (self.n, self.config.pool_size)
        self._saved = _zeros(shape, self.k)
        self._touched = np.zeros(shape, dtype=bool)
        self._spent = np.zeros(shape, dtype=bool)

    def _save(self, mask: np.ndarray) -> None:
        """Mutate mode: write the masked rows' learners back into their pool slots."""
        rows = np.flatnonzero(mask)
        j = self.pool_index[rows]
        for name in ("ability", "target", "last_learned", "last_result"):
            getattr(self._saved, name)[rows, j] = getattr(self.state, name)[rows]
        self._touched[rows, j] = True

    def check_actions(self, actions: np.ndarray) -> np.ndarray:
        actions = np.asarray(actions)
        if actions.shape != (self.n,) or actions.dtype.kind not in "iu":
            raise InvalidActionError(
                f"expected {self.n} integer knowledge-point indices, got {actions!r} "
                f"(dtype {actions.dtype})"
            )
        bad = (actions < 0) | (actions >= self.k)
        if bad.any():
            raise InvalidActionError(
                f"action {int(actions[bad][0])} is not a knowledge point in [0, {self.k})"
            )
        return actions.astype(np.int64)

    def step(self, actions: np.ndarray, resetting: np.ndarray | None = None) -> np.ndarray:
        """Each row not ``resetting`` learns and is tested on its point; returns the reward
        per row.

        The reward is the change of the binary exam on the target over the target size, so an
        episode's rewards sum to the original's episode reward.
        """
        actions = self.check_actions(actions)
        active = None if resetting is None else ~resetting
        self.state, correct, self.learned = self.model.step(self.state, actions, active)
        self.correct = correct if active is None else active & correct
        before, self.exam = self.exam, self.model.exam(self.state)
        self.steps += 1 if active is None else active
        return (self.exam - before) / self.target_size

    # -- what can be measured -------------------------------------------------------------
    def learning_gain(self) -> np.ndarray:
        """The original's episode reward so far: exam gain on the target over its size."""
        return (self.exam - self.initial_exam) / self.target_size

    def observation(self) -> np.ndarray:
        """Target, tested and passed points, one-hot of the point learned last (+ mastery)."""
        s, k = self.state, self.k
        obs = np.zeros((self.n, self.obs_size), dtype=np.float32)
        obs[:, :k] = s.target
        obs[:, k : 2 * k] = s.last_result >= 0
        obs[:, 2 * k : 3 * k] = s.last_result == 1
        learned = np.flatnonzero(s.last_learned >= 0)
        obs[learned, 3 * k + s.last_learned[learned]] = 1.0
        if self.config.observe_mastery:
            obs[:, 4 * k :] = self.model.mastery(s)
        return obs

    def info(self) -> dict[str, Any]:
        """``exam`` and ``initial_exam`` (binary scores on the target), ``target_size``,
        ``learning_gain``, ``pool_index``, and whether the last step's point could be
        ``learned`` and was answered ``correct``."""
        return {
            "exam": self.exam,
            "initial_exam": self.initial_exam,
            "target_size": self.target_size,
            "learning_gain": self.learning_gain(),
            "pool_index": self.pool_index,
            "learned": self.learned,
            "correct": self.correct,
        }


def _uniform(streams: LearnerStreams, rows: np.ndarray) -> np.ndarray:
    """One uniform per selected row, advancing only those rows' streams."""
    sub = LearnerStreams(streams.keys[rows])
    sub.counters = streams.counters[rows].copy()
    u = sub.random((len(rows),))
    streams.counters[rows] = sub.counters
    return u


def _zeros(shape: tuple[int, ...], k: int) -> KSSState:
    """An all-zero state of leading shape ``shape`` (np.zeros commits memory lazily)."""
    return KSSState(
        ability=np.zeros(shape + (k,)),
        target=np.zeros(shape + (k,), dtype=bool),
        last_learned=np.zeros(shape, dtype=np.int64),
        last_result=np.zeros(shape + (k,), dtype=np.int8),
    )


def _take(state: KSSState, rows: np.ndarray, j: np.ndarray) -> KSSState:
    return KSSState(
        ability=state.ability[rows, j],
        target=state.target[rows, j],
        last_learned=state.last_learned[rows, j],
        last_result=state.last_result[rows, j],
    )


def _scatter(
    state: KSSState | None, rows: np.ndarray, src: KSSState, valid: np.ndarray, n: int
) -> KSSState:
    """``state`` (zeros if ``None``) with rows ``rows`` set to the ``valid`` part of ``src``."""
    if state is None:
        state = _zeros((n,), src.ability.shape[1])
    return scatter_state(state, rows, select_state(src, valid))
