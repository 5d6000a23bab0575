"""The single tutoring env's one-learner fast paths change no trajectory.

A batch of one takes the scalar twins declared with :func:`edusim.one_learner.fast_path`
(Python-int random streams, scalar BKT practice and ``p_correct``, scalar bookkeeping of what
the teacher observes); these tests pin them to the batched code and to trajectories recorded
before the fast paths existed. The contract suite (``test_env_api.py``) also runs every id with
the twins off (``batched_only()``) and requires the same trajectory.
"""

from __future__ import annotations

import hashlib

import gymnasium as gym
import numpy as np
import pytest

import edusim  # noqa: F401  (registers the ids)
from edusim.learners import BKTLearner, BKTParams, LogisticLearner
from edusim.streams import LearnerStreams
from tests.envs.curricula import MULTI

# (id, seed) -> (obs digest, answers digest, episode returns, final post-test), recorded with
# the code before the single-env fast paths (commit ab2b129). Observations are ratios of small
# integers and answers are bits, so both are exact on every platform.
GOLDEN = {
    ("edusim/Tutor-v0", 0): ("155502886b8ceb86", "c3172448bf368154",
                             [0.095454545, 0.190909091, 0.127272727], 0.2),
    ("edusim/Tutor-v0", 7): ("3966b5d6175f247a", "83ceb9a0b6e08ce7",
                             [0.095454545, 0.031818182, 0.095454545], 0.2),
    ("edusim/TutorLogistic-v0", 0): ("79d517bd7be8812e", "0f212166f60baffa",
                                     [0.235212783, 0.245006621, 0.244460597], 0.232633312),
    ("edusim/TutorLogistic-v0", 7): ("315de9cab604ba50", "08e9937973f8f426",
                                     [0.055202362, 0.053480826, 0.2459792], 0.508743489),
}


def _digest(env_id: str, seed: int, steps: int = 300) -> tuple:
    env = gym.make(env_id)
    obs, info = env.reset(seed=seed)
    actions = np.random.default_rng(seed + 1).integers(0, env.action_space.n, size=steps)
    seen = hashlib.sha256(obs.tobytes())
    answers, returns, total = [], [], 0.0
    for action in actions:
        obs, reward, terminated, truncated, info = env.step(action)
        seen.update(obs.tobytes())
        answers.append(str(int(info["correct"])))
        total += reward
        if terminated or truncated:
            returns.append(total)
            total = 0.0
            obs, info = env.reset()
            seen.update(obs.tobytes())
    answered = hashlib.sha256("".join(answers).encode()).hexdigest()[:16]
    return seen.hexdigest()[:16], answered, returns, info["post_test"]


@pytest.mark.parametrize(("env_id", "seed"), list(GOLDEN))
def test_trajectories_are_those_recorded_before_the_fast_paths(env_id: str, seed: int) -> None:
    obs, answers, returns, post_test = _digest(env_id, seed)
    want_obs, want_answers, want_returns, want_post_test = GOLDEN[env_id, seed]
    assert (obs, answers) == (want_obs, want_answers)
    assert returns == pytest.approx(want_returns, abs=1e-8)
    assert post_test == pytest.approx(want_post_test, abs=1e-8)


@pytest.mark.parametrize("forget_on", ["step", "practice"])
@pytest.mark.parametrize("learner", ["bkt", "logistic"])
def test_learner_of_a_batch_of_one_equals_its_row_in_a_batch(learner: str, forget_on: str) -> None:
    if learner == "bkt":
        model = BKTLearner(MULTI, BKTParams(p_forget=0.1, forget_on=forget_on, p_learn=0.5,
                                            learn_rate_sd=0.5))
    else:
        model = LogisticLearner(MULTI)
    seeds = [4, 9, 2]
    batch = LearnerStreams.from_seeds(seeds)
    singles = [LearnerStreams.from_seeds([s]) for s in seeds]
    state = model.init_state(3, batch)
    states = [model.init_state(1, s) for s in singles]
    actions = np.random.default_rng(5).integers(0, MULTI.n_items, (60, 3))
    for items in actions:
        p = model.p_correct(state, items)
        correct = model.respond(state, items, batch)
        state = model.update(state, items, correct, batch)
        for j in range(3):
            assert model.p_correct(states[j], items[j : j + 1])[0] == p[j]
            c = model.respond(states[j], items[j : j + 1], singles[j])
            states[j] = model.update(states[j], items[j : j + 1], c, singles[j])
            assert c[0] == correct[j]
    for j in range(3):
        assert np.array_equal(model.mastery(states[j])[0], model.mastery(state)[j])


@pytest.mark.parametrize("count", [0, 1, 2, 3, 8, 9, 20])
def test_one_learner_streams_draw_the_rows_of_a_batch(count: int) -> None:
    keys = np.array([0, 2**64 - 1, 12345, 2**63], dtype=np.uint64)
    batch = LearnerStreams(keys)
    singles = [LearnerStreams(keys[j : j + 1]) for j in range(len(keys))]
    for _ in range(3):
        drawn = batch.random((len(keys), count))
        for j, single in enumerate(singles):
            assert single.random((1, count)).tobytes() == drawn[j : j + 1].tobytes()
            assert single.counters[0] == batch.counters[j]
    cube = batch.random((len(keys), 2, 2))
    assert all(np.array_equal(s.random((1, 2, 2)), cube[j : j + 1]) for j, s in enumerate(singles))
    normal = batch.standard_normal((len(keys),))
    assert [s.standard_normal((1,))[0] for s in singles] == normal.tolist()
