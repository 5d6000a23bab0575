"""`edusim run` grids accept the DataGen envs and teachers."""

from __future__ import annotations

from pathlib import Path

from edusim.experiments import ExperimentSpec, run_spec
from tests.datagen.conftest import IDS, TINY

EXAMPLE = Path(__file__).parents[2] / "examples" / "datagen_grid.toml"


def test_grid_runs_datagen_envs_and_the_example_spec_parses(tmp_path):
    spec = ExperimentSpec.from_dict({
        "name": "datagen", "seeds": [0],
        "envs": [{"id": env_id, "kwargs": {**TINY, "max_episode_steps": 2}} for env_id in IDS],
        "teachers": ["state-free", "weakest-first"],
    })
    results = run_spec(spec, tmp_path / "grid", workers=1)
    assert len(results) == 3 * 2 and set(results["teacher"]) == {"state-free", "weakest-first"}
    assert (results["steps"] == 2).all()
    example = ExperimentSpec.load(EXAMPLE)
    assert {e.id for e in example.envs} == set(IDS) and len(example.teachers) == 5
