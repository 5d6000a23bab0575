from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from edusim.cli import app
from tests.helpers import one_line_error

runner = CliRunner()


def test_demo_quick_writes_the_report(tmp_path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--quick", "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    for name in ("results.csv", "results.md", "mastery.png", "learning_gain.png"):
        assert (out / name).stat().st_size > 0, name
    table = pd.read_csv(out / "results.csv")
    assert sorted(table["teacher"].unique()) == ["fixed-order", "mastery-threshold", "random"]
    markdown = (out / "results.md").read_text()
    assert all(f"| {t} |" in markdown for t in ("random", "fixed-order", "mastery-threshold"))
    assert "mastery-threshold" in result.output


def test_demo_rejects_unknown_teacher(tmp_path) -> None:
    result = runner.invoke(app, ["demo", "--quick", "--out", str(tmp_path), "-t", "nobody"])
    assert result.exit_code == 1
    assert "unknown teacher 'nobody'" in result.output


def test_envs_and_teachers_listings() -> None:
    envs = runner.invoke(app, ["envs"])
    assert envs.exit_code == 0 and "edusim/Tutor-v0" in envs.output
    assert "Discrete(92)" in envs.output
    teachers = runner.invoke(app, ["teachers"])
    assert teachers.exit_code == 0 and "mastery-threshold" in teachers.output


def test_help_is_useful() -> None:
    result = runner.invoke(app, ["demo", "--help"])
    assert result.exit_code == 0 and "--quick" in result.output and "--out" in result.output


def test_demo_and_train_teacher_name_a_bad_env_or_teacher_in_one_line(tmp_path) -> None:
    """These printed errors to stdout through console markup; an unknown env id crashed."""
    one_line_error(["demo", "--quick", "--env", "edusim/Nope-v0", "--out", str(tmp_path)],
                   "Nope")
    one_line_error(["train-teacher", "--teacher", "random", "--env", "edusim/Tutor-v0",
                    "--steps", "8", "--out", str(tmp_path / "t.zip")],
                   "teacher 'random' is not trainable; trainable teachers: ppo")
    one_line_error(["train-teacher", "--teacher", "ppo", "--env", "edusim/Nope-v0",
                    "--steps", "8", "--out", str(tmp_path / "t.zip")], "Nope")
