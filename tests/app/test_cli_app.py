"""``edusim app``: finds the app script and serves it on 127.0.0.1 with Streamlit."""

from __future__ import annotations

from typer.testing import CliRunner

from edusim.cli import app as cli
from edusim.cli.streamlit_app import app_script, streamlit_command


def test_app_script_is_found():
    script = app_script()
    assert script.name == "edusim_app.py" and script.is_file()
    assert (script.parent / "views" / "tutor.py").is_file()
    assert not (script.parent / "pages").exists()  # Streamlit would list its files by name
    assert (script.parent / "samples" / "fractions_class.csv").is_file()


def test_streamlit_command_serves_locally_and_headless():
    command = streamlit_command(app_script(), "127.0.0.1", 8765)
    assert command[1:4] == ["-m", "streamlit", "run"]
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--server.address"] == "127.0.0.1"
    assert options["--server.port"] == "8765"
    assert options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"


def test_help_names_the_default_address():
    result = CliRunner().invoke(cli, ["app", "--help"])
    assert result.exit_code == 0
    assert "127.0.0.1" in result.output and "--port" in result.output
