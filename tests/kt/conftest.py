"""Fixtures for the knowledge-tracing tests: small data simulated from a known BKT."""

import pytest

from edusim.curriculum import Curriculum, SkillGraph
from edusim.kt.synthetic import simulate
from edusim.learners import BKTLearner, BKTParams
from tests.helpers import one_torch_thread

#: The ground truth the BKT recovery test checks against (per skill).
TRUE_PARAMS = {
    "p_init": (0.2, 0.5, 0.1),
    "p_learn": (0.15, 0.3, 0.1),
    "p_guess": (0.2, 0.15, 0.25),
    "p_slip": (0.1, 0.08, 0.12),
}


def bkt_truth() -> tuple[Curriculum, BKTLearner]:
    curriculum = Curriculum.from_graph(SkillGraph(["a", "b", "c"]), items_per_skill=1)
    return curriculum, BKTLearner(curriculum, BKTParams(**TRUE_PARAMS, learn_rate_sd=0.0))


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """Tiny tensors: one intra-op thread avoids oversubscribing the cores (pytest -n 2)."""
    with one_torch_thread():
        yield


@pytest.fixture(scope="session")
def bkt_frame():
    """2,000 learners x 30 steps from :data:`TRUE_PARAMS`."""
    curriculum, model = bkt_truth()
    return simulate(model, curriculum, learners=2000, steps=30, seed=1)


@pytest.fixture(scope="session")
def small_frame():
    """200 learners x 25 steps: enough for seconds-long neural smoke runs."""
    curriculum, model = bkt_truth()
    return simulate(model, curriculum, learners=200, steps=25, seed=2)
