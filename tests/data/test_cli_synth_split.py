"""The ``edusim data`` commands, the synthetic generator, splits and schema validation."""

from __future__ import annotations

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from edusim.cli.data import register
from edusim.data import (
    CANONICAL_COLUMNS,
    DataError,
    Store,
    load,
    read_store,
    split_learners,
    validate,
)
from edusim.data.synthetic_ednet import SynthConfig, write_synthetic

from .data_helpers import CONTENTS, KT4, needs_samples

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("noop")(lambda: None)
    register(app)
    return app


@needs_samples
def test_cli_ingest_summary_and_bad_input(tmp_path):
    app, db = _app(), tmp_path / "e.duckdb"
    args = ["data", "ingest", str(KT4), "--format", "ednet-kt4", "--contents", str(CONTENTS),
            "--db", str(db)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "5 files read" in result.output
    result = runner.invoke(app, ["data", "summary", "--db", str(db)])
    assert result.exit_code == 0
    assert "1,336" in result.output
    bad = runner.invoke(app, [*args[:4], "ednet-kt1", *args[5:-1], str(tmp_path / "o.duckdb")])
    assert bad.exit_code == 1
    assert "missing column" in bad.output
    clash = runner.invoke(app, [*args[:4], "ednet-kt1", *args[5:]])  # same files, other format
    assert clash.exit_code == 1
    assert "format clash: the store holds this file as 'ednet-kt4'" in clash.output
    assert Store(db).counts()["interactions"] == 1336


def test_cli_synth_then_ingest_then_split(tmp_path):
    app = _app()
    assert runner.invoke(app, ["data", "synth", "--out", str(tmp_path / "s"), "--learners", "8",
                               "--mean-steps", "10"]).exit_code == 0
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["data", "ingest", str(tmp_path / "s" / "KT1"), "--format",
                                 "ednet-kt1", "--contents", str(tmp_path / "s" / "contents"),
                                 "--db", str(db)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["data", "split", "--db", str(db), "--out", str(tmp_path / "sp"),
                                 "--fractions", "0.5,0.5", "--names", "train,test"])
    assert result.exit_code == 0, result.output
    train = pd.read_parquet(tmp_path / "sp" / "train.parquet")
    test = pd.read_parquet(tmp_path / "sp" / "test.parquet")
    assert len(train) + len(test) == Store(db).counts()["interactions"]
    assert not set(train.user_id) & set(test.user_id)
    expected = split_learners(read_store(db), (0.5, 0.5), seed=0)
    assert sorted(train.user_id.unique()) == sorted(expected[0].user_id.unique())


def test_synthetic_files_are_seeded_and_load_back(tmp_path):
    a = write_synthetic(tmp_path / "a", SynthConfig(learners=6, mean_steps=15, seed=3))
    b = write_synthetic(tmp_path / "b", SynthConfig(learners=6, mean_steps=15, seed=3))
    assert [p.read_text() for p in sorted(a.folder.iterdir())] == [
        p.read_text() for p in sorted(b.folder.iterdir())
    ]
    df = load(a.folder, "ednet-kt1", contents=a.contents)
    assert len(df) == a.rows
    assert df.user_id.nunique() == 6
    kt2 = write_synthetic(tmp_path / "c", SynthConfig(learners=4, mean_steps=10, level="kt2"))
    assert len(load(kt2.folder, "ednet-kt2", contents=kt2.contents)) == kt2.rows
    with pytest.raises(FileExistsError):
        write_synthetic(tmp_path / "a", SynthConfig(learners=2))


def test_split_learners_is_disjoint_complete_and_seeded():
    df = pd.DataFrame({"user_id": [f"u{i // 3}" for i in range(300)], "timestamp": range(300)})
    parts = split_learners(df, (0.8, 0.1, 0.1), seed=5)
    assert [p.user_id.nunique() for p in parts] == [80, 10, 10]
    assert sum(len(p) for p in parts) == 300
    assert set().union(*[set(p.user_id) for p in parts]) == set(df.user_id)
    again = split_learners(df, (0.8, 0.1, 0.1), seed=5)
    other = split_learners(df, (0.8, 0.1, 0.1), seed=6)
    assert set(again[1].user_id) == set(parts[1].user_id)
    assert set(other[1].user_id) != set(parts[1].user_id)
    with pytest.raises(ValueError, match="sum to 1"):
        split_learners(df, (0.5, 0.4))


def test_validate_reports_every_violation_with_row_and_column():
    df = pd.DataFrame({
        "user_id": ["a", None, "c"],
        "item_id": ["q", "q", "q"],
        "skill_ids": [["s"], "s", ["s"]],
        "correct": [1, 0, 7],
        "timestamp": [3, 1, 2],
    })
    with pytest.raises(DataError) as info:
        validate(df, source="mine")
    found = {(i.line, i.field) for i in info.value.issues}
    assert found == {(3, "user_id"), (3, "skill_ids"), (4, "correct")}
    kept = validate(df, errors="skip")
    assert list(kept.columns) == list(CANONICAL_COLUMNS)
    assert kept.user_id.tolist() == ["a"]
    assert kept.correct.dtype == bool
    with pytest.raises(DataError, match="'timestamp' is absent"):
        validate(df.drop(columns="timestamp"))


def test_export_parquet_round_trip(tmp_path):
    write_synthetic(tmp_path / "s", SynthConfig(learners=4, mean_steps=10, level="kt2"))
    store = Store(tmp_path / "s.duckdb")
    store.ingest([tmp_path / "s" / "KT2"], "ednet-kt2", contents=tmp_path / "s" / "contents")
    paths = store.export_parquet(tmp_path / "pq")
    counts = store.counts()
    for path in paths:
        assert len(pd.read_parquet(path)) == counts[path.stem]
    assert counts["events"] == 3 * counts["interactions"]
