"""The SOAR loop for ``n`` independent runs: pretrain, select hard problems, propose, promote.

SOAR (Sundaram et al. 2026, "Teaching Models to Teach Themselves: Reasoning at the Edge of
Learnability") asks whether a teacher can write problems that unlock hard problems a student
never solves. One run here, at a scale for two CPU cores:

1. **Pretrain** a torch student on short additions (``pretrain_digits``).
2. **fail@N**: draw candidate hard additions (``hard_digits``), sample ``fail_n`` answers to
   each from the student, keep those it never solves; split them into ``Q_R`` (training half)
   and a held-out test half. "Stuck at zero" is measured, not assumed.
3. **Outer step** (one teacher action): the teacher proposes ``g`` datasets (generator
   parameters, :mod:`~edusim.selfcurriculum.proposals`); ``r`` copies of the baseline student
   train on each by RL from binary rewards against the teacher's reference answers (RLOO,
   ``inner_steps`` steps of ``inner_batch`` problems): ``g x r`` trainings in ONE batched
   call. A dataset's reward is the mean success on ``Q_R`` of its ``r`` students minus the
   baseline's (grounded), or the baseline's learnability on it (intrinsic).
4. **Promotion**: when the moving average of the teacher's reward over ``window`` steps passes
   ``tau``, the best student of the best dataset becomes the new baseline and that dataset
   joins ``D_best``.

Every draw comes from the run's key: problems from a numpy generator, student sampling from
torch generators seeded from it, so the same key gives the same run on the CPU.
"""

from __future__ import annotations

import numpy as np
import torch

from edusim.selfcurriculum.config import RewardKind, SelfCurriculumConfig
from edusim.selfcurriculum.proposals import ProposalSpace
from edusim.students import BatchedStudents, make_students
from edusim.tasks import ArithmeticDomain, Spec, generate
from edusim.tasks.vocab import TaskFormat

__all__ = ["HardSetError", "SelfCurriculumRuns", "success_counts"]


class HardSetError(RuntimeError):
    """The pretrained student solves too many candidates to fill the hard split."""


def success_counts(students: BatchedStudents, prompts: torch.Tensor, answers: torch.Tensor,
                   n_samples: int) -> torch.Tensor:
    """``[K, N]`` how many of ``n_samples`` sampled answers (temperature 1) are right."""
    samples, _ = students.sample(prompts, n_samples, 1.0)
    refs = answers.to(samples.device)
    if refs.dim() == 2:
        refs = refs.unsqueeze(0)
    return samples.eq(refs.unsqueeze(2)).all(-1).sum(-1).cpu()


