"""Shared paths and small file writers for the data tests."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
EDNET = DATA / "ednet"
KT4 = EDNET / "KT4"
CONTENTS = EDNET / "contents"
ASSIST = DATA / "assistments"
DKT_TRAIN = ASSIST / "assist2009_updated" / "assist2009_updated_train.csv"
DKT_TEST = ASSIST / "assist2009_updated" / "assist2009_updated_test.csv"
SKILL_BUILDER = ASSIST / "skill_builder_2009_sample.csv"

KT1_HEADER = "timestamp,solving_id,question_id,user_answer,elapsed_time\n"

needs_samples = pytest.mark.skipif(not KT4.is_dir(), reason="shared data samples not present")


@pytest.fixture
def contents(tmp_path: Path) -> Path:
    """A tiny contents folder: q1..q3 in bundles b1 (q1, q2) and b2 (q3)."""
    folder = tmp_path / "contents"
    folder.mkdir()
    (folder / "questions.csv").write_text(
        "question_id,bundle_id,explanation_id,correct_answer,part,tags,deployed_at\n"
        "q1,b1,e1,a,1,1;2,0\nq2,b1,e1,b,1,2,0\nq3,b2,e2,c,2,-1,0\n"
    )
    return folder


def write(path: Path, text: str | bytes) -> Path:
    """Write ``text`` (or bytes) to ``path``, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path
