"""Knowledge tracing when every answer is right: AUC is undefined, said so, written as null
(issue 12.16)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from edusim.cli import app
from edusim.kt.io import write_json

runner = CliRunner()


def _strict_json(path):
    def refuse(constant):
        raise AssertionError(f"{path} holds {constant}, which is not JSON")

    return json.loads(path.read_text(), parse_constant=refuse)


@pytest.fixture
def all_right(tmp_path):
    lines = []
    for learner in range(40):
        skills = [str(1 + (learner + k) % 3) for k in range(6)]
        lines += ["6", ",".join(skills), ",".join(["1"] * 6)]
    return _write(tmp_path / "all_right.csv", lines)


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("model", ["bkt", "dkt"])
def test_fit_on_one_class_writes_null_auc_and_says_why(all_right, tmp_path, model):
    out = tmp_path / model
    result = runner.invoke(app, ["kt", "fit", "--model", model, "--train", str(all_right),
                                 "--format", "dkt", "--out", str(out), "--device", "cpu",
                                 "--epochs", "2", "--window", "6", "--param", "hidden=4",
                                 "--param", "embedding=4"] if model == "dkt" else
                           ["kt", "fit", "--model", model, "--train", str(all_right),
                            "--format", "dkt", "--out", str(out), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "test AUC is undefined" in result.output
    metrics = _strict_json(out / "metrics.json")
    assert metrics["test_auc"] is None
    assert metrics["test_rmse"] >= 0
    if model == "dkt":
        assert [h["valid_auc"] for h in metrics["history"]] == [None, None]


def test_write_json_never_writes_bare_nan(tmp_path):
    write_json({"auc": float("nan"), "rows": [1.5, float("-inf")]}, tmp_path / "m.json")
    assert _strict_json(tmp_path / "m.json") == {"auc": None, "rows": [1.5, None]}
