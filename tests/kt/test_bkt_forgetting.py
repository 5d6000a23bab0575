"""BKT forgetting per practice: the simulator and the EM fit mean the same thing by it."""

from __future__ import annotations

import numpy as np
import pytest

from edusim.curriculum import Curriculum, SkillGraph
from edusim.kt import BKTFitConfig, Vocabulary, encode, fit_bkt
from edusim.kt.fitted_learner import bkt_learner
from edusim.kt.synthetic import simulate
from edusim.learners import BKTLearner, BKTParams, ForgetMode

CURRICULUM = Curriculum.from_graph(SkillGraph(["a", "b", "c"]), items_per_skill=1)
TRUTH = {
    "p_init": (0.3, 0.5, 0.2),
    "p_learn": (0.2, 0.3, 0.15),
    "p_guess": (0.2, 0.15, 0.25),
    "p_slip": (0.1, 0.08, 0.12),
    "p_forget": (0.1, 0.05, 0.15),
}


def _known_after_one_step(mode: str) -> tuple[np.ndarray, np.ndarray]:
    """All skills known, everyone practises skill a once: which skills stay known."""
    model = BKTLearner(CURRICULUM, BKTParams(p_init=1.0, p_learn=0.0, p_forget=0.2,
                                             forget_on=mode, init_from_prerequisites=False))
    rng = np.random.default_rng(0)
    state = model.init_state(20_000, rng)
    item = CURRICULUM.items_for_skill("a")[0]
    items = np.full(20_000, item)
    state = model.update(state, items, model.respond(state, items, rng), rng)
    return state.known.mean(axis=0), model.q_matrix[item]


def test_practice_mode_forgets_only_the_practised_skill() -> None:
    kept, practised = _known_after_one_step("practice")
    assert practised.tolist() == [True, False, False]
    assert abs(kept[0] - 0.8) < 4 * np.sqrt(0.2 * 0.8 / 20_000)
    assert kept[1:].tolist() == [1.0, 1.0]


def test_step_mode_forgets_every_skill() -> None:
    kept, _ = _known_after_one_step("step")
    np.testing.assert_allclose(kept, 0.8, atol=4 * np.sqrt(0.2 * 0.8 / 20_000))


def test_forget_mode_is_validated() -> None:
    assert BKTParams(forget_on="practice").forget_on is ForgetMode.PRACTICE
    with pytest.raises(ValueError, match="sometimes"):
        BKTParams(forget_on="sometimes")


def test_fit_recovers_forgetting_and_the_fitted_learner_forgets_per_practice() -> None:
    truth = BKTLearner(CURRICULUM, BKTParams(**TRUTH, forget_on="practice",
                                             init_from_prerequisites=False))
    frame = simulate(truth, CURRICULUM, learners=1500, steps=40, seed=4)
    vocab = Vocabulary.from_frame(frame)
    model = fit_bkt(encode(frame, vocab), vocab,
                    BKTFitConfig(forgetting=True, restarts=1, max_iter=300, tol=1e-4,
                                 device="cpu"))
    index = [vocab.tokens.index(s) + 1 for s in ("a", "b", "c")]
    np.testing.assert_allclose(model.forget[index], TRUTH["p_forget"], atol=0.04)
    np.testing.assert_allclose(model.learn[index], TRUTH["p_learn"], atol=0.05)
    learner = bkt_learner(model, CURRICULUM)
    assert learner.params.forget_on is ForgetMode.PRACTICE
    assert learner.params.prereq_gate == 1.0 and not learner.params.init_from_prerequisites
