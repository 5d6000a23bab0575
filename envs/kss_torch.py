"""The KSS core on torch tensors: ``make_vec("edusim/KSS-v0", ..., device="cuda")``.

:class:`TorchKSSBatch` steps every row's learning, test and exam on ``config.device`` (the
growth rule is one matrix row per learner, as in :mod:`edusim.learners.kss`). Drawing learners
from the pools stays the numpy core's (it runs at episode starts only, with its random
streams): at a reset the drawn rows are copied to the device, and in ``mutate`` mode the
learners going back to their pool are copied back first. Same dynamics as the numpy env up
to the last bit of ``exp`` in the growth rule.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from edusim.envs.core import InvalidActionError
from edusim.envs.kss_batch import KSSBatch, KSSConfig, LearnerMode
from edusim.learners.kss import KSSState

__all__ = ["TorchKSSBatch"]

_FIELDS = ("ability", "target", "last_learned", "last_result")


class TorchKSSBatch(KSSBatch):
    """N KSS teaching episodes whose steps run on torch tensors."""

    def __init__(self, config: KSSConfig, n: int) -> None:
        super().__init__(config, n)
        self.device = torch.device(config.device)
        m = self.model
        self.allowed = self._t(m.allowed)
        self.spill = self._t(m.spill)
        self.pass_ability = self._t(m.pass_ability)
        self.pred_index = self._t(m._pred_index)
        self.pred_weight = self._t(m._pred_weight)
        self._rows = torch.arange(n, device=self.device)
        self.tstate: KSSState | None = None

    def _t(self, array: Any) -> torch.Tensor:
        return torch.as_tensor(np.ascontiguousarray(array), device=self.device)

    def _pull(self) -> None:
        """Copy the device state back into the numpy state (before the pools see it)."""
        for name in _FIELDS:
            getattr(self.state, name)[...] = getattr(self.tstate, name).cpu().numpy()
        self.exam = self.t_exam.cpu().numpy()

    def reset(self, mask: Any, keys: np.ndarray | None) -> None:
        mask = np.asarray(mask.cpu() if hasattr(mask, "cpu") else mask, dtype=bool)
        if self.tstate is not None and self.config.learner_mode is LearnerMode.MUTATE:
            self._pull()
        # the numpy core's bookkeeping runs on numpy scratch arrays; the env reads the tensors
        self.steps = np.zeros(self.n, dtype=np.int64)
        self.learned, self.correct = np.zeros(self.n, bool), np.zeros(self.n, bool)
        super().reset(mask, keys)
        fresh = {name: self._t(getattr(self.state, name)) for name in _FIELDS}
        if self.tstate is None:
            self.tstate = KSSState(**fresh)
            self.t_steps = torch.zeros(self.n, dtype=torch.int64, device=self.device)
            self.t_learned = torch.zeros(self.n, dtype=torch.bool, device=self.device)
            self.t_correct = torch.zeros_like(self.t_learned)
            self.t_exam = self._t(self.exam)
            self.t_initial = self._t(self.initial_exam)
        rows = self._t(mask)
        for name in _FIELDS:
            getattr(self.tstate, name)[rows] = fresh[name][rows]
        for array in (self.t_steps, self.t_learned, self.t_correct):
            array[rows] = 0
        self.t_exam[rows] = self._t(self.exam)[rows]
        self.t_initial[rows] = self._t(self.initial_exam)[rows]
        self.t_target_size = self.tstate.target.sum(dim=1).to(torch.float64)
        self.steps = self.t_steps

    def step(self, actions: Any, resetting: Any = None) -> torch.Tensor:
        items = torch.as_tensor(actions, device=self.device)
        if items.shape != (self.n,) or items.dtype.is_floating_point or items.dtype == torch.bool:
            raise InvalidActionError(f"expected {self.n} integer knowledge-point indices")
        if bool(((items < 0) | (items >= self.k)).any()):
            raise InvalidActionError(f"an action is not a knowledge point in [0, {self.k})")
        items = items.to(torch.int64)
        active = None if resetting is None else ~torch.as_tensor(resetting, device=self.device)
        s, rows, ceiling = self.tstate, self._rows, self.model.params.ceiling
        ok = self.allowed[s.last_learned, items]  # row -1 (nothing learned yet): all allowed
        if active is not None:
            ok &= active
        gap = ceiling - s.ability
        pre_gap = (gap[rows[:, None], self.pred_index[items]] * self.pred_weight[items]).sum(1)
        inc = torch.where(ok, gap[rows, items] * (1 / torch.exp(pre_gap)) * 0.5, 0.0)
        s.ability = torch.clamp(s.ability + inc[:, None] * self.spill[items], max=ceiling)
        s.last_learned = torch.where(ok, items, s.last_learned)
        correct = s.ability[rows, items] >= self.pass_ability[items]
        tested = torch.ones_like(ok) if active is None else active
        s.last_result[rows, items] = torch.where(tested, correct.to(torch.int8),
                                                 s.last_result[rows, items])
        self.t_learned, self.t_correct = ok, correct & tested
        before, self.t_exam = self.t_exam, self._exam()
        self.t_steps += tested.to(torch.int64)
        return (self.t_exam - before).to(torch.float64) / self.t_target_size

    def _exam(self) -> torch.Tensor:
        return ((self.tstate.ability >= self.pass_ability) & self.tstate.target).sum(dim=1)

    def _mastery(self) -> torch.Tensor:
        p = self.model.params
        z = -1.7 * p.discrimination * (self.tstate.ability - self._t(self.model.difficulty))
        return p.guess + (1 - p.guess) / (1 + torch.exp(z))

    def observation(self) -> torch.Tensor:
        s, k = self.tstate, self.k
        obs = torch.zeros(self.n, self.obs_size, dtype=torch.float32, device=self.device)
        obs[:, :k] = s.target.float()
        obs[:, k : 2 * k] = (s.last_result >= 0).float()
        obs[:, 2 * k : 3 * k] = (s.last_result == 1).float()
        learned = s.last_learned >= 0
        obs[self._rows[learned], 3 * k + s.last_learned[learned]] = 1.0
        if self.config.observe_mastery:
            obs[:, 4 * k :] = self._mastery().float()
        return obs

    def info(self) -> dict[str, Any]:
        return {
            "exam": self.t_exam,
            "initial_exam": self.t_initial,
            "target_size": self.t_target_size.to(torch.int64),
            "learning_gain": (self.t_exam - self.t_initial).to(torch.float64) / self.t_target_size,
            "pool_index": self._t(self.pool_index),
            "learned": self.t_learned,
            "correct": self.t_correct,
        }
