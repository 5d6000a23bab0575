"""Synthetic EdNet-format data from an edusim learner model, for scale tests and demos.

N simulated learners (one batch of a :class:`~edusim.learners.LearnerModel`) practise a
curriculum: each step a learner works on an item of the first skill (in prerequisite order)
it has not mastered, or on a random item with probability ``explore``. Their answers come
from the model; the log is written as EdNet learner files (``u<ID>.csv``) with a matching
``contents/questions.csv``.

Example:
    >>> import tempfile
    >>> from edusim.data import load
    >>> out = write_synthetic(tempfile.mkdtemp(), SynthConfig(learners=3, mean_steps=20))
    >>> df = load(out.folder, "ednet-kt1", contents=out.contents)
    >>> len(df) == out.rows, df.user_id.nunique()
    (True, 3)
"""

from __future__ import annotations

import enum
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edusim import learners
from edusim.atomic import make_folder
from edusim.curriculum import Curriculum, load_builtin

__all__ = ["EdNetLevel", "SynthConfig", "SynthResult", "write_synthetic", "simulate_log"]

_LETTERS = np.array(list("abcd"))
_EPOCH_MS = 1_565_000_000_000


class EdNetLevel(str, enum.Enum):
    """Which EdNet level the files follow."""

    KT1 = "kt1"
    KT2 = "kt2"


@dataclass(frozen=True)
class SynthConfig:
    """What to simulate.

    Attributes:
        learners: Number of learner files.
        mean_steps: Mean answered items per learner (lengths are log-normal, >= 5).
        seed: Seed of every random draw.
        model: Learner-model name in :func:`edusim.learners.make`.
        explore: Probability of a random item instead of the next unmastered skill's.
        level: ``kt1`` (one row per answer) or ``kt2`` (enter/respond/submit rows).
        chunk: Learners simulated at once (bounds memory).
    """

    learners: int = 100
    mean_steps: int = 50
    seed: int = 0
    model: str = "bkt"
    explore: float = 0.2
    level: EdNetLevel = EdNetLevel.KT1
    chunk: int = 2000

    def __post_init__(self) -> None:
        object.__setattr__(self, "level", EdNetLevel(self.level))
        if self.learners < 1 or self.mean_steps < 1 or self.chunk < 1:
            raise ValueError("learners, mean_steps and chunk must be >= 1")
        if not 0 <= self.explore <= 1:
            raise ValueError(f"explore must lie in [0, 1], got {self.explore}")


@dataclass(frozen=True)
class SynthResult:
    """Where the files are and how many answered items they hold."""

    folder: Path
    contents: Path
    rows: int


