"""Unknown keys on the command line are errors naming the key and the valid ones."""

from __future__ import annotations

from typer.testing import CliRunner

from edusim.cli import app


def test_unknown_column_key_is_an_error_naming_it_and_the_valid_keys(tmp_path):
    data = tmp_path / "log.csv"
    data.write_text("student,problem,ok,time\n1,a,1,10\n2,b,0,20\n")
    args = ["data", "ingest", str(data), "--format", "csv", "--db", str(tmp_path / "s.duckdb"),
            "-c", "user_id=student", "-c", "item_id=problem", "-c", "correct=ok",
            "-c", "timestamp=time", "-c", "itme_id=problem"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "itme_id" in result.output and "user_id, item_id" in result.output
    assert "Traceback" not in result.output
    ok = CliRunner().invoke(app, args[:-2])
    assert ok.exit_code == 0, ok.output
