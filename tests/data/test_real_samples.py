"""The real samples load with the counts an independent reading (csv module) gives."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from edusim.data import CANONICAL_COLUMNS, Store, load, read_store

from .data_helpers import (
    CONTENTS,
    DKT_TEST,
    DKT_TRAIN,
    KT4,
    SKILL_BUILDER,
    needs_samples,
)

pytestmark = needs_samples


def _dkt_counts(path):
    lines = [line.strip() for line in open(path) if line.strip()]
    counts = [int(c) for c in lines[0::3]]
    correct = sum(v.strip() == "1" for line in lines[2::3] for v in line.rstrip(",").split(","))
    skills = {v.strip() for line in lines[1::3] for v in line.rstrip(",").split(",")}
    return len(counts), sum(counts), correct, skills


def _kt4_final_answers():
    """Final answers per learner: the last respond to each question before its bundle's submit."""
    bundle_of = {}
    answer_of = {}
    with open(CONTENTS / "questions.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            bundle_of[row["question_id"]] = row["bundle_id"]
            answer_of[row["question_id"]] = row["correct_answer"]
    totals, rights, events = Counter(), Counter(), 0
    for path in sorted(KT4.glob("u*.csv")):
        pending: dict[str, str] = {}
        with open(path, newline="") as handle:
            for row in csv.DictReader(handle):
                events += 1
                kind, item = row["action_type"], row["item_id"]
                if kind == "respond" and item.startswith("q"):
                    pending[item] = row["user_answer"]
                elif kind == "submit":
                    for q, ans in pending.items():
                        if bundle_of.get(q) == item:
                            totals[path.stem] += 1
                            rights[path.stem] += ans == answer_of[q]
                    pending = {}
    return totals, rights, events


def test_dkt_train_counts_and_schema():
    sequences, rows, correct, skills = _dkt_counts(DKT_TRAIN)
    df = load(DKT_TRAIN, "dkt")
    assert list(df.columns) == list(CANONICAL_COLUMNS)
    assert len(df) == rows
    assert df["user_id"].nunique() == sequences
    assert int(df["correct"].sum()) == correct
    assert set(df["item_id"]) == skills
    assert all(isinstance(s, list) and len(s) == 1 for s in df["skill_ids"].head(100))
    first = df[df.user_id == "0"]
    assert first["timestamp"].tolist() == list(range(len(first)))


def test_ednet_kt4_final_answers_match_independent_count():
    totals, rights, _ = _kt4_final_answers()
    df = load(KT4, "ednet-kt4", contents=CONTENTS)
    assert df.groupby("user_id").size().to_dict() == dict(totals)
    assert df.groupby("user_id")["correct"].sum().astype(int).to_dict() == dict(rights)
    assert (df.groupby("user_id")["timestamp"].diff().dropna() >= 0).all()


def test_skill_builder_preset_merges_multi_skill_rows():
    with open(SKILL_BUILDER, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    answers = {(r["user_id"], r["order_id"]): r["correct"] == "1" for r in rows}
    skills = Counter((r["user_id"], r["order_id"]) for r in rows if r["skill_id"])
    df = load(SKILL_BUILDER, "csv", preset="assistments2009")
    assert len(df) == len(answers)
    assert df["user_id"].nunique() == len({u for u, _ in answers})
    assert int(df["correct"].sum()) == sum(answers.values())
    multi = {k for k, n in skills.items() if n > 1}
    got = {(u, str(t)) for u, t, s in zip(df.user_id, df.timestamp, df.skill_ids, strict=True)
           if len(s) > 1}
    assert got == multi


def test_store_holds_the_same_counts_as_load(tmp_path):
    totals, _, events = _kt4_final_answers()
    store = Store(tmp_path / "ednet.duckdb")
    report = store.ingest([KT4], "ednet-kt4", contents=CONTENTS)
    counts = store.counts()
    assert report.rows_added == counts["interactions"] == sum(totals.values())
    assert counts["events"] == events
    assert counts["learners"] == len(totals)
    kinds = store.query("SELECT kind, count(*) AS n FROM items GROUP BY kind")
    files = {"question": "questions.csv", "lecture": "lectures.csv", "payment": "payments.csv",
             "coupon": "coupons.csv"}
    expected = {}
    for kind, name in files.items():
        with open(CONTENTS / name, newline="") as handle:
            expected[kind] = sum(1 for _ in csv.DictReader(handle))
    assert dict(zip(kinds.kind, kinds.n, strict=True)) == expected
    # Every item a KT4 log names (bundles and explanations aside) is in the catalog.
    unknown = store.query("SELECT DISTINCT item_id FROM events WHERE left(item_id, 1) IN "
                          "('q', 'l', 'p', 'c') AND item_id NOT IN (SELECT item_id FROM items)")
    assert unknown.empty, unknown.item_id.tolist()
    from_store = read_store(store.path)
    from_load = load(KT4, "ednet-kt4", contents=CONTENTS)
    assert from_store.drop(columns="skill_ids").equals(from_load.drop(columns="skill_ids"))
    assert from_store.skill_ids.tolist() == from_load.skill_ids.tolist()


@pytest.mark.parametrize("path", [DKT_TRAIN, DKT_TEST])
def test_store_dkt_counts(tmp_path, path):
    _, rows, correct, _ = _dkt_counts(path)
    store = Store(tmp_path / "a.duckdb")
    store.ingest([path], "dkt")
    assert store.counts()["interactions"] == rows
    assert store.query("SELECT sum(correct::INT) c FROM interactions").c[0] == correct
