"""Command-line values that are wrong: a usage error or one line naming the option, never a
traceback or a message from deep inside (``zip() argument 2 is shorter``, ``Expecting value``)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from edusim.cli import app
from tests.helpers import one_line_error

DKT = "".join(f"4\n1,2,1,2\n{'1,0,1,1' if k % 2 else '0,1,1,0'}\n" for k in range(12))


@pytest.fixture
def dkt_file(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text(DKT)
    return path


@pytest.fixture
def store(tmp_path, dkt_file):
    db = tmp_path / "s.duckdb"
    result = CliRunner().invoke(app, ["data", "ingest", str(dkt_file), "--format", "dkt",
                                      "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize(("param", "expected"), [
    ("nope=3", "KT model 'dkt' has no setting 'nope'; its settings are: hidden"),
    ("hidden=abc", "--param hidden: 'abc' is not a value"),
    ('hidden="big"', "setting 'hidden' must be int, got str 'big'"),
    ("hidden=2.5", "setting 'hidden' must be int, got float 2.5"),
    ("dropout=NaN", "setting dropout is NaN"),
])
def test_kt_settings_are_named_with_what_is_wrong(tmp_path, dkt_file, param, expected):
    one_line_error(["kt", "fit", "--model", "dkt", "--format", "dkt", "--train", str(dkt_file),
                    "--out", str(tmp_path / "run"), "--epochs", "1", "-p", param], expected)


@pytest.mark.parametrize(("options", "expected"), [
    (["--fractions", "0.5,0.5"], "--fractions gives 2 shares but --names names 3 parts"),
    (["--fractions", "0.5,x,0.5"], "--fractions: 'x' is not a number"),
    (["--names", "a,a,b"], "--names repeats 'a'"),
    (["--names", "../../escaped,b,c"], "part name '../../escaped' cannot name a file"),
    (["--names", "a,,c"], "part name '' cannot name a file"),
])
def test_split_options_are_checked_before_anything_is_written(tmp_path, store, options,
                                                              expected):
    out = tmp_path / "parts"
    one_line_error(["data", "split", "--db", str(store), "--out", str(out), *options], expected)
    assert not out.exists() and not (tmp_path.parent / "escaped.parquet").exists()


@pytest.mark.parametrize("args", [
    ["bench", "teachers", "--seeds", "0"],
    ["demo", "--seeds", "-1"],
    ["kt", "cv", "-m", "bkt", "--data", "x", "--folds", "1"],
    ["train-teacher", "--teacher", "ppo", "--env", "edusim/Tutor-v0", "--steps", "0",
     "--out", "x.zip"],
    ["data", "synth", "--out", "x", "--learners", "0"],
])
def test_counts_out_of_range_are_usage_errors_naming_the_option(args):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--" in result.output and "Traceback" not in result.output


def test_an_output_folder_where_a_file_stands_is_named(tmp_path, store):
    """It said ``[Errno 17] File exists: 't.txt'``; every command makes folders one way."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine\n")
    one_line_error(["data", "report", str(store), "--out", str(blocker)],
                   f"{blocker}: a file, so {blocker} cannot be a folder")
    one_line_error(["data", "export", "--db", str(store), "--out", str(blocker / "parquet")],
                   f"{blocker}: a file, so {blocker / 'parquet'} cannot be a folder")
    assert blocker.read_text() == "mine\n"
