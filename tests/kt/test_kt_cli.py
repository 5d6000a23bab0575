"""`edusim kt fit|eval|cv` on small files in the DKT 3-line format."""

import json

import pytest
from typer.testing import CliRunner

from edusim.cli import app
from edusim.kt import load_model

runner = CliRunner()


def _write_dkt(frame, path):
    codes = {s: str(i + 1) for i, s in enumerate(sorted({s[0] for s in frame["skill_ids"]}))}
    lines = []
    for _, rows in frame.groupby("user_id", sort=False):
        lines += [str(len(rows)), ",".join(codes[s[0]] for s in rows["skill_ids"]),
                  ",".join(str(int(c)) for c in rows["correct"])]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def files(small_frame, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dkt")
    users = small_frame["user_id"].unique()
    train = small_frame[small_frame["user_id"].isin(users[:150])]
    test = small_frame[small_frame["user_id"].isin(users[150:])]
    return _write_dkt(train, folder / "train.csv"), _write_dkt(test, folder / "test.csv")


def _ok(args):
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output


def test_fit_bkt_writes_metrics_and_model_then_eval(files, tmp_path):
    train, test = files
    _ok(["kt", "fit", "--model", "bkt", "--train", str(train), "--test", str(test),
         "--format", "dkt", "--out", str(tmp_path), "--device", "cpu"])
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert {"test_auc", "test_rmse", "fit_seconds", "device"} <= set(metrics)
    assert metrics["device"] == "cpu" and 0.5 < metrics["test_auc"] <= 1
    assert load_model(tmp_path / "model.pt").kind == "bkt"
    out = _ok(["kt", "eval", str(tmp_path / "model.pt"), "--data", str(test), "--format", "dkt",
               "--out", str(tmp_path / "eval.json")])
    assert "test_auc" in out
    again = json.loads((tmp_path / "eval.json").read_text())
    assert again["test_auc"] == pytest.approx(metrics["test_auc"])


def test_fit_dkt_with_resume_and_params(files, tmp_path):
    train, test = files
    args = ["kt", "fit", "--model", "dkt", "--train", str(train), "--test", str(test),
            "--format", "dkt", "--out", str(tmp_path), "--device", "cpu", "--epochs", "2",
            "--window", "10", "--param", "hidden=8", "--param", "embedding=8", "--threads", "1"]
    _ok(args)
    first = json.loads((tmp_path / "metrics.json").read_text())
    assert (tmp_path / "checkpoint.pt").is_file() and len(first["history"]) == 2
    _ok([*args, "--resume"])
    assert json.loads((tmp_path / "metrics.json").read_text())["test_auc"] == first["test_auc"]


@pytest.mark.parametrize(("extra", "windows"), [
    ([], (30, 15)),                                   # SAKT's recommended windows
    (["--window", "12"], (12, None)),                 # a window given: consecutive windows
    (["--window", "12", "--stride", "4"], (12, 4)),
])
def test_fit_sakt_windows(files, tmp_path, extra, windows):
    train, test = files
    _ok(["kt", "fit", "--model", "sakt", "--train", str(train), "--test", str(test),
         "--format", "dkt", "--out", str(tmp_path), "--device", "cpu", "--epochs", "1",
         "--param", "dim=8", "--param", "heads=2", "--threads", "1", *extra])
    model = load_model(tmp_path / "model.pt")
    assert (model.window, model.stride) == windows


def test_cv_by_learner(files, tmp_path):
    out = _ok(["kt", "cv", "--model", "bkt", "--data", str(files[0]), "--format", "dkt",
               "--folds", "3", "--device", "cpu", "--out", str(tmp_path / "cv.csv")])
    assert "mean" in out
    assert len((tmp_path / "cv.csv").read_text().splitlines()) == 4


def test_errors_are_one_line_messages(files, tmp_path):
    result = runner.invoke(app, ["kt", "fit", "--model", "bkt", "--train", str(files[0]),
                                 "--out", str(tmp_path)])
    assert result.exit_code == 1 and "give --format" in result.output
    result = runner.invoke(app, ["kt", "fit", "--model", "hmm", "--train", str(files[0]),
                                 "--format", "dkt", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "choose from" in result.output
    result = runner.invoke(app, ["kt", "eval", str(tmp_path / "missing.pt"), "--data",
                                 str(files[1]), "--format", "dkt"])
    assert result.exit_code == 1 and "no such file" in result.output


def test_fit_reads_a_duckdb_store(files, tmp_path):
    db = tmp_path / "store.duckdb"
    _ok(["data", "ingest", str(files[0]), "--format", "dkt", "--db", str(db)])
    _ok(["kt", "fit", "--model", "bkt", "--train", str(db), "--out", str(tmp_path / "run"),
         "--device", "cpu"])
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["test_source"] == "20% of the training learners"
    assert 0 < metrics["test_n"] < metrics["train_rows"]
