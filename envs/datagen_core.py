"""The DataEnvGym loop shared by the three DataGen environments, for ``n`` students at once.

Each row is one torch student (:mod:`edusim.students`) learning the arithmetic domain
(:mod:`edusim.tasks`); the ``n`` rows of a vector env are ``n`` students of one batch, trained
in one call. A round (one ``step``): the teacher's action becomes examples for each row (a
subclass turns it into a :class:`~edusim.tasks.Plan`; the engine writes it and the quality
check keeps what parses and is right), each example gets the *known* flag (the student already
answers it), the student trains (protocol ``reinit``, DataEnvGym's: from its initial weights on
all data collected so far; ``continual``: on to the new data), and is evaluated on the fixed
held-out set. The reward is the change of held-out accuracy.

Every row draws from its own generator, seeded from its stream key (``reset(seed=s)`` gives
row ``i`` the seed ``s + i``), and its student from the same key, so a vector env equals
``n`` single envs up to float rounding of the batched training (exactly equal on CPU in the
tests).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import torch

from edusim.envs.core import BatchCore
from edusim.llm import backend_from_env
from edusim.students import make_students
from edusim.tasks import (
    SKILLS,
    ArithmeticDomain,
    Engine,
    Examples,
    LLMEngine,
    Plan,
    ProgrammaticEngine,
    mark_known,
)
from edusim.tasks.quality import REASONS

__all__ = ["DataGenBatch", "DataGenConfig", "DataGenText"]

_ENGINES = ("programmatic", "llm")


@dataclass(frozen=True)
class DataGenConfig:
    """Settings of every DataGen environment (the one place their defaults live).

    Attributes:
        skills: Skills of the arithmetic domain taught (:data:`edusim.tasks.SKILLS`).
        digits: Digit range of the held-out problems and of plans that do not set one.
        eval_per_subskill: Held-out problems per sub-skill.
        budget: Examples per round (the open env's most).
        engine: ``"programmatic"`` (offline default) or ``"llm"`` (:mod:`edusim.llm`, from
            the environment variables; offline rule-based unless a model is configured).
        student_kind: Student family (:data:`edusim.students.STUDENTS`).
        student: Student settings (:class:`edusim.students.StudentConfig` fields, e.g.
            ``{"steps": 200, "d_model": 64, "protocol": "reinit"}``); ``steps`` is the
            training steps per round.
        device: Torch device of the students (``"cpu"``, ``"cuda"``, ``"auto"``).
    """

    skills: tuple[str, ...] = tuple(SKILLS)
    digits: tuple[int, int] = (1, 2)
    eval_per_subskill: int = 32
    budget: int = 128
    engine: str = "programmatic"
    student_kind: str = "transformer"
    student: Mapping[str, Any] = field(default_factory=dict)
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.engine not in _ENGINES:
            raise ValueError(f"engine must be one of {_ENGINES}, got {self.engine!r}")
        if self.budget < 1:
            raise ValueError(f"budget must be >= 1, got {self.budget}")
        object.__setattr__(self, "student", dict(self.student))

    def domain(self) -> ArithmeticDomain:
        """The task domain these settings describe."""
        return ArithmeticDomain(skills=tuple(self.skills), digits=tuple(self.digits),
                                eval_per_subskill=self.eval_per_subskill)


def _seed_of(key: np.uint64 | int) -> int:
    return int(key) & (2**63 - 1)


class DataGenBatch(BatchCore):
    """``n`` students, their collected data and their held-out results.

    Subclasses set the spaces in ``__init__`` (after ``super().__init__``) and implement
    :meth:`row_plan` (one row's action as a plan), :meth:`observation` and :meth:`text`.
    """

    config_class: ClassVar[type] = DataGenConfig
    #: Why candidates are dropped (keys of ``info["rejected_by"]``).
    reject_reasons: ClassVar[tuple[str, ...]] = REASONS

    def __init__(self, config: DataGenConfig, n: int) -> None:
        self.config, self.n = config, n
        self.domain = config.domain()
        self.held_out = self.domain.eval_set()
        fmt = self.domain.format
        self._student_settings = dict(
            vocab_size=fmt.vocab_size, prompt_len=fmt.prompt_len, answer_len=fmt.answer_len,
            pad_id=fmt.pad_id, eos_id=fmt.eos_id, device=config.device, **config.student)
        make_students(config.student_kind, seeds=[0], **self._student_settings)  # validate
        self.steps = np.zeros(n, dtype=np.int64)
        self.started = False
        self.rngs = [np.random.default_rng(i) for i in range(n)]
        self.engines: list[Engine] = [ProgrammaticEngine() for _ in range(n)]
        n_sub, n_skill = len(self.domain.subskills), len(self.domain.skills)
        self.history: list[list[Examples]] = [[] for _ in range(n)]
        self.counts = np.zeros((n, n_sub), dtype=np.int64)  # kept examples per sub-skill
        self.accuracy = np.zeros(n)
        self.skill_acc = np.zeros((n, n_skill))
        self.sub_acc = np.zeros((n, n_sub))
        self.right = np.zeros((n, len(self.held_out)), dtype=bool)
        self.predicted = np.zeros((n, *self.held_out.answers.shape), dtype=np.int64)
        self.added = np.zeros(n, dtype=np.int64)
        self.rejected = np.zeros(n, dtype=np.int64)
        self.rejected_by = {r: np.zeros(n, dtype=np.int64) for r in self.reject_reasons}
        self.known = np.zeros(n, dtype=np.int64)
        self.students = None

    # ---- hooks -----------------------------------------------------------------------------
    @abstractmethod
    def row_plan(self, i: int, action: Any) -> Plan:
        """Row ``i``'s action as a plan; an invalid action raises ``InvalidActionError``."""

    @abstractmethod
    def text(self, obs: Any) -> str:
        """One row's observation as text, for LLM policies."""

    def row_actions(self, actions: Any) -> list[Any]:
        """The batch of actions split into one action per row."""
        if isinstance(actions, dict):
            return [{k: np.asarray(v)[i] for k, v in actions.items()} for i in range(self.n)]
        return list(np.asarray(actions))

    def generate(self, i: int, action: Any) -> tuple[Examples, dict[str, int]]:
        """Row ``i``'s examples for ``action`` and the candidates dropped per reason."""
        out = self.engines[i].generate(self.row_plan(i, action), self.domain, self.rngs[i])
        return out.examples, out.rejected

    # ---- the core protocol -----------------------------------------------------------------
    def reset(self, mask: np.ndarray, keys: np.ndarray | None) -> None:
        rows = np.flatnonzero(mask)
        if keys is None:
            seeds = [int(self.rngs[i].integers(2**63)) for i in rows]
        else:
            keys = np.asarray(keys)
            seeds = [_seed_of(keys[i] if len(keys) == self.n else keys[j])
                     for j, i in enumerate(rows)]
        for j, i in enumerate(rows):
            self.rngs[i] = np.random.default_rng(seeds[j])
            self.engines[i] = self._engine(seeds[j])
            self.history[i] = []
        fresh = make_students(self.config.student_kind, seeds=seeds, **self._student_settings)
        if self.students is None or len(rows) == self.n:
            self.students = fresh
        else:
            self.students.restore(fresh, members=rows.tolist(),
                                  source_members=list(range(len(rows))), generators=True)
        self.counts[rows] = 0
        self.steps[rows] = 0
        for arr in (self.added, self.rejected, self.known, *self.rejected_by.values()):
            arr[rows] = 0
        self._evaluate(rows)
        self.started = True

    def _engine(self, seed: int) -> Engine:
        if self.config.engine == "programmatic":
            return ProgrammaticEngine()
        return LLMEngine(backend_from_env(seed))

    def step(self, actions: Any, resetting: np.ndarray | None = None) -> np.ndarray:
        active = np.ones(self.n, bool) if resetting is None else ~np.asarray(resetting)
        per_row = self.row_actions(actions)
        plans = {i: per_row[i] for i in np.flatnonzero(active)}
        new: dict[int, Examples] = {}
        for i, action in plans.items():
            examples, rejected = self.generate(i, action)
            new[i] = examples
            self.added[i], self.rejected[i] = len(examples), sum(rejected.values())
            for reason, count in rejected.items():
                self.rejected_by[reason][i] = count
        new = self._mark_known(new)
        for i, examples in new.items():
            self.history[i].append(examples)
            self.known[i] = int(examples.known.sum())
            np.add.at(self.counts[i], examples.subskill, 1)
        before = self.accuracy.copy()
        self._train(new)
        rows = np.flatnonzero(active)
        self._evaluate(rows)
        self.steps[rows] += 1
        return np.where(active, self.accuracy - before, 0.0)

    def _mark_known(self, new: dict[int, Examples]) -> dict[int, Examples]:
        """Set each row's *known* flags with one batched decode of all rows' new examples."""
        sizes = [len(new.get(i, ())) for i in range(self.n)]
        width = max(sizes)
        if width == 0:
            return new
        lp = self.domain.format.prompt_len
        prompts = np.zeros((self.n, width, lp), dtype=np.int64)
        for i, ex in new.items():
            if len(ex):
                prompts[i] = np.resize(ex.prompts, (width, lp))
        predicted = self.students.predict(torch.from_numpy(prompts)).cpu().numpy()
        return {i: mark_known(ex, predicted[i, : len(ex)], self.domain.format.eos_id)
                for i, ex in new.items()}

    def _train(self, new: dict[int, Examples]) -> None:
        """One training round of every row with data (all its data, or the new, by protocol)."""
        reinit = self.students.config.protocol.value == "reinit"
        fmt = self.domain.format
        data = [Examples.concat(self.history[i] if reinit else [new[i]] if i in new else [],
                                fmt.prompt_len, fmt.answer_len) for i in range(self.n)]
        rows = [i for i in range(self.n) if i in new and len(data[i])]
        if not rows:
            return
        students = self.students if len(rows) == self.n else self.students.take(rows)
        if reinit:
            students.reinit()
        students.fit([torch.from_numpy(data[i].prompts) for i in rows],
                     [torch.from_numpy(data[i].answers) for i in rows])
        if students is not self.students:
            self.students.restore(students, members=rows,
                                  source_members=list(range(len(rows))), generators=True)

    def _evaluate(self, rows: np.ndarray) -> None:
        predicted = self.students.predict(torch.from_numpy(self.held_out.prompts)).cpu().numpy()
        right = self.domain.score(predicted, self.held_out)
        self.predicted[rows], self.right[rows] = predicted[rows], right[rows]
        self.accuracy[rows] = right[rows].mean(1)
        self.skill_acc[rows] = self.domain.skill_accuracy(right[rows], self.held_out)
        self.sub_acc[rows] = self.domain.subskill_accuracy(right[rows], self.held_out)

    def info(self) -> dict[str, Any]:
        return {
            "accuracy": self.accuracy.copy(),
            "skill_accuracy": {s: self.skill_acc[:, k].copy()
                               for k, s in enumerate(self.domain.skills)},
            "subskill_accuracy": {s: self.sub_acc[:, k].copy()
                                  for k, s in enumerate(self.domain.subskills)},
            "examples": self.added.copy(),
            "rejected": self.rejected.copy(),
            "rejected_by": {r: v.copy() for r, v in self.rejected_by.items()},
            "known": self.known.copy(),
            "examples_total": self.counts.sum(1),
        }

    # ---- what teachers read (one row's observation in, one row's action out) ----------------
    #: Names of the arms a teacher allocates over (skills, sub-skills or tree nodes).
    arms: list[str]

    @abstractmethod
    def weakness(self, obs: Any) -> np.ndarray:
        """``(n_arms,)`` in ``[0, 1]``: how much each arm still needs (1 - accuracy, or the
        share of sampled errors); ``nan`` where the teacher cannot act (undiscovered)."""

    @abstractmethod
    def action_for(self, weights: np.ndarray, explore: bool = False) -> np.ndarray:
        """The action that spends the budget by ``weights`` over the arms (or, where the env
        can, explores the arms with positive weight)."""

    def explorable(self, obs: Any) -> np.ndarray:
        """``(n_arms,)`` bool: arms an explore action would open something under."""
        return np.zeros(len(self.arms), dtype=bool)

    @staticmethod
    def _unit(weights: np.ndarray) -> np.ndarray:
        w = np.clip(np.nan_to_num(np.asarray(weights, np.float64)), 0.0, None)
        return (w / w.max() if w.max() > 0 else np.ones_like(w)).astype(np.float32)

    # ---- shared helpers --------------------------------------------------------------------
    def spread(self, weights: np.ndarray, total: int) -> np.ndarray:
        """``total`` examples split in proportion to ``weights`` (largest remainders; all
        zero weights split evenly)."""
        weights = np.asarray(weights, np.float64)
        if weights.sum() <= 0:
            weights = np.ones_like(weights)
        share = weights / weights.sum() * total
        counts = np.floor(share).astype(np.int64)
        counts[np.argsort(counts - share, kind="stable")[: total - counts.sum()]] += 1
        return counts

    def data_share(self, groups: np.ndarray, n_groups: int) -> np.ndarray:
        """``(n, n_groups)`` share of each row's examples per group of sub-skills."""
        per = np.zeros((self.n, n_groups))
        np.add.at(per.T, groups, self.counts.T)
        total = per.sum(1, keepdims=True)
        return np.divide(per, total, out=np.zeros_like(per), where=total > 0)


class DataGenText:
    """Mixin of the DataGen single envs: ``render_mode="ansi"`` renders the observation as
    the text an LLM policy reads (:meth:`DataGenBatch.text`), and :meth:`describe` gives the
    text of any observation."""

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 1}
    _batch: DataGenBatch
    render_mode: str | None

    def describe(self, obs: Any) -> str:
        """The text of observation ``obs`` of this env."""
        return self._batch.text(obs)

    def render(self) -> str | None:
        """The current observation as text (``render_mode="ansi"``), else ``None``."""
        if self.render_mode != "ansi":
            return None
        return self._batch.text(self._get_obs())  # type: ignore[attr-defined]

    @property
    def datagen(self) -> DataGenBatch:
        """The batch core of one row (teachers read its arms, domain and budget)."""
        return self._batch
