"""The tutoring core on torch tensors: ``make_vec("edusim/Tutor-v0", ..., device="cuda")``.

:class:`TorchTutorBatch` is :class:`~edusim.envs.tutor_batch.TutorBatch` with every array a
tensor on ``config.device`` and the learner model's torch form
(``model.on_torch(device)``), so a million learners step on a GPU without leaving it: the
vector env then returns tensors (observations, rewards, flags, info) on that device and takes
actions as tensors or arrays. The arithmetic is the numpy core's (float64 where it computes
in float64, float32 where it stores float32), and the random streams are bit-identical
(:mod:`edusim.torch_streams`), so on the CPU a torch env reproduces the numpy env's
trajectories up to float rounding.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import torch

from edusim.envs.core import InvalidActionError
from edusim.envs.tutor_batch import TutorBatch, TutorConfig
from edusim.torch_streams import TorchLearnerStreams

__all__ = ["TorchTutorBatch"]


class TorchTutorBatch(TutorBatch):
    """N tutored learners as torch tensors on ``config.device``."""

    def __init__(self, config: TutorConfig, n: int) -> None:
        super().__init__(config, n)
        on_torch = getattr(self.model, "on_torch", None)
        if on_torch is None:
            raise ValueError(f"learner model {type(self.model).__name__} has no torch form")
        self.device = torch.device(config.device)
        self.model = on_torch(self.device)
        for name in ("history", "cursor", "recent_correct", "recent_count", "attempts",
                     "steps", "score", "correct", "_features"):
            setattr(self, name, self._t(getattr(self, name)))
        self.skill_slots_t = self._t(self.skill_slots.astype(np.int64))
        self.test_items_t = self._t(self.test_items.astype(np.int64))
        self.test_weights_t = self._t(self.test_weights.astype(np.float64))
        self.streams = TorchLearnerStreams(np.zeros(n, dtype=np.uint64), self.device)
        self._rows = torch.arange(n, device=self.device)

    def _t(self, array: Any) -> torch.Tensor:
        return torch.as_tensor(np.ascontiguousarray(array), device=self.device)

    def _mask(self, mask: Any) -> torch.Tensor:
        return torch.as_tensor(mask, dtype=torch.bool, device=self.device)

    def reset(self, mask: Any, keys: np.ndarray | None) -> None:
        mask = self._mask(mask)
        if keys is None:
            keys_t = self.streams.next_keys(mask)
        else:
            keys_t = self._t(np.asarray(keys, dtype=np.uint64).view(np.int64))
        self.streams.rekey(mask, keys_t)
        sub = TorchLearnerStreams(self.streams.keys[mask], self.device)
        fresh = self.model.init_state(int(mask.sum()), sub)
        self.streams.counters[mask] = sub.counters
        if self.state is None:
            if not bool(mask.all()):
                raise RuntimeError("the first reset must start every learner")
            self.state = fresh
        else:
            for field in dataclasses.fields(self.state):
                getattr(self.state, field.name)[mask] = getattr(fresh, field.name)
        self.history[mask] = -1
        for array in (self.cursor, self.recent_correct, self.recent_count, self.attempts,
                      self.steps, self.correct, self._features):
            array[mask] = 0
        self.score = torch.where(mask, self.post_test(), self.score)
        self.started = True

    def check_actions(self, actions: Any) -> torch.Tensor:
        actions = torch.as_tensor(actions, device=self.device)
        if actions.shape != (self.n,) or actions.dtype.is_floating_point or actions.dtype == (
            torch.bool
        ):
            raise InvalidActionError(f"expected {self.n} integer item indices, got {actions!r}")
        bad = (actions < 0) | (actions >= self.n_actions)
        if bool(bad.any()):
            raise InvalidActionError(
                f"action {int(actions[bad][0])} is not an item index in [0, {self.n_actions})"
            )
        return actions.to(torch.int64)

    def _record(self, actions: torch.Tensor, correct: torch.Tensor) -> None:
        """:meth:`TutorBatch._record` with masks instead of row selections (no device sync),
        on flat views (one index per learner and skill gathers faster than two)."""
        cfg, k = self.config, self.n_skills
        w = cfg.window
        slots = self.skill_slots_t[actions]
        answer = correct.to(torch.int64)
        history, cursor = self.history.view(-1), self.cursor.view(-1)
        recent_correct, recent_count = self.recent_correct.view(-1), self.recent_count.view(-1)
        attempts, features = self.attempts.view(-1), self._features.view(-1)
        width = self._features.shape[1]
        for s in range(slots.shape[1]):
            has = slots[:, s] >= 0
            skill = slots[:, s].clamp(min=0)
            cell = self._rows * k + skill  # (learner, skill) in the (n, K) arrays
            slot = cursor[cell]
            at = cell * w + slot  # (learner, skill, slot) in the history
            old = history[at].to(torch.int64)
            hits = recent_correct[cell] + has * (answer - (old == 1).to(torch.int64))
            count = recent_count[cell] + has * (1 - (old >= 0).to(torch.int64))
            tries = attempts[cell] + has.to(torch.int64)
            recent_correct[cell], recent_count[cell], attempts[cell] = hits, count, tries
            history[at] = torch.where(has, answer, old).to(torch.int8)
            cursor[cell] = torch.where(has, (slot + 1) % w, slot)
            rate = (hits.to(torch.float64) / count.clamp(min=1).to(torch.float64)).float()
            tried = (tries.clamp(max=cfg.attempts_cap).to(torch.float64) / cfg.attempts_cap)
            row_start = self._rows * width
            features[row_start + skill] = torch.where(has, rate, features[row_start + skill])
            features[row_start + k + skill] = torch.where(
                has, tried.float(), features[row_start + k + skill]
            )
        self.steps += 1
        elapsed = self.steps.clamp(max=cfg.time_scale).to(torch.float64) / cfg.time_scale
        self._features[:, 2 * k] = elapsed.float()

    def post_test(self) -> torch.Tensor:
        return self.model.expected_score(self.state, self.test_items_t, self.test_weights_t)

    def observation(self) -> torch.Tensor:
        if self.config.observe_mastery:
            return torch.cat([self._features, self.mastery().float()], dim=1)
        return self._features.clone()

    def info(self) -> dict[str, Any]:
        mastery = self.mastery()
        return {
            "post_test": self.score,
            "mastery": mastery.sum(dim=1) / self.n_skills,
            "mastery_per_skill": mastery,
            "correct": self.correct,
        }
