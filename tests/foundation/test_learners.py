from __future__ import annotations

import numpy as np
import pytest

from edusim import learners
from edusim.curriculum import Curriculum, SkillGraph, load_builtin
from edusim.learners import BKTLearner, BKTParams, LogisticLearner, LogisticParams
from edusim.streams import LearnerStreams

CURRICULUM = load_builtin("fractions")


def _models(forgetting: bool) -> list:
    return [
        BKTLearner(CURRICULUM, BKTParams(p_forget=0.05 if forgetting else 0.0, learn_rate_sd=0.5)),
        LogisticLearner(CURRICULUM, LogisticParams(forget_steps=20 if forgetting else np.inf)),
    ]


@pytest.mark.parametrize("model", _models(forgetting=True), ids=["bkt", "logistic"])
def test_probabilities_in_unit_interval(model) -> None:
    rng = np.random.default_rng(0)
    state = model.init_state(200, rng)
    for _ in range(30):
        items = rng.integers(0, model.n_items, 200)
        p = model.p_correct(state, items)
        assert p.shape == (200,) and ((p >= 0) & (p <= 1)).all()
        matrix = model.p_correct_matrix(state, np.arange(model.n_items))
        assert matrix.shape == (200, model.n_items)
        assert ((matrix >= 0) & (matrix <= 1)).all()
        np.testing.assert_allclose(matrix[np.arange(200), items], p)
        m = model.mastery(state)
        assert m.shape == (200, model.n_skills) and ((m >= 0) & (m <= 1)).all()
        state = model.update(state, items, model.respond(state, items, rng), rng)


@pytest.mark.parametrize("model", _models(forgetting=False), ids=["bkt", "logistic"])
def test_mastery_does_not_fall_after_practice_without_forgetting(model) -> None:
    rng = np.random.default_rng(1)
    state = model.init_state(500, rng)
    start = model.mastery(state)
    for _ in range(20):
        items = rng.integers(0, len(CURRICULUM.items), 500)
        before = model.mastery(state)
        state = model.update(state, items, model.respond(state, items, rng), rng)
        assert (model.mastery(state) >= before - 1e-12).all()
    assert model.mastery(state).mean() > start.mean()


def test_bkt_prerequisites_gate_learning() -> None:
    curriculum = Curriculum.from_graph(SkillGraph.chain(2), items_per_skill=1, seed=0)
    item_b = curriculum.items_for_skill("s1")[0]
    learned = {}
    for gate in (0.0, 1.0):
        model = BKTLearner(curriculum, BKTParams(p_init=0.0, p_learn=0.5, prereq_gate=gate))
        rng = np.random.default_rng(0)
        state = model.init_state(2000, rng)
        items = np.full(2000, item_b)
        state = model.update(state, items, np.zeros(2000, bool), rng)
        learned[gate] = model.mastery(state)[:, 1].mean()
    assert learned[0.0] == 0.0
    assert 0.45 < learned[1.0] < 0.55


def test_logistic_forgetting_decays_toward_baseline() -> None:
    model = LogisticLearner(CURRICULUM, LogisticParams(ability_sd=0.0, forget_steps=5))
    rng = np.random.default_rng(0)
    state = model.init_state(1, rng)
    practised = CURRICULUM.items_for_skill("parts")[:1]
    other = CURRICULUM.items_for_skill("div")[:1]
    for _ in range(10):
        state = model.update(state, practised, np.array([True]), rng)
    peak = model.mastery(state)[0, 0]
    for _ in range(30):
        state = model.update(state, other, np.array([True]), rng)
    assert model.mastery(state)[0, 0] < peak - 0.2


def test_batch_of_n_equals_n_batches_of_one() -> None:
    model = BKTLearner(CURRICULUM, BKTParams(p_forget=0.02, learn_rate_sd=0.3))
    seeds = [5, 6, 7]
    batch = LearnerStreams.from_seeds(seeds)
    singles = [LearnerStreams.from_seeds([s]) for s in seeds]
    state = model.init_state(3, batch)
    states = [model.init_state(1, s) for s in singles]
    actions = np.random.default_rng(0).integers(0, len(CURRICULUM.items), (40, 3))
    for items in actions:
        correct = model.respond(state, items, batch)
        state = model.update(state, items, correct, batch)
        for j in range(3):
            c = model.respond(states[j], items[j : j + 1], singles[j])
            states[j] = model.update(states[j], items[j : j + 1], c, singles[j])
            assert c[0] == correct[j]
    for j in range(3):
        assert np.array_equal(states[j].known[0], state.known[j])


def test_invalid_parameters_and_items() -> None:
    with pytest.raises(ValueError, match="p_learn must lie in"):
        BKTParams(p_learn=1.5)
    with pytest.raises(ValueError, match="p_guess \\+ p_slip"):
        BKTParams(p_guess=0.6, p_slip=0.5)
    with pytest.raises(ValueError, match="BKTParams.p_init has 2 values for 3 skills"):
        BKTParams(p_init=[0.1, 0.2]).per_skill("p_init", 3)
    assert BKTParams(p_learn=[0.1, 0.2, 0.3]).p_learn == (0.1, 0.2, 0.3)  # stored as a tuple
    with pytest.raises(ValueError, match="LogisticParams.beta must be finite"):
        LogisticParams(beta=[0.0, float("nan")])
    with pytest.raises(ValueError, match="LogisticParams.gamma has 1 values for 2 skills"):
        LogisticParams(gamma=[0.5]).per_skill("gamma", 2)
    with pytest.raises(ValueError, match="unknown learner model 'dkt2'"):
        learners.make("dkt2", CURRICULUM)
    model = learners.make("bkt", CURRICULUM)
    state = model.init_state(1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="item index 999 out of range"):
        model.p_correct(state, np.array([999]))
