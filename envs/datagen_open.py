"""``edusim/DataGenOpen-v0``: the teacher reads the student's errors and writes a free plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from gymnasium import spaces

from edusim.envs.core import BatchEnv, BatchVectorEnv, InvalidActionError
from edusim.envs.datagen_core import DataGenBatch, DataGenConfig, DataGenText
from edusim.tasks import MAX_DIGITS, Examples, Plan, parse
from edusim.tasks.quality import REASONS

__all__ = ["DataGenOpenBatch", "DataGenOpenConfig", "DataGenOpenEnv", "DataGenOpenVectorEnv"]


@dataclass(frozen=True)
class DataGenOpenConfig(DataGenConfig):
    """:class:`~edusim.envs.datagen_core.DataGenConfig` plus the size of the error sample.

    Attributes:
        n_errors: Held-out problems the student got wrong shown per observation.
    """

    n_errors: int = 16

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.n_errors < 1:
            raise ValueError(f"n_errors must be >= 1, got {self.n_errors}")


class DataGenOpenBatch(DataGenBatch):
    """Rows of the open env: observations are error samples, actions free plans."""

    config_class = DataGenOpenConfig
    reject_reasons = (*REASONS, "infeasible")

    def __init__(self, config: DataGenOpenConfig, n: int) -> None:
        super().__init__(config, n)
        fmt, n_sub = self.domain.format, len(self.domain.subskills)
        self.width = fmt.prompt_len + 2 * fmt.answer_len
        self.single_action_space = spaces.Box(0.0, 1.0, (n_sub + 3,), np.float32)
        self.single_observation_space = spaces.Box(
            0, fmt.vocab_size - 1, (config.n_errors, self.width), np.int64)
        self._sample = np.zeros((n, config.n_errors, self.width), np.int64)
        self.arms = list(self.domain.subskills)

    def plan_action(self, mix: np.ndarray, digits: tuple[int, int], n: int) -> np.ndarray:
        """The action for sub-skill weights ``mix``, a digit range and a number of examples.

        Example:
            >>> core = DataGenOpenBatch(DataGenOpenConfig(student={"d_model": 8,
            ...     "n_heads": 2, "n_layers": 1}, eval_per_subskill=1), n=1)
            >>> core.plan_action(np.eye(12)[1], (1, 9), 64)[-4:].tolist()
            [0.0, 0.0, 1.0, 0.5]
        """
        ends = (np.asarray(digits, np.float64) - 1) / (MAX_DIGITS - 1)
        return np.r_[np.asarray(mix, np.float64), ends, n / self.config.budget
                     ].astype(np.float32)

    def row_plan(self, i: int, action: Any) -> Plan:
        a = np.asarray(action, np.float64).ravel()
        n_sub = len(self.domain.subskills)
        if a.shape != (n_sub + 3,) or not np.isfinite(a).all() or (a < 0).any() or \
                (a > 1).any():
            raise InvalidActionError(f"the open action is {n_sub + 3} numbers in [0, 1] "
                                     f"({n_sub} sub-skill weights, the two ends of the digit "
                                     f"range, the share of the budget), got {action!r}")
        ends = 1 + np.rint(a[n_sub: n_sub + 2] * (MAX_DIGITS - 1)).astype(int)
        digits = (int(ends.min()), int(ends.max()))
        n = max(1, int(np.rint(a[-1] * self.config.budget)))
        counts = self.spread(a[:n_sub], n)
        return Plan(tuple(self.domain.spec(name, int(c), digits=digits)
                          for name, c in zip(self.domain.subskills, counts, strict=True) if c))

    def generate(self, i: int, action: Any) -> tuple[Examples, dict[str, int]]:
        # A free plan may ask for what cannot exist (borrowing with one-digit numbers): those
        # specs are dropped and counted as rejected, the rest is generated.
        plan, parts = self.row_plan(i, action), []
        rejected = dict.fromkeys(self.reject_reasons, 0)
        for spec in plan.specs:
            try:
                out = self.engines[i].generate(Plan((spec,)), self.domain, self.rngs[i])
            except ValueError:
                rejected["infeasible"] += spec.n
                continue
            parts.append(out.examples)
            for reason, count in out.rejected.items():
                rejected[reason] += count
        fmt = self.domain.format
        return Examples.concat(parts, fmt.prompt_len, fmt.answer_len), rejected

    def _evaluate(self, rows: np.ndarray) -> None:
        super()._evaluate(rows)
        for i in rows:  # a fresh sample of errors, from the row's own generator
            wrong = np.flatnonzero(~self.right[i])
            pick = self.rngs[i].permutation(wrong)[: self.config.n_errors]
            self._sample[i] = 0
            self._sample[i, : len(pick)] = np.concatenate(
                [self.held_out.prompts[pick], self.predicted[i, pick],
                 self.held_out.answers[pick]], axis=1)

    def observation(self) -> np.ndarray:
        return self._sample.copy()

    def errors(self, obs: Any) -> list[tuple[str, str, str]]:
        """``(prompt, student answer, correct answer)`` texts of one row's observation."""
        fmt, lp, la = self.domain.format, self.domain.format.prompt_len, \
            self.domain.format.answer_len
        rows = [r for r in np.asarray(obs) if r[:lp].any()]
        return [(fmt.decode_prompt(r[:lp]), fmt.decode_answer(r[lp: lp + la]),
                 fmt.decode_answer(r[lp + la:])) for r in rows]

    def error_subskills(self, obs: Any) -> np.ndarray:
        """Count of sampled errors per sub-skill (labels from the solver, as a reader would)."""
        counts = np.zeros(len(self.domain.subskills))
        for prompt, _, _ in self.errors(obs):
            counts[self.domain.subskill_index(parse(prompt).subskill)] += 1
        return counts

    def weakness(self, obs: Any) -> np.ndarray:
        return self.error_subskills(obs) / self.config.n_errors

    def action_for(self, weights: np.ndarray, explore: bool = False) -> np.ndarray:
        return self.plan_action(self._unit(weights), self.domain.digits, self.config.budget)

    def text(self, obs: Any) -> str:
        errors = self.errors(obs)
        if not errors:
            return "The student answered every held-out problem correctly."
        return (f"A sample of {len(errors)} held-out problems the student got wrong "
                "(problem | student's answer | correct answer):\n"
                + "\n".join(f"- {p} | {s or '(nothing)'} | {c}" for p, s, c in errors))


