"""CSV presets and mappings on small files shaped like the ASSISTments exports."""

from __future__ import annotations

import pytest

from edusim.data import DataError, load, load_with_report

from .data_helpers import write


def test_assistments2015_preset(tmp_path):
    path = write(tmp_path / "a2015.csv", "user_id,log_id,sequence_id,correct\n"
                 "50121,167478035,7014,0.0\n50121,167478043,7014,1.0\n50964,167478053,7014,1.0\n")
    df = load(path, "csv", preset="assistments2015")
    assert df.groupby("user_id").size().to_dict() == {"50121": 2, "50964": 1}
    assert df.correct.tolist() == [False, True, True]
    assert df.skill_ids.tolist() == [["7014"]] * 3


def test_assistments2017_preset_converts_seconds(tmp_path):
    path = write(tmp_path / "a2017.csv", "studentId,problemId,skill,correct,startTime,timeTaken,"
                 "assignmentId\n8,1,properties-of-geometric-figures,1,1096470301,9,12\n"
                 "8,2,sinusoidal-and-circular-functions,0,1096470310,4.5,12\n")
    df = load(path, "csv", preset="assistments2017")
    assert df.timestamp.tolist() == [1096470301000, 1096470310000]
    assert df.elapsed_ms.tolist() == [9000, 4500]
    assert df.skill_ids.tolist() == [["properties-of-geometric-figures"],
                                     ["sinusoidal-and-circular-functions"]]


def test_mapping_without_timestamp_uses_file_order_and_reports_bad_correct(tmp_path):
    path = write(tmp_path / "x.csv", "who,what,ok\nA,p1,yes\nA,p2,maybe\nB,p1,false\n")
    columns = {"user_id": "who", "item_id": "what", "correct": "ok"}
    with pytest.raises(DataError, match=r"x.csv, line 3, column 'ok'"):
        load(path, "csv", columns=columns)
    df, report = load_with_report(path, "csv", columns=columns, errors="skip")
    assert df[["user_id", "item_id", "correct", "timestamp"]].values.tolist() == [
        ["A", "p1", True, 0], ["B", "p1", False, 2]]
    assert df.skill_ids.tolist() == [["p1"], ["p1"]]
    assert report.counts() == {"cast": 1}


def test_mapping_errors_are_explicit(tmp_path):
    path = write(tmp_path / "x.csv", "a,b\n1,2\n")
    with pytest.raises(DataError, match="needs columns"):
        load(path, "csv")
    with pytest.raises(DataError, match="unknown preset"):
        load(path, "csv", preset="assistments2099")
    with pytest.raises(DataError, match=r"missing column.*\['user_id'"):
        load(path, "csv", preset="assistments2009")