class SelfCurriculumRuns:
    """``n`` self-curriculum runs stepped together (their students share batched calls).

    Args:
        config: The run's settings.
        n: Number of runs (rows).
    """

    def __init__(self, config: SelfCurriculumConfig, n: int) -> None:
        self.config, self.n = config, n
        self.space = ProposalSpace(config.max_digits, config.max_depth)
        digits = max(config.max_digits, config.hard_digits[1], config.pretrain_digits[1])
        depth = config.max_depth
        self.format = TaskFormat(prompt_len=(digits + 1) * (depth + 1),
                                 answer_len=digits + 3)
        self.domain = ArithmeticDomain(skills=("add",), digits=config.pretrain_digits,
                                       format=self.format)
        self._settings = dict(
            vocab_size=self.format.vocab_size, prompt_len=self.format.prompt_len,
            answer_len=self.format.answer_len, pad_id=self.format.pad_id,
            eos_id=self.format.eos_id, d_model=config.d_model, n_layers=config.n_layers,
            rl_steps=config.inner_steps, rl_batch=config.inner_batch,
            rl_samples=config.inner_samples, device=config.device,
        )
        self.baseline: BatchedStudents = make_students(config.student, range(n),
                                                       **self._settings)
        g, q = config.proposals, config.hard_size
        lp, la = self.format.prompt_len, self.format.answer_len
        self.rngs = [np.random.default_rng(k) for k in range(n)]
        self.q_r = torch.zeros(n, q, lp, dtype=torch.long)
        self.q_r_answers = torch.zeros(n, q, la, dtype=torch.long)
        self.hard_test = torch.zeros(n, q, lp, dtype=torch.long)
        self.hard_test_answers = torch.zeros(n, q, la, dtype=torch.long)
        self.steps = np.zeros(n, dtype=np.int64)
        self.promotions = np.zeros(n, dtype=np.int64)
        self.promoted = np.zeros(n, dtype=bool)
        self.q_r_success = np.zeros(n)
        self.hard_success = np.zeros(n)
        self.initial_hard_success = np.zeros(n)
        self.proposal_rewards = np.zeros((n, g))
        self.last_actions = np.zeros((n, g, self.space.size))
        self.examples = np.zeros(n, dtype=np.int64)
        self.rejected = np.zeros(n, dtype=np.int64)
        self.history: list[list[float]] = [[] for _ in range(n)]
        self.d_best: list[list[tuple[torch.Tensor, torch.Tensor]]] = [[] for _ in range(n)]

    # ---- seeding ----------------------------------------------------------------------------
    def _seeds(self, rows: np.ndarray, per_row: int) -> list[int]:
        """Fresh torch seeds, ``per_row`` for each row, drawn from the rows' generators."""
        return [int(s) for i in rows.tolist()
                for s in self.rngs[i].integers(0, 2**62, size=per_row)]

    def _students(self, rows: np.ndarray, copies: int) -> BatchedStudents:
        """``copies`` copies of each row's baseline, reseeded from the rows' generators."""
        students = self.baseline.take(np.repeat(rows, copies).tolist())
        students.reseed(self._seeds(rows, copies))
        return students

    def _success(self, rows: np.ndarray, prompts: torch.Tensor, answers: torch.Tensor
                 ) -> np.ndarray:
        """Mean sampled success of each row's baseline on its own problems ``[m, N, Lp]``."""
        counts = success_counts(self._students(rows, 1), prompts, answers,
                                self.config.eval_samples)
        return (counts.double() / self.config.eval_samples).mean(-1).numpy()

    # ---- reset ------------------------------------------------------------------------------
    def reset(self, rows: np.ndarray, keys: np.ndarray | None) -> None:
        """Start new runs in ``rows``: pretrain, select the hard split, measure the start."""
        if keys is not None:
            for i, key in zip(rows.tolist(), np.asarray(keys).tolist(), strict=True):
                self.rngs[i] = np.random.default_rng(int(key))
        self._pretrain(rows)
        for i in rows.tolist():
            self._select_hard(i)
        self.q_r_success[rows] = self._success(rows, self.q_r[rows], self.q_r_answers[rows])
        hard = self._success(rows, self.hard_test[rows], self.hard_test_answers[rows])
        self.hard_success[rows] = self.initial_hard_success[rows] = hard
        self.steps[rows] = 0
        self.promotions[rows] = 0
        self.promoted[rows] = False
        self.proposal_rewards[rows] = 0.0
        self.last_actions[rows] = 0.0
        self.examples[rows] = 0
        self.rejected[rows] = 0
        for i in rows.tolist():
            self.history[i] = []
            self.d_best[i] = []

    def _pretrain(self, rows: np.ndarray) -> None:
        cfg = self.config
        fresh = make_students(cfg.student, self._seeds(rows, 1), **self._settings)
        data = [self.encode(Spec("add", cfg.pretrain_examples, digits=cfg.pretrain_digits),
                             self.rngs[i]) for i in rows.tolist()]
        fresh.fit(torch.stack([d[0] for d in data]), torch.stack([d[1] for d in data]),
                  steps=cfg.pretrain_steps)
        fresh.set_base()
        self.baseline.restore(fresh, members=rows.tolist(), source_members=range(len(rows)))

    def encode(self, spec: Spec, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        examples = self.domain.encode(generate(spec, rng))
        return torch.as_tensor(examples.prompts), torch.as_tensor(examples.answers)

    def _select_hard(self, i: int, max_rounds: int = 8) -> None:
        """Fill row ``i``'s hard split with candidates its baseline fails ``fail_n`` times."""
        cfg, need = self.config, 2 * self.config.hard_size
        kept_p, kept_a = [], []
        for _ in range(max_rounds):
            prompts, answers = self.encode(
                Spec("add", cfg.hard_candidates, digits=cfg.hard_digits), self.rngs[i])
            counts = success_counts(self._students(np.array([i]), 1), prompts, answers,
                                    cfg.fail_n)[0]
            failed = counts == 0
            kept_p.append(prompts[failed])
            kept_a.append(answers[failed])
            if sum(len(p) for p in kept_p) >= need:
                break
        prompts, answers = torch.cat(kept_p), torch.cat(kept_a)
        if len(prompts) < need:
            raise HardSetError(
                f"the pretrained student fails only {len(prompts)} of the "
                f"{max_rounds * cfg.hard_candidates} {cfg.hard_digits}-digit candidates "
                f"{cfg.fail_n} times out of {cfg.fail_n}; {need} are needed: ask for longer "
                "hard problems (hard_digits) or a smaller hard_size")
        q = cfg.hard_size
        self.q_r[i], self.q_r_answers[i] = prompts[:q], answers[:q]
        self.hard_test[i], self.hard_test_answers[i] = prompts[q:need], answers[q:need]

    # ---- one teacher step -------------------------------------------------------------------
    def proposal_data(self, i: int, params: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, int]:
        """Row ``i``'s dataset for one proposal: prompts, answers, ill-formed problems made."""
        cfg, rng = self.config, self.rngs[i]
        if self.space.uses_hard(self.space.check(params)):
            pick = torch.as_tensor(rng.integers(0, cfg.hard_size, size=cfg.problems))
            return self.q_r[i][pick], self.q_r_answers[i][pick], 0
        prompts, answers = self.encode(self.space.spec(params, cfg.problems, cfg.wrong_rate),
                                        rng)
        bad = np.flatnonzero(rng.random(cfg.problems) < cfg.malformed_rate)
        for j in bad.tolist():  # a shuffled prompt (no longer a sum) with a random answer
            filled = prompts[j][prompts[j] != self.format.pad_id]
            prompts[j, -len(filled):] = filled[torch.as_tensor(rng.permutation(len(filled)))]
            answers[j] = answers[int(rng.integers(0, cfg.problems))]
        return prompts, answers, len(bad)

    def step(self, actions: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """One teacher step in ``rows``: ``actions`` ``[n, g, P]``; returns rewards ``(n,)``."""
        cfg = self.config
        g, r = cfg.proposals, cfg.trainings
        reward = np.zeros(self.n)
        if len(rows) == 0:
            return reward
        data = [self.proposal_data(i, actions[i, j]) for i in rows.tolist() for j in range(g)]
        prompts = torch.stack([d[0] for d in data])  # [m * g, N, Lp]
        answers = torch.stack([d[1] for d in data])
        trials = self._students(rows, g * r)
        trials.rl_fit(prompts.repeat_interleave(r, 0), answers.repeat_interleave(r, 0))
        q_r = self.q_r[rows].repeat_interleave(g * r, 0)
        q_r_answers = self.q_r_answers[rows].repeat_interleave(g * r, 0)
        counts = success_counts(trials, q_r, q_r_answers, cfg.eval_samples)
        acc = (counts.double() / cfg.eval_samples).mean(-1).numpy().reshape(len(rows), g, r)
        if cfg.reward is RewardKind.GROUNDED:
            rewards = acc.mean(-1) - self.q_r_success[rows, None]
        else:
            rewards = self._learnability(rows, prompts, answers)
        self.proposal_rewards[rows] = rewards
        self.last_actions[rows] = actions[rows]
        self.examples[rows] = g * cfg.problems
        self.rejected[rows] = [sum(d[2] for d in data[a * g:(a + 1) * g])
                               for a in range(len(rows))]
        self.steps[rows] += 1
        self.promoted[:] = False
        reward[rows] = rewards.mean(-1)
        self._promote(rows, reward, rewards, acc, trials, data)
        return reward

    def _learnability(self, rows: np.ndarray, prompts: torch.Tensor, answers: torch.Tensor
                      ) -> np.ndarray:
        """Intrinsic-T's reward ``[m, g]``: per problem 0 if the baseline's sampled success
        is 0, else 1 - success; averaged over the dataset."""
        g = self.config.proposals
        counts = success_counts(self._students(rows, g), prompts, answers,
                                self.config.eval_samples)
        success = counts.double().numpy() / self.config.eval_samples
        return np.where(success == 0, 0.0, 1.0 - success).mean(-1).reshape(len(rows), g)

    def _promote(self, rows: np.ndarray, reward: np.ndarray, rewards: np.ndarray,
                 acc: np.ndarray, trials: BatchedStudents, data: list) -> None:
        cfg = self.config
        g, r = cfg.proposals, cfg.trainings
        winners = []
        for a, i in enumerate(rows.tolist()):
            self.history[i].append(float(reward[i]))
            recent = self.history[i][-cfg.window:]
            if len(recent) < cfg.window or np.mean(recent) <= cfg.tau:
                continue
            best = int(np.argmax(rewards[a]))
            copy = int(np.argmax(acc[a, best]))
            self.baseline.restore(trials, members=[i], source_members=[(a * g + best) * r + copy])
            self.d_best[i].append(data[a * g + best][:2])
            self.history[i] = []
            self.promotions[i] += 1
            self.promoted[i] = True
            winners.append(i)
        if winners:  # measured again on fresh samples: the winner's own score is optimistic
            won = np.array(winners)
            self.q_r_success[won] = self._success(won, self.q_r[won], self.q_r_answers[won])
            self.hard_success[won] = self._success(won, self.hard_test[won],
                                                   self.hard_test_answers[won])