class DataGenOpenEnv(DataGenText, BatchEnv):
    """A teacher reads a sample of the student's errors and writes a free generation plan.

    ## Description
    DataEnvGym's open-ended setting at CPU scale: the same student, domain, engines, quality
    check and training round as :class:`~edusim.envs.datagen_list.DataGenSkillListEnv`, but
    the teacher sees no skill structure: only problems the student gets wrong, and it writes a
    plan with free parameters.

    ## Action Space
    ``Box(0, 1, (S + 3,), float32)``: ``0 .. S-1`` weights over the ``S`` sub-skills (operation
    mix, carries and borrows included; all zeros: even), ``S, S+1`` the two ends of the digit
    range of the numbers, in either order (``0`` is 1 digit, ``1`` is 9 digits), ``S+2`` the
    number of examples as a share of ``budget`` (at least one);
    ``env.unwrapped.datagen.plan_action(mix, digits, n)`` builds one. A malformed action raises
    :class:`~edusim.envs.core.InvalidActionError`; sub-skills that cannot exist in the digit
    range (borrowing with one-digit numbers) count as rejected.

    ## Observation Space
    ``Box(0, vocab - 1, (n_errors, Lp + 2 La), int64)``: up to ``n_errors`` held-out problems
    the student got wrong, drawn afresh each round, each row the prompt tokens, the student's
    answer tokens and the correct answer tokens (format of :mod:`edusim.tasks.vocab`); rows of
    zeros when there are fewer errors. ``env.unwrapped.describe(obs)`` decodes it as text.

    ## Rewards
    The change of overall held-out accuracy over the round.

    ## Starting State
    A freshly initialised student; no data.

    ## Episode End
    Never by itself; the registry's ``max_episode_steps`` (rounds) truncates.

    ## Info
    As the skill-list env; ``rejected_by`` also counts ``infeasible``.

    ## Arguments
    The fields of :class:`DataGenOpenConfig` (those of the skill-list env's config without
    ``skill_labels``, plus ``n_errors``).

    ## Version History
    * v0: Initial version.
    """

    core = DataGenOpenBatch


class DataGenOpenVectorEnv(BatchVectorEnv):
    """``num_envs`` open envs as one batch of students (see :class:`DataGenOpenEnv`)."""

    core = DataGenOpenBatch
