"""``edusim train-teacher`` and ``edusim bench teachers``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from edusim.cli import app

runner = CliRunner()


def test_train_teacher_writes_a_policy_the_ppo_teacher_loads(tmp_path: Path) -> None:
    out = tmp_path / "ppo.zip"
    result = runner.invoke(app, ["train-teacher", "--env", "edusim/TaskSpace-v0", "--steps",
                                 "64", "--out", str(out), "--max-episode-steps", "16"])
    assert result.exit_code == 0, result.output
    assert out.exists() and "saved ppo teacher" in result.output


def test_train_teacher_rejects_untrainable_teachers(tmp_path: Path) -> None:
    result = runner.invoke(app, ["train-teacher", "--env", "edusim/Tutor-v0", "--teacher",
                                 "zpdes", "--steps", "10", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1 and "not trainable" in result.output


def test_bench_teachers_prints_both_tables_and_writes_maps(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "teachers", "--out", str(tmp_path), "--episodes",
                                 "250", "--seeds", "2", "--tutor-episodes", "1"])
    assert result.exit_code == 0, result.output
    assert "TaskSpace-v0" in result.output and "Tutor-v0" in result.output
    assert (tmp_path / "competence_maps.png").stat().st_size > 1000
    table = pd.read_csv(tmp_path / "task_space.csv")
    assert set(table["teacher"]) == {"random", "alp-gmm", "riac", "covar-gmm", "covar-gmm-fast"}
    assert set(pd.read_csv(tmp_path / "tutor.csv")["teacher"]) >= {"zpdes", "exp3"}
