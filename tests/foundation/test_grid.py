from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from edusim.cli import app
from edusim.experiments import ExperimentSpec, run_spec
from edusim.experiments.grid import GridError
from edusim.experiments.spec import SpecError

SPEC = {
    "name": "small",
    "seeds": [0, 1],
    "envs": [
        {"id": "edusim/Tutor-v0", "label": "bkt"},
        {"id": "edusim/Tutor-v0", "label": "logistic", "kwargs": {"learner": "logistic"}},
    ],
    "teachers": ["random", {"name": "mastery-threshold", "config": {"threshold": 0.9}}],
}


def test_spec_errors_name_the_field(tmp_path) -> None:
    with pytest.raises(SpecError, match=r"teachers\[0\] needs a 'name'"):
        ExperimentSpec.from_dict({**SPEC, "teachers": [{"config": {}}]})
    with pytest.raises(SpecError, match="unknown top-level field"):
        ExperimentSpec.from_dict({**SPEC, "seed": 3})
    path = tmp_path / "bad.toml"
    path.write_text("seeds = [1,")
    with pytest.raises(SpecError, match="bad.toml: cannot parse"):
        ExperimentSpec.load(path)


def test_grid_runs_writes_reports_and_resumes(tmp_path) -> None:
    spec = ExperimentSpec.from_dict(SPEC)
    out = tmp_path / "grid"
    results = run_spec(spec, out, workers=1)
    assert len(results) == 2 * 2 * 2
    assert set(results["env"]) == {"bkt", "logistic"}
    assert (out / "bkt" / "results.md").exists() and (out / "logistic" / "mastery.png").exists()
    with pytest.raises(GridError, match="--resume"):
        run_spec(spec, out, workers=1)
    # Simulate a crash: drop two finished jobs, then resume; only they are rerun.
    files = sorted((out / "jobs").glob("*.parquet"))
    stamps = {p.name: p.stat().st_mtime_ns for p in files}
    for p in files[:2]:
        p.unlink()
    again = run_spec(spec, out, resume=True, workers=1)
    pd.testing.assert_frame_equal(
        again.drop(columns="mastery_curve"), results.drop(columns="mastery_curve")
    )
    kept = {p.name: p.stat().st_mtime_ns for p in files[2:]}
    assert all(stamps[name] == stamp for name, stamp in kept.items())


def test_run_command(tmp_path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({**SPEC, "seeds": 1}))
    result = CliRunner().invoke(
        app, ["run", str(spec), "--out", str(tmp_path / "o"), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "mastery-threshold" in result.output
    missing = CliRunner().invoke(app, ["run", str(tmp_path / "nope.toml"), "--out", "x"])
    assert missing.exit_code == 1 and "spec file not found" in missing.output


def test_ray_backend_without_ray_is_a_clear_error(tmp_path, monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray":
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    spec = ExperimentSpec.from_dict({**SPEC, "seeds": 1})
    with pytest.raises(GridError, match=r"edusim-gym\[ray\]"):
        run_spec(spec, tmp_path / "r", backend="ray")


def test_ray_backend_matches_local(tmp_path) -> None:
    ray = pytest.importorskip("ray", reason="the ray extra is not installed")
    spec = ExperimentSpec.from_dict({**SPEC, "seeds": 1})
    local = run_spec(spec, tmp_path / "local", workers=1)
    try:
        remote = run_spec(spec, tmp_path / "ray", backend="ray")
    finally:
        ray.shutdown()
    pd.testing.assert_frame_equal(
        remote.drop(columns="mastery_curve"), local.drop(columns="mastery_curve")
    )
