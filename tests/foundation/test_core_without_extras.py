"""The core install (no extras) imports everything and runs the demo: optional packages
(duckdb, streamlit, stable-baselines3, ray, playwright) are imported only where used."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys

class BlockOptional:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"duckdb", "streamlit", "stable_baselines3", "ray", "playwright"}:
            raise ImportError("optional package blocked: " + name)
        return None

sys.meta_path.insert(0, BlockOptional())
import edusim
from edusim import agents
from edusim.cli import app
from typer.testing import CliRunner

result = CliRunner().invoke(app, ["demo", "--quick", "--out", sys.argv[1], "--workers", "1"])
assert result.exit_code == 0, result.output
assert "ppo" in agents.names() and "mastery-threshold" in result.output
print("ok")
"""


def test_demo_runs_without_optional_packages(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")
    assert (tmp_path / "demo" / "results.md").exists()
