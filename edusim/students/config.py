"""Settings of a batch of students: one frozen dataclass, built from keyword arguments by name.

Example:
    >>> config = StudentConfig(kind="transformer", vocab_size=20, prompt_len=8, answer_len=4)
    >>> config.protocol, config.seq_len
    (<TrainingProtocol.REINIT: 'reinit'>, 11)
    >>> StudentConfig.from_kwargs(protocol="continual", steps=50).protocol.value
    'continual'
    >>> StudentConfig.from_kwargs(layers=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: unknown student setting 'layers'; valid settings: kind, vocab_size, ...
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import Any

from edusim.config import check_at_least

__all__ = ["RLMethod", "StudentConfig", "TrainingProtocol"]


class TrainingProtocol(str, enum.Enum):
    """What a training round (:meth:`BatchedStudents.train_round`) does with new data.

    ``REINIT``: DataEnvGym's protocol: go back to the base weights and train on all the data
    collected so far. ``CONTINUAL``: keep the current weights and train on the new data only.
    """

    REINIT = "reinit"
    CONTINUAL = "continual"


class RLMethod(str, enum.Enum):
    """Policy-gradient baseline of :meth:`BatchedStudents.rl_fit`.

    ``RLOO``: REINFORCE with the leave-one-out mean of the other samples of the same problem as
    the baseline. ``REINFORCE``: no baseline. With 0/1 rewards, both give exactly no gradient
    when every sample of every problem in the batch fails.
    """

    RLOO = "rloo"
    REINFORCE = "reinforce"


@dataclass(frozen=True)
class StudentConfig:
    """Settings shared by every student of a :class:`~edusim.students.BatchedStudents`.

    Attributes:
        kind: Student family in :data:`edusim.students.STUDENTS` (``"transformer"``, ``"mlp"``).
        vocab_size: Number of token ids (ids lie in ``[0, vocab_size)``), from the task side.
        prompt_len: Prompt length ``Lp``; prompts are left-padded with ``pad_id``.
        answer_len: Answer length ``La`` including the closing ``eos_id``, right-padded.
        pad_id: Padding token id.
        eos_id: End-of-answer token id.
        d_model: Width of the model (embedding and residual stream).
        n_layers: Transformer blocks (or hidden layers of the MLP).
        n_heads: Attention heads (transformer); must divide ``d_model``.
        lr: Adam learning rate of supervised training.
        weight_decay: Decoupled weight decay on weight matrices (not biases, norms, embeddings).
        batch_size: Examples per student per supervised step.
        steps: Supervised steps per :meth:`fit` call when none are given.
        grad_clip: Per-student gradient-norm clip (0 disables).
        protocol: :class:`TrainingProtocol` of :meth:`train_round`.
        rl_lr: Adam learning rate of :meth:`rl_fit`.
        rl_steps: RL steps per :meth:`rl_fit` call when none are given (SOAR: 10).
        rl_batch: Problems per student per RL step (SOAR: 8).
        rl_samples: Sampled answers per problem per RL step (at least 2 for RLOO).
        rl_method: :class:`RLMethod`.
        temperature: Sampling temperature of RL and :meth:`sample` when none is given.
        eval_batch: Problems per student per forward pass when decoding (bounds memory).
        seed: Seed of the first student when seeds are not given (student ``k``: ``seed + k``).
        device: ``"auto"`` (CUDA when available, else CPU), ``"cpu"`` or ``"cuda"``.
    """

    kind: str = "transformer"
    vocab_size: int = 34
    prompt_len: int = 16
    answer_len: int = 8
    pad_id: int = 0
    eos_id: int = 1
    d_model: int = 64
    n_layers: int = 2
    n_heads: int = 4
    lr: float = 3e-3
    weight_decay: float = 0.0
    batch_size: int = 64
    steps: int = 200
    grad_clip: float = 1.0
    protocol: TrainingProtocol = TrainingProtocol.REINIT
    rl_lr: float = 1e-3
    rl_steps: int = 10
    rl_batch: int = 8
    rl_samples: int = 8
    rl_method: RLMethod = RLMethod.RLOO
    temperature: float = 1.0
    eval_batch: int = 4096
    seed: int = 0
    device: str = "auto"

    @classmethod
    def from_kwargs(cls, **settings: Any) -> StudentConfig:
        """The config with ``settings`` by field name; an unknown name lists the valid ones."""
        names = [f.name for f in fields(cls)]
        for name in settings:
            if name not in names:
                raise TypeError(
                    f"unknown student setting {name!r}; valid settings: {', '.join(names)}"
                )
        return cls(**settings)

    @property
    def seq_len(self) -> int:
        """Length of the model's input: the prompt and all answer tokens but the last."""
        return self.prompt_len + self.answer_len - 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "protocol", TrainingProtocol(self.protocol))
        object.__setattr__(self, "rl_method", RLMethod(self.rl_method))
        positive = ("vocab_size", "prompt_len", "answer_len", "d_model", "n_layers", "n_heads",
                    "batch_size", "steps", "rl_steps", "rl_batch", "eval_batch")
        check_at_least(self, positive, 1, label="student setting ")
        for name in ("pad_id", "eos_id"):
            if not 0 <= getattr(self, name) < self.vocab_size:
                raise ValueError(f"{name} {getattr(self, name)} outside [0, {self.vocab_size})")
        if self.pad_id == self.eos_id:
            raise ValueError("pad_id and eos_id must differ")
        if self.d_model % self.n_heads:
            raise ValueError(f"n_heads {self.n_heads} must divide d_model {self.d_model}")
        if self.rl_samples < 2 and self.rl_method is RLMethod.RLOO:
            raise ValueError("RLOO needs rl_samples >= 2 (a leave-one-out baseline)")
        if self.lr <= 0 or self.rl_lr <= 0 or self.temperature <= 0:
            raise ValueError("lr, rl_lr and temperature must be > 0")
        if self.weight_decay < 0 or self.grad_clip < 0:
            raise ValueError("weight_decay and grad_clip must be >= 0")
