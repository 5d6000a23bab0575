"""The distribution installs ``envs/`` and ``agents/`` as ``edusim.envs`` and ``edusim.agents``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[2]


def _package_dirs() -> set[str]:
    found = set()
    roots = (
        ("edusim", "edusim"),
        ("envs", "edusim.envs"),
        ("agents", "edusim.agents"),
        ("apps", "edusim.apps"),
    )
    for base, prefix in roots:
        for init in (ROOT / base).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / base).parts
            found.add(".".join((prefix, *rel)))
    return found


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    assert _package_dirs() <= listed, f"missing from pyproject: {_package_dirs() - listed}"


@pytest.mark.slow
def test_non_editable_install_maps_envs_and_agents(tmp_path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q",
         "--target", str(target), str(ROOT)],
        check=True,
        capture_output=True,
    )
    assert (target / "edusim" / "envs" / "tutor.py").exists()
    assert (target / "edusim" / "agents" / "base.py").exists()
    assert (target / "edusim" / "curricula" / "fractions.json").exists()
    assert (target / "edusim" / "tutoring" / "problems.json").exists()
    assert list((target / "edusim" / "apps" / "samples").glob("*.csv"))
    code = (
        "import edusim, edusim.envs, edusim.agents, gymnasium as gym;"
        f"assert edusim.__file__.startswith({str(target)!r}), edusim.__file__;"
        "env = gym.make('edusim/Tutor-v0'); env.reset(seed=0);"
        "print(edusim.agents.names())"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "mastery-threshold" in result.stdout