def simulate_log(
    model: learners.LearnerModel, curriculum: Curriculum, lengths: np.ndarray,
    rng: np.random.Generator, explore: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Items ``(n, T)`` and correctness ``(n, T)`` for ``len(lengths)`` learners.

    Entries past a learner's length are simulated but meaningless (the caller cuts them).
    """
    n, steps = len(lengths), int(lengths.max())
    order = curriculum.graph.topological_indices()
    per_skill = [curriculum.items_for_skill(curriculum.graph.skills[k]) for k in order]
    width = max(len(p) for p in per_skill)
    table = np.stack([np.resize(p, width) for p in per_skill])
    counts = np.array([len(p) for p in per_skill])
    state = model.init_state(n, rng)
    items = np.zeros((n, steps), dtype=np.int64)
    correct = np.zeros((n, steps), dtype=bool)
    for t in range(steps):
        unmastered = model.mastery(state)[:, order] < 0.5
        target = np.where(unmastered.any(axis=1), unmastered.argmax(axis=1), len(order) - 1)
        pick = table[target, (rng.random(n) * counts[target]).astype(np.int64)]
        random_items = rng.integers(0, curriculum.n_items, size=n)
        chosen = np.where(rng.random(n) < explore, random_items, pick)
        answers = model.respond(state, chosen, rng)
        state = model.update(state, chosen, answers, rng)
        items[:, t], correct[:, t] = chosen, answers
    return items, correct


def write_synthetic(
    out_dir: str | os.PathLike,
    config: SynthConfig = SynthConfig(),
    curriculum: Curriculum | None = None,
    overwrite: bool = False,
) -> SynthResult:
    """Simulate ``config.learners`` learners and write EdNet files under ``out_dir``.

    Writes ``out_dir/KT1/u<i>.csv`` (or ``KT2``) and ``out_dir/contents/questions.csv``;
    each folder is built in a temporary folder and moved into place at the end.

    Raises:
        FileExistsError: When the target folder exists and ``overwrite`` is false.
    """
    curriculum = curriculum if curriculum is not None else load_builtin("fractions")
    rng = np.random.default_rng(config.seed)
    out = Path(out_dir)
    make_folder(out)
    folder = out / config.level.value.upper()
    contents = out / "contents"
    for target in (folder, contents):
        if target.exists() and not overwrite:
            raise FileExistsError(f"{target} exists (pass overwrite=True to replace it)")
    keys = rng.integers(0, 4, size=curriculum.n_items)
    model = learners.make(config.model, curriculum)
    sigma = 0.75
    lengths = rng.lognormal(np.log(config.mean_steps) - sigma**2 / 2, sigma, config.learners)
    lengths = np.clip(np.round(lengths), 5, 4 * config.mean_steps).astype(np.int64)
    with tempfile.TemporaryDirectory(dir=out, prefix=".synth-") as scratch:
        files_dir = Path(scratch) / "files"
        files_dir.mkdir()
        for start in range(0, config.learners, config.chunk):
            part = lengths[start : start + config.chunk]
            items, correct = simulate_log(model, curriculum, part, rng, config.explore)
            for row, length in enumerate(part):
                text = _learner_file(items[row, :length], correct[row, :length], keys, rng,
                                     config.level)
                (files_dir / f"u{start + row + 1}.csv").write_text(text)
        contents_tmp = Path(scratch) / "contents"
        contents_tmp.mkdir()
        (contents_tmp / "questions.csv").write_text(_questions(curriculum, keys))
        for src, target in ((files_dir, folder), (contents_tmp, contents)):
            if target.exists():
                shutil.rmtree(target)
            os.replace(src, target)
    return SynthResult(folder, contents, int(lengths.sum()))


def _questions(curriculum: Curriculum, keys: np.ndarray) -> str:
    lines = ["question_id,bundle_id,explanation_id,correct_answer,part,tags,deployed_at"]
    skills = curriculum.graph.skills
    for index, item in enumerate(curriculum.items):
        tags = ";".join(str(skills.index(s) + 1) for s in item.skills)
        q = index + 1
        lines.append(f"q{q},b{q},e{q},{_LETTERS[keys[index]]},{1 + index % 7},{tags},0")
    return "\n".join(lines) + "\n"


def _learner_file(
    items: np.ndarray, correct: np.ndarray, keys: np.ndarray, rng: np.random.Generator,
    level: EdNetLevel,
) -> str:
    n = len(items)
    elapsed = np.round(rng.lognormal(np.log(20_000), 0.6, n)).astype(np.int64)
    pauses = np.round(rng.lognormal(np.log(5_000), 1.5, n)).astype(np.int64)
    start = _EPOCH_MS + int(rng.integers(0, 10**10))
    stamps = start + np.cumsum(elapsed + pauses) - elapsed - pauses
    wrong = (keys[items] + rng.integers(1, 4, size=n)) % 4
    answers = _LETTERS[np.where(correct, keys[items], wrong)]
    q = items + 1
    if level is EdNetLevel.KT1:
        rows = [
            f"{t},{s},q{i},{a},{e}"
            for t, s, i, a, e in zip(stamps.tolist(), range(1, n + 1), q.tolist(),
                                     answers.tolist(), elapsed.tolist(), strict=True)
        ]
        header = "timestamp,solving_id,question_id,user_answer,elapsed_time\n"
        return header + "\n".join(rows) + "\n"
    rows = []
    for t, i, a, e in zip(stamps.tolist(), q.tolist(), answers.tolist(), elapsed.tolist(),
                          strict=True):
        rows.append(f"{t},enter,b{i},sprint,,mobile")
        rows.append(f"{t + e // 2},respond,q{i},sprint,{a},mobile")
        rows.append(f"{t + e},submit,b{i},sprint,,mobile")
    return "timestamp,action_type,item_id,source,user_answer,platform\n" + "\n".join(rows) + "\n"
