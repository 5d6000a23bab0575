"""Tiny DataGen settings: a 16-wide one-layer student, 3 steps a round, 4 problems a sub-skill."""

from __future__ import annotations

import pytest

from tests.helpers import one_torch_thread

IDS = ["edusim/DataGenOpen-v0", "edusim/DataGenSkillList-v0", "edusim/DataGenSkillTree-v0"]
TINY = {"student": {"d_model": 16, "n_heads": 2, "n_layers": 1, "steps": 3, "batch_size": 16},
        "eval_per_subskill": 4, "budget": 24}


@pytest.fixture(autouse=True)
def _one_thread():
    with one_torch_thread():
        yield
