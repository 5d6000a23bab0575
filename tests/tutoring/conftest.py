from __future__ import annotations

from pathlib import Path

import pytest

from edusim.tutoring import builtin_problems_path, load_cases

MATHDIAL = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "mathdial" / "dialogues.jsonl"
)


@pytest.fixture(scope="session")
def mathdial_path() -> Path:
    if not MATHDIAL.is_file():
        pytest.skip(f"MathDial sample not found at {MATHDIAL}")
    return MATHDIAL


@pytest.fixture(scope="session")
def mathdial_cases(mathdial_path):
    return load_cases(mathdial_path)


@pytest.fixture(scope="session")
def sample_cases():
    return load_cases(builtin_problems_path())
