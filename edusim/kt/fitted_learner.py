"""Knowledge-tracing models fitted on real data, used as simulated learners.

A model fitted with :mod:`edusim.kt` becomes a :class:`~edusim.learners.base.LearnerModel`
through its ``as_learner()``, so ``edusim/Tutor-v0`` can tutor learners "calibrated on
dataset X":

* BKT (skill level) becomes a :class:`~edusim.learners.bkt.BKTLearner` with the fitted
  per-skill prior, learn, guess, slip and forget probabilities: learners hold a sampled
  known/unknown state per skill, forget only the skills they practise (as the fit models
  it) and are not slowed by prerequisites (the fit knows none).
* DKT and SAKT become a :class:`NeuralKTLearner`: a learner's state is the network's memory
  (the LSTM state for DKT, the recent interactions for SAKT); it answers with the predicted
  probability and its memory advances with each answer.

The learner's item space is ``curriculum.all_items``; :func:`fitted_curriculum` builds a
curriculum from the model's tokens (one item per skill at skill level, one per question at
question level). :class:`FittedLearner` is the learner model ``"fitted"`` of
:data:`edusim.learners.LEARNERS` (registered there by name, so ``edusim.learners`` never
imports ``edusim.kt``): ``edusim.learners.make("fitted", curriculum, path="runs/kt/model.pt")``.

Example:
    >>> import pandas as pd
    >>> from edusim.kt import FitSpec, fit
    >>> df = pd.DataFrame({"user_id": list("aabb"), "item_id": ["q1", "q2"] * 2,
    ...                    "skill_ids": [["s1"], ["s2"]] * 2, "timestamp": range(4),
    ...                    "correct": [False, True, True, True]})
    >>> learner = learner_from_model(fit(FitSpec("bkt"), df))
    >>> learner.n_skills, learner.n_items
    (2, 2)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from edusim.curriculum import Curriculum, Item, ItemBank, SkillGraph
from edusim.learners.base import LearnerKind, LearnerModel, RandomSource
from edusim.learners.bkt import BKTLearner, BKTParams, ForgetMode

if TYPE_CHECKING:
    from edusim.kt.bkt_fit import FittedBKT
    from edusim.kt.fitted import FittedModel, FittedNeural
    from edusim.kt.sequences import Vocabulary

__all__ = [
    "FittedLearner",
    "FittedLearnerParams",
    "KTState",
    "NeuralKTLearner",
    "fitted_curriculum",
    "bkt_learner",
    "learner_from_model",
]

_MAX_TEST_ITEMS = 3
_GUESS_SLIP_CAP = 0.98


def fitted_curriculum(vocab: Vocabulary, name: str = "fitted") -> Curriculum:
    """A curriculum over the model's skills: one item per token, no prerequisites.

    The post-test of a skill is (up to three of) its items.
    """
    skills = vocab.skills
    items = [Item(str(token), tuple(s)) for token, s in zip(vocab.tokens[1:],
                                                             vocab.token_skills[1:], strict=True)
             if s]
    tests = {s: tuple(i.id for i in items if s in i.skills)[:_MAX_TEST_ITEMS] for s in skills}
    return Curriculum(name, SkillGraph(skills), ItemBank(tuple(items)), tests,
                      description=f"one item per {vocab.level.value} of a fitted model")


def _skill_level(vocab: Vocabulary) -> bool:
    return vocab.level.value == "skill"


def _item_tokens(vocab: Vocabulary, curriculum: Curriculum) -> np.ndarray:
    """Token id of every item of ``curriculum.all_items`` (its first skill, or its id)."""
    lookup = {name: i + 1 for i, name in enumerate(vocab.tokens)}
    tokens = []
    for item in curriculum.all_items:
        key = item.skills[0] if _skill_level(vocab) else item.id
        if key not in lookup or key == vocab.tokens[0]:
            raise ValueError(
                f"item {item.id!r}: {vocab.level.value} {key!r} is unknown to the fitted model "
                "(build the curriculum with edusim.kt.fitted_learner.fitted_curriculum)"
            )
        tokens.append(lookup[key])
    return np.asarray(tokens, dtype=np.int64)


def bkt_learner(model: FittedBKT, curriculum: Curriculum | None = None) -> BKTLearner:
    """A :class:`BKTLearner` with the fitted per-skill parameters (skill-level fits only)."""
    if not _skill_level(model.vocab):
        raise ValueError("a BKT learner needs a skill-level BKT fit")
    curriculum = curriculum or fitted_curriculum(model.vocab)
    lookup = {name: i + 1 for i, name in enumerate(model.vocab.tokens)}
    missing = [s for s in curriculum.graph.skills if s not in lookup]
    if missing:
        raise ValueError(f"curriculum skills {missing[:5]} are unknown to the fitted BKT model")
    index = np.array([lookup[s] for s in curriculum.graph.skills])
    guess, slip = model.guess[index], model.slip[index]
    # BKTLearner needs guess + slip < 1 (knowing helps): shrink the rare fits that break it.
    scale = np.minimum(1.0, _GUESS_SLIP_CAP / (guess + slip))
    params = BKTParams(
        p_init=tuple(model.prior[index]),
        p_learn=tuple(model.learn[index]),
        p_guess=tuple(guess * scale),
        p_slip=tuple(slip * scale),
        p_forget=tuple(model.forget[index]),
        forget_on=ForgetMode.PRACTICE,
        prereq_gate=1.0,
        learn_rate_sd=0.0,
        init_from_prerequisites=False,
    )
    return BKTLearner(curriculum, params)


@dataclass
class KTState:
    """Batched neural-KT state: ``memory (n, D)`` float32, one network memory per learner."""

    memory: np.ndarray


class NeuralKTLearner(LearnerModel[KTState]):
    """Learners simulated by a fitted DKT or SAKT network.

    Args:
        model: The fitted network.
        curriculum: Items to answer (default :func:`fitted_curriculum` of the model).
    """

    def __init__(self, model: FittedNeural, curriculum: Curriculum | None = None) -> None:
        from edusim.kt.simulate import MemoryRunner

        self.fitted = model
        self.runner = MemoryRunner(model.model)
        self.curriculum = curriculum or fitted_curriculum(model.vocab)
        self.n_skills = self.curriculum.n_skills
        self.n_items = len(self.curriculum.all_items)
        self.item_tokens = _item_tokens(model.vocab, self.curriculum)
        q = self.curriculum.all_items.q_matrix(self.curriculum.graph).astype(np.float64)
        # Mastery of a skill: the mean P(correct) over the items that exercise it.
        self._skill_average = q / np.maximum(q.sum(axis=0, keepdims=True), 1.0)

    def init_state(self, n: int, rng: RandomSource) -> KTState:
        return KTState(memory=self.runner.init(n))

    def p_correct_matrix(self, state: KTState, items: np.ndarray) -> np.ndarray:
        items = self.check_items(items)
        return self.runner.probabilities(state.memory)[:, self.item_tokens[items]]

    def p_correct(self, state: KTState, items: np.ndarray) -> np.ndarray:
        items = self.check_items(items)
        p = self.runner.probabilities(state.memory)
        return p[np.arange(p.shape[0]), self.item_tokens[items]]

    def update(
        self, state: KTState, items: np.ndarray, correct: np.ndarray, rng: RandomSource
    ) -> KTState:
        items = self.check_items(items)
        tokens = self.item_tokens[items][:, None]
        return KTState(memory=self.runner.advance(state.memory, tokens, correct))

    def mastery(self, state: KTState) -> np.ndarray:
        return self.runner.probabilities(state.memory)[:, self.item_tokens] @ self._skill_average


def learner_from_model(
    model: FittedModel, curriculum: Curriculum | None = None
) -> LearnerModel:
    """The learner model of a fitted BKT, DKT or SAKT model: ``model.as_learner(curriculum)``."""
    return model.as_learner(curriculum)


@dataclass(frozen=True)
class FittedLearnerParams:
    """Attributes:
    path: A model file written by :func:`edusim.kt.save_model` (``edusim kt fit``).
    """

    path: str | os.PathLike


class FittedLearner(LearnerKind):
    """The learner-model kind ``"fitted"``: the learners of a saved KT model."""

    params_class = FittedLearnerParams
    own_curriculum = True

    @classmethod
    def build(cls, curriculum: Curriculum | None, **params) -> LearnerModel:
        from edusim.config import config_from_kwargs
        from edusim.kt.fitted import load_model

        settings = config_from_kwargs(FittedLearnerParams, params, "learner model 'fitted'")
        return load_model(settings.path).as_learner(curriculum)
