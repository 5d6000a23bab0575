"""The grid on a local Ray instance: resources, lost workers, joining by address, a killed
driver. One Ray instance serves the module (Ray starts slowly on small machines)."""

from __future__ import annotations

import json
import sys

import pandas as pd
import pytest

from edusim.experiments import ExperimentSpec, run_spec
from tests.experiments.grid_helpers import ENV_ID
from tests.experiments.test_grid_faults import kill_driver_and_wait

ray = pytest.importorskip("ray", reason="the ray extra is not installed")

COLUMNS = ["env", "teacher", "seed", "return", "learning_gain"]


@pytest.fixture(scope="module")
def cluster():
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()


def _spec(tmp_path, fail: str = "", **extra) -> ExperimentSpec:
    kwargs = {"marker": str(tmp_path), "fail": fail}
    return ExperimentSpec.from_dict({
        "seeds": 2, "teachers": ["random"],
        "envs": [{"id": ENV_ID, "label": "flaky", "kwargs": kwargs}], **extra})


def test_trials_declare_their_resources(cluster, tmp_path):
    from edusim.experiments.grid import run_grid

    record = tmp_path / "resources.json"
    spec = ExperimentSpec.from_dict({
        "seeds": 1, "teachers": ["random"], "resources": {"num_cpus": 2},
        "envs": [{"id": ENV_ID, "kwargs": {"record": str(record)}}]})
    run_grid(spec, tmp_path / "out", backend="ray")
    assert json.loads(record.read_text())["CPU"] == 2.0


def test_lost_worker_trials_are_rerun_and_match_local(cluster, tmp_path):
    from edusim.experiments.grid import run_grid

    remote = run_grid(_spec(tmp_path / "m1", fail="exit"), tmp_path / "ray", backend="ray")
    local = run_grid(_spec(tmp_path / "m2"), tmp_path / "local", workers=1)
    assert not remote.failures
    pd.testing.assert_frame_equal(remote.results[COLUMNS], local.results[COLUMNS])


def test_failed_trial_is_recorded_and_retried_on_ray(cluster, tmp_path):
    from edusim.experiments.grid import run_grid

    failed = run_grid(_spec(tmp_path / "m1", fail="raise"), tmp_path / "a", backend="ray")
    assert len(failed.failures) == 2 and "flaky trial" in failed.failures[0].error
    retried = run_grid(_spec(tmp_path / "m2", fail="raise"), tmp_path / "b", backend="ray",
                       retries=1)
    assert not retried.failures and len(retried.results) == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("join", [False, True], ids=["own-ray", "address-auto"])
def test_killed_driver_leaves_nothing_running_and_resume_matches(cluster, tmp_path, join):
    spec = {"seeds": 8, "teachers": ["random"],
            "envs": [{"id": ENV_ID, "kwargs": {"delay": 0.5}}]}
    path = tmp_path / "grid.json"
    path.write_text(json.dumps(spec))
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from edusim.cli import main; main()", "run", str(path),
               "--out", str(out), "--backend", "ray", *(["--address", "auto"] if join else [])]
    # Its own Ray: GCS, raylet, agents and workers are the driver's descendants. Joining:
    # "auto" finds the module's cluster through RAY_ADDRESS (never another on this machine).
    env = {"RAY_ADDRESS": cluster} if join else {}
    n, outlived = kill_driver_and_wait(command, out / "jobs", want=0 if join else 4, **env)
    assert outlived < 5.0, f"{n} Ray processes outlived the driver by {outlived:.1f} s"
    assert list((out / "jobs").glob("*.parquet"))  # it ran trials before it was killed
    resumed = run_spec(ExperimentSpec.from_dict(spec), out, backend="ray", resume=True)
    whole = run_spec(ExperimentSpec.from_dict(spec), tmp_path / "whole", workers=1)
    pd.testing.assert_frame_equal(resumed, whole)
