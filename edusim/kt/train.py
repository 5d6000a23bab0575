"""One training loop for every neural knowledge-tracing model (DKT, SAKT, ...).

Reads top to bottom: seeding, data windows, model and optimiser, resume, then epochs of
shuffled mini-batches with validation AUC, early stopping and a checkpoint after each epoch.
The loop knows models only through :class:`~edusim.kt.neural.SequenceModel` and the registry.

Determinism: the batch order of epoch ``e`` comes from ``numpy.random.default_rng([seed, e])``
and dropout from torch's generator seeded with ``(seed, e)`` inside ``torch.random.fork_rng``
(the global generator is restored afterwards). Checkpoints hold everything that changes between
epochs, so a run killed at any point and resumed with the same settings ends with exactly the
weights an uninterrupted run would have (on CPU; CUDA kernels may be nondeterministic).

Example:
    >>> import numpy as np
    >>> from edusim.kt.sequences import Interactions, Level, Vocabulary
    >>> rng = np.random.default_rng(0)
    >>> data = Interactions(rng.integers(2, 4, (60, 1)), rng.random(60) < 0.6,
    ...                     np.arange(0, 61, 6), np.array(list("abcdefghij"), dtype=object))
    >>> vocab = Vocabulary(Level.SKILL, ("<unk>", "s1", "s2"), ((), ("s1",), ("s2",)))
    >>> config = TrainConfig(epochs=1, window=4, device="cpu")
    >>> fitted = fit_neural("dkt", data, vocab, {"hidden": 8, "embedding": 8}, config)
    >>> fitted.predict(data).shape
    (60,)
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from edusim.kt.device import resolve_device
from edusim.kt.fitted import FittedNeural, predict_windows
from edusim.kt.io import ModelFileError, atomic_save, load_file
from edusim.kt.metrics import evaluate
from edusim.kt.registry import KT_MODELS, build_model
from edusim.kt.sequences import Interactions, Vocabulary

__all__ = ["TrainConfig", "TrainEvent", "EventKind", "fit_neural", "CHECKPOINT_NAME"]

CHECKPOINT_NAME = "checkpoint.pt"
#: Settings that may differ between a run and its resumption.
_RESUMABLE = ("epochs", "device", "amp")


@dataclass(frozen=True)
class TrainConfig:
    """Settings of a training run.

    Attributes:
        epochs: Maximum number of epochs.
        batch_size: Windows per mini-batch.
        lr: Adam learning rate.
        window: Longest window; longer sequences are cut into consecutive windows.
        stride: ``None`` for those consecutive windows; an int for overlapping windows
            ending every ``stride`` rows (:meth:`Interactions.sliding_windows`), used for
            training (the loss covers every row of every window, so rows recur), validation and
            the fitted model's predictions (each row predicted once, from the window where it
            is new, with at least ``window - stride`` earlier rows in view).
        patience: Stop after this many epochs without a better validation AUC.
        valid_fraction: Share of training learners held out for validation when no
            validation data is given.
        grad_clip: Gradient norm clip (0 disables).
        seed: Seed of initial weights, validation split, batch order and dropout.
        device: ``"auto"`` (CUDA if available, else CPU), ``"cpu"`` or ``"cuda"``.
        amp: Mixed precision (float16 autocast and gradient scaling) on CUDA.
    """

    epochs: int = 10
    batch_size: int = 64
    lr: float = 1e-3
    window: int = 200
    stride: int | None = None
    patience: int = 3
    valid_fraction: float = 0.1
    grad_clip: float = 1.0
    seed: int = 0
    device: str = "auto"
    amp: bool = True

    @classmethod
    def recommended(cls, kind: str, **settings) -> TrainConfig:
        """Settings with the windows recommended for model ``kind`` (see the registry).

        A ``window`` given without a ``stride`` means consecutive windows.

        Example:
            >>> config = TrainConfig.recommended("sakt", epochs=3)
            >>> config.window, config.stride, config.epochs
            (30, 15, 3)
            >>> TrainConfig.recommended("sakt", window=50).stride is None
            True
        """
        meta = KT_MODELS.entry(kind).metadata if kind in KT_MODELS else {}
        if "window" in meta and settings.get("window") is None:
            settings = {**settings, "window": meta["window"],
                        "stride": settings.get("stride") or meta.get("stride")}
        return cls(**{k: v for k, v in settings.items() if v is not None or k == "stride"})

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1 or self.window < 2 or self.patience < 1:
            raise ValueError("epochs, batch_size, patience must be >= 1 and window >= 2")
        if not 0 < self.valid_fraction < 1:
            raise ValueError(f"valid_fraction must lie in (0, 1), got {self.valid_fraction}")
        if self.stride is not None and not 1 <= self.stride < self.window:
            raise ValueError(f"stride must lie in [1, window), got {self.stride}")


class EventKind(str, enum.Enum):
    """What a :class:`TrainEvent` reports."""

    BATCH = "batch"
    EPOCH = "epoch"


@dataclass(frozen=True)
class TrainEvent:
    """Progress of a run, passed to the callback after every batch and every epoch."""

    kind: EventKind
    epoch: int
    batch: int
    n_batches: int
    loss: float
    valid_auc: float | None = None


TrainCallback = Callable[[TrainEvent], None]


def _split_valid(train: Interactions, fraction: float, seed: int):
    order = np.random.default_rng([seed, 1]).permutation(len(train.users))
    n_valid = max(1, int(round(fraction * len(order))))
    if n_valid >= len(order):
        raise ValueError("too few learners to hold out a validation set")
    return train.select(np.sort(order[n_valid:])), train.select(np.sort(order[:n_valid]))


def _identity(kind, vocab, model_config, config, train, valid) -> dict:
    settings = {k: v for k, v in asdict(config).items() if k not in _RESUMABLE}
    return {
        "kind": kind,
        "vocab": vocab.to_dict(),
        "model_config": model_config,
        "train_config": settings,
        "fingerprint": train.fingerprint() + valid.fingerprint(),
    }


_DEFAULT_SETTINGS = {
    f.name: f.default for f in fields(TrainConfig) if f.name not in _RESUMABLE
}


def _resume(path: Path, identity: dict) -> dict | None:
    if not path.is_file():
        return None
    state = load_file(path)
    if isinstance(state.get("train_config"), dict):
        # Settings added since an older checkpoint was written compare as their defaults.
        state["train_config"] = {**_DEFAULT_SETTINGS, **state["train_config"]}
    for key, value in identity.items():
        if state.get(key) != value:
            raise ModelFileError(
                f"{path}: checkpoint has another {key.replace('_', ' ')}; "
                "resume with the same data and settings, or start without --resume"
            )
    return state


def fit_neural(
    kind: str,
    train: Interactions,
    vocab: Vocabulary,
    model_config: dict | None = None,
    config: TrainConfig | None = None,
    valid: Interactions | None = None,
    checkpoint_dir: str | os.PathLike | None = None,
    resume: bool = False,
    callback: TrainCallback | None = None,
) -> FittedNeural:
    """Train the registered model ``kind`` on ``train``; keep the best validation-AUC weights.

    When the validation AUC is undefined (all validation answers right, or all wrong), the
    epoch with the lowest validation log-loss is kept and the history says ``valid_auc``
    ``None``.

    Args:
        kind: Registered neural model name (``edusim.kt.registry.KT_MODELS``).
        train: Training interactions.
        vocab: Their vocabulary.
        model_config: Overrides of the model's config fields.
        config: Training settings.
        valid: Validation interactions (default: ``valid_fraction`` of the training learners).
        checkpoint_dir: Where ``checkpoint.pt`` is written after every epoch.
        resume: Continue from the checkpoint in ``checkpoint_dir`` when there is one.
        callback: Called with a :class:`TrainEvent` after every batch and epoch.

    Raises:
        ModelFileError: When resuming from a checkpoint of other data or settings.
    """
    config = config or TrainConfig()
    # -- seeding, data, model --------------------------------------------------------------
    if valid is None:
        train, valid = _split_valid(train, config.valid_fraction, config.seed)
    device = resolve_device(config.device)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        model = build_model(kind, vocab.size, config.window, model_config).to(device)
    model_config = asdict(model.config)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    amp = config.amp and device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda", enabled=amp)
    if config.stride is None:
        windows = train.windows(config.window)
    else:
        windows = train.sliding_windows(config.window, config.stride)[:, :2]
    n_batches = -(-len(windows) // config.batch_size)
    # -- resume ----------------------------------------------------------------------------
    identity = _identity(kind, vocab, model_config, config, train, valid)
    path = None if checkpoint_dir is None else Path(checkpoint_dir) / CHECKPOINT_NAME
    state = _resume(path, identity) if (resume and path is not None) else None
    if state is None:
        state = {"epoch": 0, "best": None, "best_score": -np.inf, "bad_epochs": 0, "history": []}
    else:
        state.setdefault("best_score", state.get("best_auc", -np.inf))  # older checkpoints
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if state["scaler"]:
            scaler.load_state_dict(state["scaler"])
    # -- epochs ----------------------------------------------------------------------------
    while state["epoch"] < config.epochs and state["bad_epochs"] < config.patience:
        epoch = state["epoch"]
        order = np.random.default_rng([config.seed, epoch]).permutation(len(windows))
        model.train()
        total = 0.0
        with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
            torch.manual_seed(config.seed * 1_000_003 + epoch)
            for b in range(n_batches):
                picked = windows[order[b * config.batch_size : (b + 1) * config.batch_size]]
                loss = _step(model, optimizer, scaler, train.batch(picked).to(device), config, amp)
                total += loss
                if callback:
                    callback(TrainEvent(EventKind.BATCH, epoch, b + 1, n_batches, loss))
        p_valid = predict_windows(model, valid, config.window, device, stride=config.stride)
        scores = evaluate(valid.correct, p_valid)
        auc = scores.auc if np.isfinite(scores.auc) else None  # undefined: one class only
        score = _selection_score(scores)
        improved = score > state["best_score"]
        state = {
            "epoch": epoch + 1,
            "best": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
            if improved
            else state["best"],
            "best_score": max(score, state["best_score"]),
            "bad_epochs": 0 if improved else state["bad_epochs"] + 1,
            "history": [*state["history"], {"epoch": epoch + 1, "loss": total / n_batches,
                                            "valid_auc": auc}],
        }
        if path is not None:
            atomic_save(
                {**identity, **state, "model": model.state_dict(),
                 "optimizer": optimizer.state_dict(), "scaler": scaler.state_dict()},
                path,
            )
        if callback:
            callback(TrainEvent(EventKind.EPOCH, epoch, n_batches, n_batches,
                                total / n_batches, auc))
    model.load_state_dict(state["best"])
    return FittedNeural(kind, vocab, config.window, model_config, model.cpu().eval(),
                        tuple(state["history"]), config.stride)


def _selection_score(scores) -> float:
    """What the best epoch maximises: validation AUC, or minus the log-loss when the AUC is
    undefined (every validation answer in one class), so that some epoch is always kept."""
    return scores.auc if np.isfinite(scores.auc) else -scores.log_loss


def _step(model, optimizer, scaler, batch, config: TrainConfig, amp: bool) -> float:
    """One optimisation step on a padded batch; returns the mean loss."""
    optimizer.zero_grad(set_to_none=True)
    with torch.autocast(device_type=batch.mask.device.type, dtype=torch.float16, enabled=amp):
        logits = model(batch.tokens, batch.correct)
    loss = F.binary_cross_entropy_with_logits(
        logits.float()[batch.mask], batch.correct[batch.mask]
    )
    scaler.scale(loss).backward()
    if config.grad_clip > 0:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
    scaler.step(optimizer)
    scaler.update()
    return float(loss.detach())
