"""K independent students in one object: stacked weights, one call trains or decodes them all.

Student ``k`` has its own seed, its own ``torch.Generator`` (initial weights, then minibatches
and samples, in call order) and its own optimiser state; the students share only the call.
Training a batch is therefore the same as training each student alone, up to float rounding
(``tests/students/test_batched.py``), while costing about one student on a K-times larger batch.

Example:
    >>> import torch
    >>> students = BatchedStudents(StudentConfig(vocab_size=6, prompt_len=3, answer_len=2,
    ...                                          d_model=16, steps=5, device="cpu"), seeds=[0, 1])
    >>> prompts = torch.randint(2, 6, (20, 3), generator=torch.Generator().manual_seed(0))
    >>> answers = torch.stack([prompts[:, -1], torch.ones(20, dtype=torch.long)], dim=1)
    >>> students.fit(prompts, answers).shape             # losses per step and student
    torch.Size([5, 2])
    >>> students.predict(prompts).shape
    torch.Size([2, 20, 2])
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import torch
import torch.nn.functional as F

from edusim.atomic import atomic_path
from edusim.kt.device import resolve_device
from edusim.students.config import StudentConfig, TrainingProtocol
from edusim.students.data import (
    StudentData,
    Tokens,
    answer_mask,
    as_prompts,
    as_student_data,
    draw_index,
)
from edusim.students.decode import decode
from edusim.students.layout import Layout
from edusim.students.optim import StackedAdam, clip_rows

__all__ = ["BatchedStudents", "StudentFileError"]

_FORMAT = 1
Members = Sequence[int] | torch.Tensor | None


class StudentFileError(ValueError):
    """A students file that is missing, unreadable or of another format."""


def _members(members: Members, k: int) -> torch.Tensor:
    """Indices of ``members`` (``None``: all; a ``[K]`` bool mask or indices)."""
    if members is None:
        return torch.arange(k)
    index = torch.as_tensor(members)
    if index.dtype == torch.bool:
        if index.shape != (k,):
            raise ValueError(f"member mask must have shape ({k},), got {tuple(index.shape)}")
        return index.nonzero().flatten()
    index = index.long().flatten()
    if index.numel() and (int(index.min()) < 0 or int(index.max()) >= k):
        raise IndexError(f"member indices must lie in [0, {k}), got {index.tolist()}")
    return index


class BatchedStudents:
    """K students of one family and one config, trained and evaluated together.

    Args:
        config: The shared settings (:class:`StudentConfig`).
        seeds: One seed per student (default ``[config.seed]``: one student).
    """

    def __init__(self, config: StudentConfig, seeds: Sequence[int] | None = None) -> None:
        from edusim.students import STUDENTS  # the registry imports this module

        self.config = config
        self.seeds = [int(s) for s in (seeds if seeds is not None else [config.seed])]
        if not self.seeds:
            raise ValueError("a batch needs at least one student (seeds is empty)")
        self.device = resolve_device(config.device)
        self.model = STUDENTS.load(config.kind)(config)
        self.layout = Layout(self.model.specs)
        self._generators = [torch.Generator().manual_seed(s) for s in self.seeds]
        rows = torch.stack([self.layout.initial_row(g) for g in self._generators])
        self.flat = rows.to(self.device).requires_grad_(True)
        self.base = self.flat.detach().clone()
        self._opt = self._new_opt(config.lr, config.weight_decay)
        self._rl_opt = self._new_opt(config.rl_lr, 0.0)
        self.history: StudentData | None = None

    def _new_opt(self, lr: float, weight_decay: float) -> StackedAdam:
        return StackedAdam(self.n_students, self.layout.size, lr, weight_decay=weight_decay,
                           decay_mask=self.layout.decay_mask(), device=self.device)

    @property
    def n_students(self) -> int:
        """K, the number of students."""
        return len(self.seeds)

    @property
    def n_params(self) -> int:
        """Parameters per student."""
        return self.layout.size

    def params(self) -> dict[str, torch.Tensor]:
        """Named ``[K, *shape]`` views of the weights (read them; train through the methods)."""
        return self.layout.views(self.flat)

    # ---- training -------------------------------------------------------------------------
    def fit(self, prompts: Tokens, answers: Tokens, steps: int | None = None) -> torch.Tensor:
        """Supervised training from the current weights; returns the losses ``[steps, K]``.

        Each step draws ``batch_size`` examples per student, with replacement, from that
        student's dataset (shared ``[N, L]`` data or per-student ``[K, N, L]``/list, see
        :mod:`edusim.students.data`) using its own generator; the loss is the mean
        cross-entropy over answer tokens up to and including EOS.
        """
        data = as_student_data(prompts, answers, self.n_students, self.config)
        return self._fit_data(data, self.config.steps if steps is None else steps)

    def _fit_data(self, data: StudentData, steps: int) -> torch.Tensor:
        if steps < 0:
            raise ValueError(f"steps must be >= 0, got {steps}")
        data = StudentData(data.prompts.to(self.device), data.answers.to(self.device),
                           data.counts)
        losses = []
        for _ in range(steps):
            index = draw_index(data.counts, self.config.batch_size, self._generators)
            prompts, answers = data.batch(index)
            logp = self._answer_logprobs(prompts, answers)
            mask = answer_mask(answers, self.config.eos_id)
            loss = -(logp * mask).sum((1, 2)) / mask.sum((1, 2)).clamp(min=1)
            self._step(self._opt, loss.sum())
            losses.append(loss.detach())
        if not losses:
            return torch.zeros(0, self.n_students)
        return torch.stack(losses).cpu()

    def train_round(self, prompts: Tokens, answers: Tokens, steps: int | None = None
                    ) -> torch.Tensor:
        """One round of the configured :class:`TrainingProtocol` on newly produced data.

        ``reinit`` (DataEnvGym): the new data joins everything collected so far, the students
        go back to their base weights (:meth:`reinit`) and train on all of it. ``continual``:
        the data is collected too, but the students keep their weights and train on the new
        data only. Returns the losses of :meth:`fit`.
        """
        new = as_student_data(prompts, answers, self.n_students, self.config)
        self.history = new if self.history is None else self.history.concat(new)
        steps = self.config.steps if steps is None else steps
        if self.config.protocol is TrainingProtocol.REINIT:
            self.reinit()
            return self._fit_data(self.history, steps)
        return self._fit_data(new, steps)

    def _answer_logprobs(self, prompts: torch.Tensor, answers: torch.Tensor,
                         temperature: float = 1.0) -> torch.Tensor:
        """Log-probabilities ``[K, B, La]`` of each answer token given prompt and prefix."""
        seq = torch.cat([prompts, answers[..., :-1]], dim=-1)
        logits = self.model.logits(self.params(), seq, self.config.prompt_len - 1)
        if temperature != 1.0:
            logits = logits / temperature
        nll = F.cross_entropy(logits.flatten(0, 2).float(), answers.flatten(), reduction="none")
        return -nll.view(answers.shape)

    def _step(self, opt: StackedAdam, loss: torch.Tensor) -> None:
        (grad,) = torch.autograd.grad(loss, self.flat)
        if self.config.grad_clip:
            clip_rows(grad, self.config.grad_clip)
        opt.step(self.flat.data, grad)

    def rl_fit(self, prompts: Tokens, answers: Tokens | None = None,
               reward_fn: Callable[..., torch.Tensor] | None = None,
               steps: int | None = None, **settings) -> torch.Tensor:
        """RL from binary rewards (RLOO by default); see :func:`edusim.students.rl.rl_fit`."""
        from edusim.students.rl import rl_fit

        return rl_fit(self, prompts, answers, reward_fn, steps, **settings)

    # ---- decoding -------------------------------------------------------------------------
    def _decode(self, prompts: torch.Tensor, uniforms: torch.Tensor | None,
                temperature: float) -> tuple[torch.Tensor, torch.Tensor]:
        cfg, chunk = self.config, self.config.eval_batch
        with torch.no_grad():
            params = self.layout.views(self.flat.detach())
            parts = [decode(lambda t, s: self.model.logits(params, t, s),
                            prompts[:, i:i + chunk].to(self.device), cfg.answer_len,
                            cfg.eos_id, cfg.pad_id,
                            None if uniforms is None else uniforms[:, i:i + chunk].to(self.device),
                            temperature)
                     for i in range(0, max(prompts.shape[1], 1), chunk)]
        return torch.cat([p[0] for p in parts], 1), torch.cat([p[1] for p in parts], 1)

    def predict(self, prompts: Tokens) -> torch.Tensor:
        """Greedy answers ``[K, N, La]`` (padded after EOS) to shared or per-student prompts."""
        return self._decode(as_prompts(prompts, self.n_students, self.config), None, 1.0)[0]

    def correct(self, prompts: Tokens, answers: Tokens) -> torch.Tensor:
        """``[K, N]`` bool: whether each student's greedy answer equals the reference."""
        data = as_student_data(prompts, answers, self.n_students, self.config)
        predicted = self.predict(data.prompts)
        return predicted.eq(data.answers.to(predicted.device)).all(-1)

    def sample(self, prompts: Tokens, n_samples: int, temperature: float | None = None
               ) -> tuple[torch.Tensor, torch.Tensor]:
        """``n_samples`` answers per prompt at ``temperature``: tokens ``[K, N, S, La]`` and
        their log-probabilities ``[K, N, S]`` (summed up to EOS)."""
        temperature = self.config.temperature if temperature is None else temperature
        if n_samples < 1 or temperature <= 0:
            raise ValueError("n_samples must be >= 1 and temperature > 0")
        prompts = as_prompts(prompts, self.n_students, self.config)
        k, n, lp = prompts.shape
        la = self.config.answer_len
        uniforms = torch.stack([torch.rand(n * n_samples, la, generator=g)
                                for g in self._generators])
        repeated = prompts.unsqueeze(2).expand(k, n, n_samples, lp).reshape(k, -1, lp)
        tokens, logp = self._decode(repeated, uniforms, temperature)
        return tokens.view(k, n, n_samples, la), logp.view(k, n, n_samples)

    def count_correct(self, prompts: Tokens, answers: Tokens, n_samples: int,
                      temperature: float | None = None) -> torch.Tensor:
        """``[K, N]`` how many of ``n_samples`` sampled answers equal the reference: the
        counts behind fail@N screens and :func:`~edusim.students.pass_at_k`."""
        data = as_student_data(prompts, answers, self.n_students, self.config)
        tokens, _ = self.sample(data.prompts, n_samples, temperature)
        return tokens.eq(data.answers.to(tokens.device).unsqueeze(2)).all(-1).sum(-1).cpu()

    # ---- members, snapshots, files --------------------------------------------------------
    def reinit(self, members: Members = None) -> None:
        """Students in ``members`` (default all) go back to their base weights, with fresh
        optimiser states. The base is the initial draw until :meth:`set_base` moves it."""
        index = _members(members, self.n_students).to(self.device)
        with torch.no_grad():
            self.flat[index] = self.base[index]
        self._opt.reset(index)
        self._rl_opt.reset(index)

    def set_base(self, members: Members = None) -> None:
        """The current weights of ``members`` become the base that :meth:`reinit` returns to
        (a pretrained student's base is its pretrained weights)."""
        index = _members(members, self.n_students).to(self.device)
        self.base[index] = self.flat.detach()[index]

    def reseed(self, seeds: Sequence[int]) -> None:
        """New generators (one seed per student) for the draws from now on; weights stay."""
        if len(seeds) != self.n_students:
            raise ValueError(f"{len(seeds)} seeds for {self.n_students} students")
        self.seeds = [int(s) for s in seeds]
        self._generators = [torch.Generator().manual_seed(s) for s in self.seeds]

    def take(self, members: Sequence[int] | torch.Tensor) -> BatchedStudents:
        """A new batch of copies of ``members`` (repeats allowed, e.g. ``[best] * 16``),
        with their weights, base, optimiser states, collected data and generator states."""
        index = _members(members, self.n_students)
        out = object.__new__(BatchedStudents)
        out.config, out.device, out.model, out.layout = (self.config, self.device, self.model,
                                                         self.layout)
        out.seeds = [self.seeds[i] for i in index.tolist()]
        out._generators = []
        for i in index.tolist():
            out._generators.append(torch.Generator().set_state(self._generators[i].get_state()))
        dev = index.to(self.device)
        out.flat = self.flat.detach()[dev].clone().requires_grad_(True)
        out.base = self.base[dev].clone()
        out._opt = out._new_opt(self.config.lr, self.config.weight_decay)
        out._rl_opt = out._new_opt(self.config.rl_lr, 0.0)
        all_rows = torch.arange(len(index), device=self.device)
        out._opt.copy_from(self._opt, all_rows, dev)
        out._rl_opt.copy_from(self._rl_opt, all_rows, dev)
        out.history = None
        if self.history is not None:
            rows = [self.history.rows(i) for i in index.tolist()]
            out.history = as_student_data([r[0] for r in rows], [r[1] for r in rows],
                                          len(rows), self.config)
        return out

    def clone(self) -> BatchedStudents:
        """An independent copy of the whole batch (a snapshot to :meth:`restore` from)."""
        return self.take(range(self.n_students))

    def restore(self, source: BatchedStudents, members: Members = None,
                source_members: Members = None, generators: bool = False) -> None:
        """Members (default all) get the weights, base and optimiser states of
        ``source``'s ``source_members`` (default the same indices): revert to a snapshot, or
        copy one student over others. Generators keep running (no draws are replayed) unless
        ``generators``: then the members take the source's generator states and seeds too
        (the source was trained, or built, in their place: a sub-batch of :meth:`take`)."""
        dst = _members(members, self.n_students).to(self.device)
        src = dst if source_members is None else _members(source_members,
                                                          source.n_students).to(self.device)
        if len(src) != len(dst):
            raise ValueError(f"{len(src)} source students for {len(dst)} members")
        with torch.no_grad():
            self.flat[dst] = source.flat.detach()[src]
        self.base[dst] = source.base[src]
        self._opt.copy_from(source._opt, dst, src)
        self._rl_opt.copy_from(source._rl_opt, dst, src)
        if generators:
            for d, s in zip(dst.tolist(), src.tolist(), strict=True):
                self.seeds[d] = source.seeds[s]
                self._generators[d] = torch.Generator().set_state(
                    source._generators[s].get_state())

    def state_dict(self) -> dict:
        """Everything that defines the batch, as tensors and plain values (CPU)."""
        history = None
        if self.history is not None:
            history = {"prompts": self.history.prompts.contiguous(),
                       "answers": self.history.answers.contiguous(),
                       "counts": self.history.counts}
        config = {k: getattr(v, "value", v) for k, v in asdict(self.config).items()}
        return {"format": _FORMAT, "config": config, "seeds": list(self.seeds),
                "flat": self.flat.detach().cpu(), "base": self.base.cpu(),
                "opt": {k: v.cpu() for k, v in self._opt.state_dict().items()},
                "rl_opt": {k: v.cpu() for k, v in self._rl_opt.state_dict().items()},
                "generators": [g.get_state() for g in self._generators], "history": history}

    def save(self, path: str | Path) -> Path:
        """Write :meth:`state_dict` to ``path`` atomically."""
        with atomic_path(path) as tmp:
            torch.save(self.state_dict(), tmp)
        return Path(path)

    @classmethod
    def load(cls, path: str | Path, device: str | None = None) -> BatchedStudents:
        """The batch saved at ``path`` (``device`` overrides the saved setting)."""
        try:
            state = torch.load(path, map_location="cpu", weights_only=True)
        except (OSError, RuntimeError, EOFError, pickle.UnpicklingError) as err:
            raise StudentFileError(f"cannot read students file {path}: {err}") from err
        if not isinstance(state, dict) or state.get("format") != _FORMAT:
            raise StudentFileError(f"{path} is not a students file of format {_FORMAT}")
        config = StudentConfig.from_kwargs(**{**state["config"],
                                              **({"device": device} if device else {})})
        out = cls(config, state["seeds"])
        with torch.no_grad():
            out.flat.copy_(state["flat"])
        out.base.copy_(state["base"])
        out._opt.load_state_dict(state["opt"])
        out._rl_opt.load_state_dict(state["rl_opt"])
        for g, s in zip(out._generators, state["generators"], strict=True):
            g.set_state(s)
        if state["history"] is not None:
            out.history = StudentData(**state["history"])
        return out
