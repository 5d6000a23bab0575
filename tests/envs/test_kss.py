"""``edusim/KSS-v0``: the port against transcriptions of the original, and what only KSS does."""

from __future__ import annotations

import math
import random

import gymnasium as gym
import networkx as nx
import numpy as np
import pytest

import edusim  # noqa: F401  (registers the ids)
from edusim.curriculum import CurriculumError, load_builtin
from edusim.envs.kss import KSSEnv, KSSVectorEnv
from edusim.envs.kss_batch import InvalidActionError, PoolExhaustedError
from edusim.learners import make
from edusim.learners.kss import (
    KSS_DIFFICULTY,
    KSS_EDGES,
    KSSLearner,
    KSSState,
    kss_curriculum,
    stack_topological_order,
)
from edusim.streams import LearnerStreams

ENV_ID = "edusim/KSS-v0"
GRAPH = nx.DiGraph(KSS_EDGES)  # node order 0,1,2,3,4,8,5,9,6,7, as the original builds it


# -- direct transcriptions of EduSim 0.0.2 (Envs/KS.py, Envs/KSS/Learner.py, Env.py) ----------
def _bfs(pnode, hop, candidates):
    """``bfs`` with ``allow_shortcut=False`` and no visit counts."""
    candidates.add(pnode)
    if hop == 0:
        return
    for node in list(GRAPH.predecessors(pnode)):
        _bfs(node, hop - 1, candidates)
    for node in list(GRAPH.successors(pnode)):
        candidates.add(node)


def _influence_control(pnode):
    """``influence_control(allow_shortcut=False, target=..., legal_candidates=None)``."""
    candidates = set(GRAPH.successors(pnode))
    # `not graph.predecessors(pnode)` is `not <iterator>`, never true in networkx >= 2
    for node in list(GRAPH.predecessors(pnode)):
        _bfs(node, 1, candidates)
    if candidates:
        candidates.add(pnode)
    return list(candidates) or list(GRAPH.nodes)


def _learn(a, history, item):
    """``Learner.learn``: gate on the last learned point, grow, spill over recursively."""
    if history and item not in _influence_control(history[-1]):
        return
    history.append(item)
    discount = math.exp(sum([(5 - a[node]) for node in GRAPH.predecessors(item)] + [0]))
    inc = (5 - a[item]) * (1 / discount) * 0.5

    def promote(ind, inc):
        a[ind] += inc
        if a[ind] > 5:
            a[ind] = 5
        for node in GRAPH.successors(ind):
            promote(node, inc * 0.5)

    promote(item, inc)


def _irt(ability, difficulty):
    return 0.25 + 0.75 / (1 + math.exp(-1.7 * 5 * (ability - difficulty)))


def _warm_up(a, u, order=(6, 7, 5, 0, 2, 1, 3, 4, 8, 9), step=20):
    """``_learner_warm_up`` (ORDER_RATIO = 1, review_times = 1), round ``r`` using ``u[r]``."""
    learned, exercises = [], []

    def practice(item):
        _learn(a, learned, item)
        exercises.append([item, int(_irt(a[item], KSS_DIFFICULTY[item]) >= 0.5)])

    r = 0
    while len(exercises) < step:
        if exercises and exercises[-1][1] == 1 and len({e[0] for e in exercises[-3:]}) > 1:
            if len(exercises) < step - 1:
                practice(exercises[-1][0])
            item = learned[-1]
        elif exercises and exercises[-1][1] == 0 and u[r][0] < 0.7:
            item = exercises[-1][0]
        elif u[r][1] < 0.9:
            weak = [i for i in order if _irt(a[i], KSS_DIFFICULTY[i]) < 0.6]
            if not weak:
                break
            item = weak[0]
        else:
            item = int(u[r][2] * 10)
        practice(item)
        r += 1
    return learned, exercises


def _state(ability, last):
    n = len(ability)
    return KSSState(
        ability=np.array(ability, dtype=np.float64),
        target=np.ones((n, 10), dtype=bool),
        last_learned=np.array(last, dtype=np.int64),
        last_result=np.full((n, 10), -1, dtype=np.int8),
    )


# -- the learner model against the original ---------------------------------------------------
def test_bank_and_warmup_order_are_the_originals():
    rnd = random.Random(10)  # the original's default seed; the bank is its first draws
    values = sorted(rnd.randint(0, 5) for _ in range(10))
    difficulty = [0] * 10
    for index, point in enumerate((5, 0, 1, 2, 3, 4, 6, 7, 8, 9)):
        difficulty[point] = values[index]
    assert tuple(float(d) for d in difficulty) == KSS_DIFFICULTY
    model = KSSLearner()
    assert model.warmup_order.tolist() == stack_topological_order(GRAPH)
    assert stack_topological_order(GRAPH) == [6, 7, 5, 0, 2, 1, 3, 4, 8, 9]


def test_learnable_points_match_influence_control():
    model = KSSLearner()
    for last in range(10):
        expected = np.zeros(10, dtype=bool)
        expected[_influence_control(last)] = True
        assert model.allowed[last].tolist() == expected.tolist(), last
    assert model.allowed[-1].all()  # nothing learned yet: everything is learnable


