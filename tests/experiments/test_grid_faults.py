"""Grids that survive failures: retries, recorded errors, and a killed driver (local pool)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from edusim.cli import app
from edusim.experiments import ExperimentSpec, run_spec
from tests.experiments.grid_helpers import ENV_ID

ROOT = Path(__file__).resolve().parents[2]


def _spec(marker: Path, fail: str = "raise", seeds=2, **kwargs) -> dict:
    return {
        "name": "faults",
        "seeds": seeds,
        "envs": [
            {"id": ENV_ID, "label": "flaky",
             "kwargs": {"marker": str(marker), "fail": fail, **kwargs}},
            {"id": ENV_ID, "label": "steady"},
        ],
        "teachers": ["random"],
    }


def test_failed_trials_are_recorded_counted_and_rerun_on_resume(tmp_path):
    from edusim.experiments.grid import run_grid

    spec = ExperimentSpec.from_dict(_spec(tmp_path))
    out = tmp_path / "out"
    run = run_grid(spec, out, workers=1)
    assert [f.env for f in run.failures] == ["flaky", "flaky"]
    assert len(run.results) == 2 and set(run.results["env"]) == {"steady"}
    summary = pd.read_csv(out / "summary.csv")
    assert dict(zip(summary["env"], summary["failed"], strict=True)) == {"flaky": 2, "steady": 0}
    stored = json.loads((out / "failures.json").read_text())
    assert "RuntimeError: flaky trial, seed 0" in stored[0]["error"]
    assert "Traceback" in stored[0]["traceback"] and "grid_helpers.py" in stored[0]["traceback"]
    assert len(list((out / "jobs").glob("*.failed.json"))) == 2
    again = run_grid(spec, out, resume=True, workers=1)  # the markers exist: they pass now
    assert not again.failures and len(again.results) == 4
    assert not list((out / "jobs").glob("*.failed.json"))


def test_retries_rerun_a_trial_that_raises(tmp_path):
    from edusim.experiments.grid import run_grid

    spec = ExperimentSpec.from_dict(_spec(tmp_path))
    run = run_grid(spec, tmp_path / "out", workers=1, retries=1)
    assert not run.failures and len(run.results) == 4
    reference = run_grid(ExperimentSpec.from_dict(_spec(tmp_path / "unused", fail="")),
                         tmp_path / "ref", workers=1)
    columns = ["env", "teacher", "seed", "return", "learning_gain"]
    pd.testing.assert_frame_equal(run.results[columns], reference.results[columns])


def test_local_pool_reruns_the_trials_of_a_worker_that_died(tmp_path):
    from edusim.experiments.grid import run_grid

    spec = ExperimentSpec.from_dict(_spec(tmp_path, fail="exit"))
    run = run_grid(spec, tmp_path / "out", workers=2)
    assert not run.failures and len(run.results) == 4


def test_run_command_says_how_many_failed(tmp_path):
    path = tmp_path / "grid.json"
    path.write_text(json.dumps(_spec(tmp_path)))
    result = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "o"),
                                      "--workers", "1"])
    assert result.exit_code == 1
    assert "error: 2 of 4 trials failed after 0 retries" in result.output
    assert "| teacher | seeds | failed |" in result.output
    ok = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "o2"),
                                  "--workers", "1", "--retries", "1"])
    assert ok.exit_code == 0 and "4 of 4 trials succeeded" in ok.output


def _children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kill_driver_and_wait(command: list[str], job_dir: Path, want: int,
                         **env_vars: str) -> tuple[int, float]:
    """Start the driver, SIGKILL it once ``want`` workers run and a trial finished; the
    number of its descendants and how long the last one outlived it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **env_vars}
    driver = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while time.monotonic() < deadline:
            workers = _children(driver.pid)
            if len(workers) >= want and list(job_dir.glob("*.parquet")):
                break
            time.sleep(0.2)
        assert len(workers) >= want, "the driver never started its workers"
    finally:
        driver.send_signal(signal.SIGKILL)
        driver.wait()
    killed = time.monotonic()
    while any(_alive(p) for p in workers) and time.monotonic() - killed < 15:
        time.sleep(0.1)
    return len(workers), time.monotonic() - killed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_driver_leaves_no_worker_and_resume_matches_an_uninterrupted_run(tmp_path):
    spec = {**_spec(tmp_path, fail=""), "seeds": 12}
    spec["envs"][0]["kwargs"]["delay"] = 0.3
    path = tmp_path / "grid.json"
    path.write_text(json.dumps(spec))
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from edusim.cli import main; main()", "run", str(path),
               "--out", str(out), "--workers", "2"]
    n, outlived = kill_driver_and_wait(command, out / "jobs", want=2)
    assert n >= 2 and outlived < 5.0, f"workers outlived the driver by {outlived:.1f} s"
    finished = len(list((out / "jobs").glob("*.parquet")))
    assert 0 < finished < 24
    resumed = run_spec(ExperimentSpec.from_dict(spec), out, resume=True, workers=2)
    whole = run_spec(ExperimentSpec.from_dict(spec), tmp_path / "whole", workers=1)
    pd.testing.assert_frame_equal(resumed, whole)


EARLY_KILL = """
import subprocess, sys, time
from edusim.experiments.reaper import start_reaper
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
start_reaper()
print(child.pid, flush=True)
time.sleep(120)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killed_driver_right_after_it_started_its_reaper_leaves_no_child():
    """Issue 12.9: the reaper took seconds to start (it imported edusim.experiments) and only
    knew what it had seen while the driver lived, so a driver killed in that window (Ray's
    agents just started) left its children running; start_reaper returns after a first look."""
    driver = subprocess.Popen([sys.executable, "-c", EARLY_KILL], stdout=subprocess.PIPE,
                              text=True)
    try:
        child = int(driver.stdout.readline())
    finally:
        driver.send_signal(signal.SIGKILL)
        driver.wait()
    killed = time.monotonic()
    while _alive(child) and time.monotonic() - killed < 15:
        time.sleep(0.1)
    outlived = time.monotonic() - killed
    if _alive(child):
        os.kill(child, signal.SIGKILL)
    assert outlived < 5.0, f"the driver's child outlived it by {outlived:.1f} s"
