"""The robust evaluation matrix: values, ranks, flags, spec validation and the shipped spec."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from edusim.cli import app
from edusim.experiments import ExperimentSpec
from edusim.experiments.grid import run_grid
from edusim.experiments.robust_matrix import FLAG, matrix_markdown, robust_matrix
from edusim.experiments.spec import SpecError

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "examples" / "robust_matrix.toml"
MODEL = ROOT / "examples" / "models" / "dkt_assist2009.pt"
TUTOR = "edusim/Tutor-v0"
GRID = {"envs": [{"id": TUTOR, "label": "bkt", "kwargs": {"max_episode_steps": 15}},
                 {"id": TUTOR, "label": "kss",
                  "kwargs": {"learner": "kss", "max_episode_steps": 15}}],
        "teachers": ["random", "mastery-threshold"], "seeds": 3,
        "report": {"kind": "robust-matrix"}}


@pytest.fixture(scope="module")
def grid_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("matrix")
    return out, run_grid(ExperimentSpec.from_dict(GRID, "grid.toml"), out, workers=1)


def test_matrix_of_a_grid_holds_the_seed_means_and_their_ranks(grid_run):
    _, run = grid_run
    matrix = robust_matrix(run.results)
    assert len(matrix) == 4 and (matrix["seeds"] == 3).all()
    per_seed = run.results.groupby(["env", "teacher", "seed"])["learning_gain"].mean()
    for row in matrix.itertuples():
        mean = per_seed.loc[(row.env, row.teacher)].mean()
        assert row.learning_gain == pytest.approx(mean)
        assert row.learning_gain_ci_low <= mean <= row.learning_gain_ci_high
    for _, column in matrix.groupby("env"):
        best = column.loc[column["learning_gain"].idxmax(), "rank"]
        worst = column.loc[column["learning_gain"].idxmin(), "rank"]
        assert (best, worst) == (1, 2) or column["learning_gain"].nunique() == 1
    ranks = matrix.pivot(index="teacher", columns="env", values="rank")
    for teacher, row in matrix.groupby("teacher"):
        assert (row["rank_range"] == ranks.loc[teacher].max() - ranks.loc[teacher].min()).all()


def test_tutor_uses_the_learner_models_own_curriculum_unless_given_one():
    import gymnasium as gym

    assert gym.make(TUTOR, learner="kss").unwrapped.curriculum.name == "kss"
    assert gym.make(TUTOR).unwrapped.curriculum.name == "fractions"
    dkt = gym.make(TUTOR, learner="fitted", learner_params={"path": str(MODEL)}).unwrapped
    assert dkt.curriculum.n_skills == 10 and dkt.curriculum.name == "fitted"
    with pytest.raises(ValueError, match="KSS needs item i to exercise exactly skill i"):
        gym.make(TUTOR, learner="kss", curriculum="fractions")


def test_grid_writes_the_matrix_files_and_returns_the_table(grid_run):
    out, run = grid_run
    assert {"matrix.md", "matrix.csv", "matrix.png"} <= {p.name for p in out.iterdir()}
    assert run.report.splitlines()[0].startswith("| teacher | bkt | kss | ranks |")
    assert (out / "matrix.png").read_bytes()[:4] == b"\x89PNG"
    written = pd.read_csv(out / "matrix.csv")
    np.testing.assert_allclose(written["learning_gain"], robust_matrix(run.results)
                               ["learning_gain"])
    assert run.report in (out / "matrix.md").read_text()


def test_ranks_follow_the_direction_and_flag_the_most_variable_teacher():
    results = pd.DataFrame({
        "env": np.repeat(["x", "y"], 6), "teacher": np.tile(np.repeat(["a", "b", "c"], 2), 2),
        "seed": np.tile([0, 1], 6), "episode": 0,
        "learning_gain": [.9, .8, .5, .6, .1, .2, .1, .1, .5, .6, .7, .9]})
    up = robust_matrix(results).set_index(["env", "teacher"])
    assert up.loc["x", "rank"].tolist() == [1, 2, 3] and up.loc["y", "rank"].tolist() == [3, 2, 1]
    assert up.loc["x", "flagged"].tolist() == [True, False, True]
    down = robust_matrix(results, higher_is_better=False).set_index(["env", "teacher"])
    assert down.loc["x", "rank"].tolist() == [3, 2, 1]
    lines = matrix_markdown(robust_matrix(results)).splitlines()
    assert lines[2].startswith("| a | 0.850 [") and lines[2].endswith(f"| 1, 3 | 2 | x | {FLAG} |")
    assert lines[3].endswith("| 2, 2 | 0 | - |  |")


def test_no_flag_when_every_simulator_agrees():
    results = pd.DataFrame({"env": ["x", "x", "y", "y"], "teacher": ["a", "b"] * 2,
                            "seed": 0, "episode": 0, "learning_gain": [.1, .3, .2, .4]})
    assert not robust_matrix(results)["flagged"].any()


@pytest.mark.parametrize(("report", "reason"), [
    ({"kind": "robust-matrx"}, r"report\.kind: unknown report kind 'robust-matrx'; choose "
                               r"from: robust-matrix"),
    ({"metric": "learning_gain"}, r"'report' must be a table with a 'kind'"),
    ("robust-matrix", r"'report' must be a table with a 'kind'"),
    ({"kind": "robust-matrix", "metrc": "x"}, r"report 'robust-matrix' has no setting 'metrc'"),
    ({"kind": "robust-matrix", "metric": "return"}, r"metric must be one of learning_gain"),
    ({"kind": "robust-matrix", "higher_is_better": "yes"},
     r"setting 'higher_is_better' must be bool, got str 'yes'"),
])
def test_bad_report_tables_are_rejected_with_their_key(report, reason):
    with pytest.raises(SpecError, match=f"grid.toml: .*{reason}"):
        ExperimentSpec.from_dict({**GRID, "report": report}, "grid.toml")


def test_shipped_spec_validates_and_runs_at_tiny_size(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the spec names its DKT model relative to the repository root
    spec = ExperimentSpec.load(SPEC)
    assert [e.title for e in spec.envs] == ["bkt", "logistic", "kss", "dkt-assist2009"]
    assert spec.report.kind == "robust-matrix" and len(spec.teachers) >= 5
    tiny = dataclasses.replace(
        spec, seeds=(0, 1), teachers=spec.teachers[:2],
        envs=tuple(dataclasses.replace(e, kwargs={**e.kwargs, "max_episode_steps": 8})
                   for e in spec.envs))
    run = run_grid(tiny, tmp_path, workers=1)
    assert not run.failures and len(run.results) == 4 * 2 * 2
    assert (run.results.groupby("env")["steps"].max() == 8).all()
    assert set(pd.read_csv(tmp_path / "matrix.csv")["env"]) == {e.title for e in spec.envs}


def test_edusim_run_prints_the_matrix(tmp_path):
    spec = tmp_path / "grid.json"
    spec.write_text(json.dumps(GRID))
    result = CliRunner().invoke(app, ["run", str(spec), "--out", str(tmp_path / "out"),
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "Robust evaluation matrix" in result.output
    assert "| teacher | bkt | kss | ranks | rank range | first on | flag |" in result.output


def test_committed_dkt_matches_its_provenance_record():
    import importlib.util

    from edusim.kt import evaluate_model, load_model

    record = json.loads(MODEL.with_suffix(".json").read_text())
    model = load_model(MODEL)
    assert model.kind == "dkt" and sorted(model.vocab.skills) == sorted(record["skills"])
    data = ROOT.parent / "shared" / "data"
    if not (data / record["data"].format("test")).exists():
        pytest.skip("the ASSISTments sample (../shared/data) is not here")
    loader = importlib.util.spec_from_file_location("fit_dkt", ROOT / "examples" /
                                                    "fit_matrix_dkt.py")
    script = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(script)
    _, test, skills = script._frames(data)
    assert skills == record["skills"] and len(test) == record["test_rows"]
    auc = evaluate_model(model, test, device="cpu").to_dict("test_")["test_auc"]
    assert auc == pytest.approx(record["test_auc"], abs=1e-4)
