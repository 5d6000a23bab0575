"""The teacher table: declared support decides compatibility; named configurations."""

from __future__ import annotations

import dataclasses

import gymnasium as gym
import pytest

import edusim  # noqa: F401
from edusim import agents
from edusim.config import config_fields

#: What building every teacher with its defaults accepted before support was declared.
BUILT_BEFORE = {
    "edusim/Tutor-v0": ["exp3", "fixed-order", "llm", "mastery-threshold", "random", "zpdes"],
    "edusim/TutorLogistic-v0": ["exp3", "fixed-order", "llm", "mastery-threshold", "random",
                                "zpdes"],
    "edusim/KSS-v0": ["random"],
    "edusim/TaskSpace-v0": ["alp-gmm", "covar-gmm", "covar-gmm-fast", "llm", "random", "riac"],
}


@pytest.mark.parametrize("env_id", sorted(BUILT_BEFORE))
def test_declared_support_matches_what_builds(env_id: str) -> None:
    env = gym.make(env_id)
    usable = agents.compatible(env)
    assert usable == BUILT_BEFORE[env_id]
    for name in agents.names():
        if name == "ppo":
            continue
        try:
            agents.make(name, env, seed=0)
            built = True
        except ValueError:
            built = False
        assert built == (name in usable), name


def test_every_entry_declares_a_display_name_support_and_family() -> None:
    for name in agents.names():
        entry = agents.TEACHERS.entry(name)
        assert entry.display_name and entry.description.endswith(".")
        assert set(entry.metadata["supports"]) <= set(agents.registry.TRAITS), name
        assert entry.metadata["family"] in {"baseline", "learning-progress", "bandit", "rl", "llm"}
        settings = set(entry.metadata.get("config", {}))
        assert settings <= set(config_fields(agents.teacher_class(name).config_class)), name


def test_covar_gmm_defaults_are_the_reference_and_fast_is_a_named_configuration() -> None:
    env = gym.make("edusim/TaskSpace-v0")
    assert agents.make("covar-gmm", env).config.fit_rate == 250  # teachDRL covar_gmm.py
    fast = agents.make("covar-gmm-fast", env)
    assert type(fast) is agents.teacher_class("covar-gmm") and fast.config.fit_rate == 20
    assert fast.name == "covar-gmm-fast"
    assert agents.make("covar-gmm-fast", env, fit_rate=30).config.fit_rate == 30  # caller wins
    tutor_baselines = agents.compatible(gym.make("edusim/Tutor-v0"), family="baseline")
    assert tutor_baselines == ["fixed-order", "mastery-threshold", "random"]


def test_defaults_live_in_the_config_dataclass_only() -> None:
    env = gym.make("edusim/TaskSpace-v0")
    for name in ("alp-gmm", "riac", "covar-gmm"):
        cls = agents.teacher_class(name).config_class
        assert agents.make(name, env).config == cls()
        first = dataclasses.fields(cls)[0]
        assert getattr(agents.make(name, env, **{first.name: first.default}).config,
                       first.name) == first.default
