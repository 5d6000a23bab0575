"""The batched tutoring simulation behind ``edusim/Tutor-v0`` and its vector form.

:class:`TutorBatch` (a :class:`~edusim.envs.core.BatchCore`) holds N learners of one learner
model over one curriculum, what a teacher can observe of them, and their post-test scores.
The single environment is a batch of one and the vector environment a batch of N, so the two
share every line of dynamics. Where each feature sits in the observation is
:class:`~edusim.envs.tutor_obs.TutorObs`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from gymnasium import spaces

from edusim.curriculum import Curriculum, load_builtin
from edusim.envs.core import BatchCore, InvalidActionError
from edusim.envs.tutor_obs import TutorObs
from edusim.learners import LearnerModel, kind, make, scatter_state, spread_field
from edusim.one_learner import BATCHED, fast_path
from edusim.streams import LearnerStreams

__all__ = ["TutorConfig", "TutorBatch", "InvalidActionError", "resolve_curriculum"]


def resolve_curriculum(curriculum: str | Curriculum) -> Curriculum:
    """A :class:`Curriculum` from itself, a built-in name, or a JSON file path."""
    if isinstance(curriculum, Curriculum):
        return curriculum
    if str(curriculum).endswith(".json"):
        return Curriculum.load(curriculum)
    return load_builtin(str(curriculum))


@dataclass(frozen=True)
class TutorConfig:
    """Knobs shared by the single and vector tutoring environments.

    Attributes:
        curriculum: A :class:`Curriculum`, a built-in name or a JSON path; ``None`` (the
            default): the learner model's own curriculum when its kind declares one
            (``own_curriculum``: KSS's knowledge structure, a fitted model's tokens), else
            the built-in ``"fractions"``.
        learner: Registered learner-model name (``edusim.learners.names()``) or a model.
        learner_params: Parameters for the learner model (e.g. ``{"p_learn": 0.3}``).
        heterogeneity: Population spread: the learner model's own spread parameter
            (``edusim.learners.spread_field``); ``None`` keeps the model's own value.
        window: Number of recent responses per skill the success rate is computed over.
        attempts_cap: Attempts per skill at which the attempts feature saturates at 1.
        time_scale: Steps at which the elapsed-time feature saturates at 1.
        observe_mastery: Append the hidden mastery per skill to the observation.
        device: ``None`` (numpy), or a torch device (``"cpu"``, ``"cuda"``): the learners
            and every array live there as tensors (:mod:`edusim.envs.tutor_torch`), and a
            vector env returns tensors on it.
    """

    curriculum: str | Curriculum | None = None
    learner: str | LearnerModel = "bkt"
    learner_params: dict | None = None
    heterogeneity: float | None = None
    window: int = 5
    attempts_cap: int = 20
    time_scale: int = 200
    observe_mastery: bool = False
    device: str | None = None

    def __post_init__(self) -> None:
        if self.window < 1 or self.attempts_cap < 1 or self.time_scale < 1:
            raise ValueError("window, attempts_cap and time_scale must be >= 1")
        if self.heterogeneity is not None and not (
            math.isfinite(self.heterogeneity) and self.heterogeneity >= 0
        ):
            raise ValueError(
                f"heterogeneity must be a finite number >= 0 or None, got {self.heterogeneity}"
            )

    def build(self) -> tuple[Curriculum, LearnerModel]:
        """The curriculum and learner model these settings describe."""
        if isinstance(self.learner, LearnerModel):
            own = getattr(self.learner, "curriculum", None)
            return resolve_curriculum(self.curriculum or own or "fractions"), self.learner
        params = dict(self.learner_params or {})
        if self.heterogeneity is not None:
            params[spread_field(self.learner)] = self.heterogeneity
        if self.curriculum is None and kind(self.learner).own_curriculum:
            model = make(self.learner, None, **params)
            return model.curriculum, model
        curriculum = resolve_curriculum(self.curriculum or "fractions")
        return curriculum, make(self.learner, curriculum, **params)


class TutorBatch(BatchCore):
    """N simulated learners being tutored; every array has the learner as leading axis."""

    config_class = TutorConfig
    outcome_keys = ("correct",)

    @classmethod
    def build(cls, config: TutorConfig, n: int) -> TutorBatch:
        """The numpy core, or the torch one when ``config.device`` names a device."""
        if config.device is None:
            return cls(config, n)
        from edusim.envs.tutor_torch import TorchTutorBatch

        return TorchTutorBatch(config, n)

    def __init__(self, config: TutorConfig, n: int) -> None:
        self.config = config
        self.curriculum, self.model = config.build()
        self.n = n
        self.n_skills = self.curriculum.n_skills
        self.n_actions = self.curriculum.n_items
        self.q_matrix = self.curriculum.q_matrix
        self.skill_slots = self.curriculum.items.skill_slots(self.curriculum.graph)
        self._item_skills = [tuple(int(s) for s in row if s >= 0) for row in self.skill_slots]
        self.test_items = self.curriculum.test_item_indices()
        self.test_weights = self.curriculum.test_weights()
        self.layout = TutorObs(self.n_skills, config.attempts_cap, config.observe_mastery)
        self.obs_size = self.layout.size
        self.single_action_space = spaces.Discrete(self.n_actions)
        self.single_observation_space = spaces.Box(0.0, 1.0, (self.obs_size,), np.float32)
        self.streams = LearnerStreams(np.zeros(n, dtype=np.uint64))
        self.started = False
        self.state = None
        k, w = self.n_skills, config.window
        self.history = np.full((n, k, w), -1, dtype=np.int8)  # -1 empty, else 0/1
        self.cursor = np.zeros((n, k), dtype=np.int64)
        self.recent_correct = np.zeros((n, k), dtype=np.int64)
        self.recent_count = np.zeros((n, k), dtype=np.int64)
        self.attempts = np.zeros((n, k), dtype=np.int64)
        self.steps = np.zeros(n, dtype=np.int64)
        self.score = np.zeros(n)
        self.correct = np.zeros(n, dtype=bool)
        self._features = np.zeros((n, self.layout.time + 1), dtype=np.float32)  # kept current

    # -- lifecycle -----------------------------------------------------------------------
    def reset(self, mask: np.ndarray, keys: np.ndarray | None) -> None:
        """Start new learners where ``mask`` is true, drawn with ``keys`` (``None``: the
        successors of their current keys)."""
        self.streams.rekey(mask, self.streams.next_keys(mask) if keys is None else keys)
        # Only the restarted learners draw: the others' streams must not advance.
        streams = LearnerStreams(self.streams.keys[mask])
        fresh = self.model.init_state(int(mask.sum()), streams)
        self.streams.counters[mask] = streams.counters
        if self.state is None:
            if not mask.all():
                raise RuntimeError("the first reset must start every learner")
            self.state = fresh
        else:
            self.state = scatter_state(self.state, mask, fresh)
        self.history[mask] = -1
        for array in (self.cursor, self.recent_correct, self.recent_count, self.attempts):
            array[mask] = 0
        self.steps[mask] = 0
        self.correct[mask] = False
        self._features[mask] = 0.0
        self.score = np.where(mask, self.post_test(), self.score)
        self.started = True

    def check_actions(self, actions: np.ndarray) -> np.ndarray:
        actions = np.asarray(actions)
        if actions.shape != (self.n,) or actions.dtype.kind not in "iu":
            raise InvalidActionError(
                f"expected {self.n} integer item indices, got {actions!r} (dtype {actions.dtype})"
            )
        if self.n == 1:  # the single env: one Python comparison instead of two reductions
            out_of_range = not 0 <= actions[0] < self.n_actions
        else:
            out_of_range = actions.min() < 0 or actions.max() >= self.n_actions
        if out_of_range:
            bad = (actions < 0) | (actions >= self.n_actions)
            raise InvalidActionError(
                f"action {int(actions[bad][0])} is not an item index in [0, {self.n_actions})"
            )
        return actions.astype(np.int64, copy=False)

    def step(self, actions: np.ndarray, resetting: np.ndarray | None = None) -> np.ndarray:
        """Each learner answers and practises its item; returns the post-test gains.

        Rows about to reset are stepped too (on their placeholder item): they restart from
        new keys, so nothing they drew here matters.
        """
        actions = self.check_actions(actions)
        correct = self.model.respond(self.state, actions, self.streams)
        self.state = self.model.update(self.state, actions, correct, self.streams)
        self._record(actions, correct)
        self.correct = correct
        before = self.score
        self.score = self.post_test()
        return self.score - before

    def _record_one(self, actions: np.ndarray, correct: np.ndarray) -> object:
        """:meth:`_record` for a batch of one (the single env), on Python scalars: the same
        integer updates and float64 divisions, without numpy's per-call cost on tiny arrays."""
        if self.n != 1:
            return BATCHED
        item, answer = int(actions[0]), bool(correct[0])
        cfg, k = self.config, self.n_skills
        history, cursor, features = self.history[0], self.cursor[0], self._features[0]
        recent_correct, recent_count, attempts = (
            self.recent_correct[0], self.recent_count[0], self.attempts[0]
        )
        for skill in self._item_skills[item]:
            slot = int(cursor[skill])
            old = int(history[skill, slot])
            recent_correct[skill] += int(answer) - (old == 1)
            recent_count[skill] += 1 - (old >= 0)
            history[skill, slot] = answer
            cursor[skill] = (slot + 1) % cfg.window
            attempts[skill] += 1
            features[skill] = int(recent_correct[skill]) / int(recent_count[skill])
            tries = min(int(attempts[skill]), cfg.attempts_cap) / cfg.attempts_cap
            features[k + skill] = tries
        self.steps[0] += 1
        features[2 * k] = min(int(self.steps[0]), cfg.time_scale) / cfg.time_scale

    @fast_path(_record_one)
    def _record(self, actions: np.ndarray, correct: np.ndarray) -> None:
        """Update what the teacher observes: recent success rates, attempts, elapsed time."""
        cfg, k = self.config, self.n_skills
        slots = self.skill_slots[actions]
        learners = np.arange(self.n)
        for s in range(slots.shape[1]):  # one pass per skill slot (1-3), never per learner
            has = slots[:, s] >= 0
            if not has.any():
                continue
            rows, skills = learners[has], slots[has, s]
            answer = correct[rows]
            slot = self.cursor[rows, skills]
            old = self.history[rows, skills, slot]
            self.recent_correct[rows, skills] += answer.astype(np.int64) - (old == 1)
            self.recent_count[rows, skills] += 1 - (old >= 0)
            self.history[rows, skills, slot] = answer
            self.cursor[rows, skills] = (slot + 1) % cfg.window
            self.attempts[rows, skills] += 1
            recent = self.recent_correct[rows, skills] / self.recent_count[rows, skills]
            self._features[rows, skills] = recent
            tries = np.minimum(self.attempts[rows, skills], cfg.attempts_cap) / cfg.attempts_cap
            self._features[rows, k + skills] = tries
        self.steps += 1
        self._features[:, 2 * k] = np.minimum(self.steps, cfg.time_scale) / cfg.time_scale

    # -- what can be measured -------------------------------------------------------------
    def post_test(self) -> np.ndarray:
        """Expected post-test score in ``[0, 1]`` (every skill weighs the same)."""
        return self.model.expected_score(self.state, self.test_items, self.test_weights)

    def mastery(self) -> np.ndarray:
        """Hidden mastery per skill, ``(n, K)``."""
        return self.model.mastery(self.state)

    def observation(self) -> np.ndarray:
        """Observable summary: recent success rate and attempts per skill, elapsed time."""
        if self.config.observe_mastery:
            mastery = self.mastery().astype(np.float32)
            return np.concatenate([self._features, mastery], axis=1)
        return self._features.copy()

    def info(self) -> dict[str, Any]:
        """``post_test`` (expected score), ``mastery`` (mean hidden mastery), the answer just
        given (``correct``) and ``mastery_per_skill``, per learner."""
        mastery = self.mastery()
        return {
            "post_test": self.score,
            "mastery": np.add.reduce(mastery, axis=1) / self.n_skills,  # mean, minus overhead
            "mastery_per_skill": mastery,
            "correct": self.correct,
        }