def test_growth_rule_matches_the_recursion_on_random_states():
    rng = np.random.default_rng(0)
    model = KSSLearner()
    n = 2000
    ability = rng.uniform(-4, 5, size=(n, 10))
    ability[rng.random((n, 10)) < 0.2] = 5.0  # at the cap
    near = rng.random((n, 10)) < 0.2
    ability[near] = 5.0 - rng.uniform(0, 0.05, size=near.sum())  # spill-over hits the cap
    last = rng.integers(-1, 10, size=n)
    items = rng.integers(0, 10, size=n)
    new = model.update(_state(ability, last), items, np.zeros(n, dtype=bool), rng)
    capped = 0
    for i in range(n):
        a, history = ability[i].tolist(), ([] if last[i] < 0 else [int(last[i])])
        _learn(a, history, int(items[i]))
        np.testing.assert_allclose(new.ability[i], a, rtol=0, atol=1e-12)
        assert new.last_learned[i] == (history[-1] if history else -1)
        capped += int((np.array(a) == 5).sum() > (ability[i] == 5).sum())
    assert capped > 50  # the cap was exercised
    assert (new.ability != ability).any(axis=1).mean() > 0.3  # and so was learning


def test_warm_up_matches_the_original_policy():
    model = KSSLearner()
    n = 300
    streams = LearnerStreams.from_seeds(range(n))
    # what init_state draws, in its order: ability level, target size, target order, rounds
    draws = LearnerStreams.from_seeds(range(n))
    level = -3 + np.floor(draws.random((n, 10)) * 4)
    for size in ((n, 1), (n, 10)):
        draws.random(size)
    u = draws.random((n, 20, 3))
    state = model.init_state(n, streams)
    lengths = []
    for i in range(n):
        a = [float(level[i, k]) - 0.1 * k for k in range(10)]
        learned, exercises = _warm_up(a, u[i])
        np.testing.assert_allclose(state.ability[i], a, rtol=0, atol=1e-12)
        assert state.last_learned[i] == learned[-1]
        latest = dict((item, ok) for item, ok in exercises)
        assert {k: int(v) for k, v in enumerate(state.last_result[i]) if v >= 0} == latest
        lengths.append(len(exercises))
    assert set(lengths) == {20}


def test_pass_thresholds_equal_the_irt_test():
    model = KSSLearner()
    rng = np.random.default_rng(3)
    items = np.arange(10)[None, :]
    for level, threshold in ((0.5, model.pass_ability), (0.6, model.strong_ability)):
        near = threshold + rng.uniform(-1e-12, 1e-12, size=(5000, 10))
        edges = np.stack([threshold, np.nextafter(threshold, -np.inf)])
        for ability in (near, edges, rng.uniform(-4, 5, size=(5000, 10))):
            assert np.array_equal(model.irt(ability, items) >= level, ability >= threshold)


def test_population_draws():
    model = KSSLearner()
    state = model.init_state(4000, LearnerStreams.from_seeds(range(4000)))
    sizes = state.target.sum(axis=1)
    assert sizes.min() == 3 and sizes.max() == 10
    assert state.target.mean(axis=0).min() > 0.5  # every point is a target about equally often
    assert (state.ability <= 5).all() and (state.ability >= -3.9 - 1e-9).all()


def test_learner_registry():
    assert isinstance(make("kss", kss_curriculum()), KSSLearner)
    with pytest.raises(CurriculumError, match="exactly skill"):
        make("kss", load_builtin("fractions"))


# -- the environment (the contract itself is tests/envs/test_env_api.py) -------------------
def test_rewards_telescope_to_the_original_episode_reward():
    env = gym.make(ENV_ID)
    _, info = env.reset(seed=11)
    total, rng = 0.0, np.random.default_rng(0)
    truncated = False
    while not truncated:
        _, reward, _, truncated, info = env.step(int(rng.integers(10)))
        total += reward
    expected = (info["exam"] - info["initial_exam"]) / info["target_size"]
    assert info["learning_gain"] == pytest.approx(expected)
    assert total == pytest.approx(expected)


def test_copy_mode_keeps_the_pool_and_mutate_mode_keeps_gains():
    def two_episodes(mode):
        env = KSSEnv(pool_size=1, learner_mode=mode)
        env.reset(seed=0)
        start = env._batch.state.ability.copy()
        for action in (6, 7, 8, 9, 5, 4):
            env.step(action)
        end = env._batch.state.ability.copy()
        env.reset()
        return start, end, env._batch.state.ability.copy()

    start, end, again = two_episodes("copy")
    assert (end > start).any() and np.array_equal(again, start)
    start, end, again = two_episodes("mutate")
    assert (end > start).any() and np.array_equal(again, end)


def test_mutate_mode_exhausts_a_small_pool():
    env = KSSEnv(pool_size=1, learner_mode="mutate")
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    with pytest.raises(PoolExhaustedError, match="pool_size=1"):
        for _ in range(20):  # random learnable points until the one learner passes everything
            for _ in range(100):
                last = env._batch.state.last_learned[0]
                env.step(int(rng.choice(np.flatnonzero(env.learner_model.allowed[last]))))
            env.reset()


def test_drawn_learners_still_have_something_to_learn():
    vec = KSSVectorEnv(num_envs=256)
    _, info = vec.reset(seed=0)
    assert (info["exam"] < info["target_size"]).all()


def test_invalid_actions_raise():
    env = gym.make(ENV_ID)
    env.reset(seed=0)
    for bad in (10, -1, 2.5):
        with pytest.raises(InvalidActionError):
            env.step(bad)
    assert issubclass(InvalidActionError, ValueError)
    vec = KSSVectorEnv(num_envs=2)
    vec.reset(seed=0)
    with pytest.raises(InvalidActionError, match="expected 2"):
        vec.step(np.array([1, 2, 3]))
