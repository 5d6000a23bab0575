"""Dataset analysis, computed in DuckDB SQL so that it scales to the full store.

Each function takes a *source* — a :class:`~edusim.data.Store`, a database path, or a
canonical DataFrame — and returns a small pandas table; :mod:`edusim.data.plots` draws each
table as a PNG.

* :func:`summary`: learners, items, skills, interactions, correctness, sequence lengths;
* :func:`sequence_lengths`: interactions per learner;
* :func:`skill_difficulty`: attempts and correct rate per skill;
* :func:`learning_curves`: error rate by opportunity count (per skill and overall);
* :func:`time_on_task`: histogram of time per item on a log scale;
* :func:`prerequisite_graph`: which skills learners master before which, as a
  :class:`edusim.curriculum.SkillGraph`.

Example:
    >>> import pandas as pd
    >>> df = pd.DataFrame({"user_id": ["a", "a", "b"], "item_id": ["q1", "q2", "q1"],
    ...     "skill_ids": [["s1"], ["s2"], ["s1"]], "correct": [False, True, True],
    ...     "timestamp": [1, 2, 1]})
    >>> summary(df).set_index("metric").loc[["learners", "interactions"], "value"].tolist()
    [2.0, 3.0]
    >>> skill_difficulty(df)[["skill_id", "attempts", "correct_rate"]].values.tolist()
    [['s1', 2, 0.5], ['s2', 1, 1.0]]
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import networkx as nx
import pandas as pd

from edusim.curriculum import SkillGraph
from edusim.data.dbfile import open_duckdb
from edusim.data.store import Store

__all__ = [
    "Source",
    "connect",
    "summary",
    "sequence_lengths",
    "skill_difficulty",
    "learning_curves",
    "time_on_task",
    "prerequisite_graph",
]

#: Anything analysis functions read: a store, its path, or a canonical DataFrame.
Source = Store | pd.DataFrame | str | os.PathLike


@contextlib.contextmanager
def connect(source: Source) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection where ``interactions`` (and ``skills``) name the source's data."""
    if isinstance(source, pd.DataFrame):
        con = open_duckdb()
        frame = source.copy()
        for name in ("elapsed_ms",):
            if name not in frame.columns:
                frame[name] = pd.array([None] * len(frame), dtype="Int64")
        frame["skill_ids"] = [list(map(str, s)) for s in frame["skill_ids"]]
        con.register("_frame", frame)
        con.execute("CREATE TEMP VIEW interactions AS SELECT user_id::VARCHAR AS user_id, "
                    "item_id::VARCHAR AS item_id, skill_ids::VARCHAR[] AS skill_ids, "
                    "correct::BOOLEAN AS correct, timestamp::BIGINT AS timestamp, "
                    "elapsed_ms::BIGINT AS elapsed_ms FROM _frame")
        con.execute("CREATE TEMP TABLE skills (skill_id VARCHAR, name VARCHAR)")
    else:
        store = source if isinstance(source, Store) else Store(Path(source))
        with store.connect() as con:
            yield con
        return
    try:
        yield con
    finally:
        con.close()


def summary(source: Source) -> pd.DataFrame:
    """Headline numbers, one row per ``metric`` (``value`` is a float).

    Metrics: learners, items, skills, interactions, correct_rate, sequence length
    min/median/mean/p90/max, median_elapsed_s (NaN without timing), days_spanned.
    """
    with connect(source) as con:
        row = con.execute(
            "WITH per AS (SELECT user_id, count(*) n FROM interactions GROUP BY 1) "
            "SELECT (SELECT count(*) FROM per), "
            "(SELECT count(DISTINCT item_id) FROM interactions), "
            "(SELECT count(DISTINCT s) FROM (SELECT unnest(skill_ids) s FROM interactions)), "
            "(SELECT count(*) FROM interactions), "
            "(SELECT avg(correct::DOUBLE) FROM interactions), "
            "min(n), quantile_cont(n, 0.5), avg(n), quantile_cont(n, 0.9), max(n), "
            "(SELECT quantile_cont(elapsed_ms, 0.5) / 1000 FROM interactions), "
            "(SELECT (max(timestamp) - min(timestamp)) / 86400000.0 FROM interactions) "
            "FROM per"
        ).fetchall()[0]
    names = ["learners", "items", "skills", "interactions", "correct_rate",
             "sequence_length_min", "sequence_length_median", "sequence_length_mean",
             "sequence_length_p90", "sequence_length_max", "median_elapsed_s", "days_spanned"]
    values = [float("nan") if v is None else float(v) for v in row]
    return pd.DataFrame({"metric": names, "value": values})


def sequence_lengths(source: Source) -> pd.DataFrame:
    """Interactions per learner: columns ``user_id, interactions`` (longest first)."""
    with connect(source) as con:
        return con.execute(
            "SELECT user_id, count(*) AS interactions FROM interactions GROUP BY 1 "
            "ORDER BY 2 DESC, 1"
        ).df()


def skill_difficulty(source: Source) -> pd.DataFrame:
    """Per skill: ``skill_id, name, attempts, learners, correct_rate``, hardest skills last.

    Sorted by attempts (descending), then skill id.
    """
    with connect(source) as con:
        return con.execute(
            "WITH x AS (SELECT user_id, unnest(skill_ids) AS skill_id, correct "
            "FROM interactions) "
            "SELECT x.skill_id, any_value(s.name) AS name, count(*) AS attempts, "
            "count(DISTINCT user_id) AS learners, avg(correct::DOUBLE) AS correct_rate "
            "FROM x LEFT JOIN skills s ON s.skill_id = x.skill_id GROUP BY x.skill_id "
            "ORDER BY attempts DESC, x.skill_id"
        ).df()


def learning_curves(source: Source, max_opportunity: int = 20) -> pd.DataFrame:
    """Error rate by opportunity (1 = the learner's first attempt at the skill).

    Returns:
        Columns ``skill_id, opportunity, attempts, error_rate``; ``skill_id == "(all)"``
        aggregates every skill.
    """
    with connect(source) as con:
        return con.execute(
            "WITH x AS (SELECT user_id, unnest(skill_ids) AS skill_id, correct, timestamp, "
            "row_number() OVER () AS rid FROM interactions), "
            "o AS (SELECT skill_id, correct, row_number() OVER (PARTITION BY user_id, skill_id "
            "ORDER BY timestamp, rid) AS opportunity FROM x) "
            "SELECT coalesce(skill_id, '(all)') AS skill_id, opportunity, count(*) AS attempts, "
            "1 - avg(correct::DOUBLE) AS error_rate FROM o WHERE opportunity <= ? "
            "GROUP BY GROUPING SETS ((skill_id, opportunity), (opportunity)) "
            "ORDER BY skill_id, opportunity",
            [max_opportunity],
        ).df()


def time_on_task(source: Source, bins_per_decade: int = 4) -> pd.DataFrame:
    """Histogram of ``elapsed_ms`` on a log scale: ``low_s, high_s, interactions``.

    Empty when the source has no timing (e.g. the DKT sequence format).
    """
    with connect(source) as con:
        return con.execute(
            "WITH b AS (SELECT floor(log10(greatest(elapsed_ms, 1) / 1000.0) * ?) AS bin "
            "FROM interactions WHERE elapsed_ms IS NOT NULL AND elapsed_ms >= 0) "
            "SELECT pow(10, bin / ?) AS low_s, pow(10, (bin + 1) / ?) AS high_s, "
            "count(*) AS interactions FROM b GROUP BY bin ORDER BY bin",
            [bins_per_decade, bins_per_decade, bins_per_decade],
        ).df()


def prerequisite_graph(
    source: object,
    max_skills: int = 30,
    min_learners: int = 10,
    threshold: float = 0.7,
    level: float = 0.9,
    attempts: int = 2,
) -> tuple[pd.DataFrame, SkillGraph]:
    """Estimate prerequisites: skills that learners tend to master before others.

    A learner *masters* a skill at the first attempt from which on at least a ``level``
    share of their answers on it are right, over at least ``attempts`` answers (a late,
    lasting success rather than a lucky guess). For each pair of the ``max_skills`` most practised
    skills mastered by at least ``min_learners`` learners, ``p_before`` is the share of those
    learners who mastered ``pre`` first. Pairs with ``p_before >= threshold`` become edges,
    strongest first, skipping any that would close a cycle; the transitive reduction is kept.

    Returns:
        The candidate pairs (``pre, post, learners, p_before, kept``) and the graph.
    """
    with connect(source) as con:
        pairs = con.execute(_PAIRS_SQL, [max_skills, level, attempts, min_learners]).df()
        skills = con.execute(
            "SELECT x.skill_id, any_value(s.name) AS name FROM (SELECT unnest(skill_ids) "
            "AS skill_id FROM interactions) x LEFT JOIN skills s ON s.skill_id = x.skill_id "
            "GROUP BY x.skill_id ORDER BY count(*) DESC, x.skill_id LIMIT ?",
            [max_skills],
        ).df()
    candidates = pairs[pairs.p_before >= threshold].sort_values(
        ["p_before", "learners", "pre", "post"], ascending=[False, False, True, True]
    )
    dag = nx.DiGraph()
    dag.add_nodes_from(skills.skill_id)
    for pre, post in zip(candidates.pre, candidates.post, strict=True):
        if not nx.has_path(dag, post, pre):
            dag.add_edge(pre, post)
    reduced = nx.transitive_reduction(dag)
    pairs["kept"] = [reduced.has_edge(a, b) for a, b in zip(pairs.pre, pairs.post, strict=True)]
    names = {s: n for s, n in zip(skills.skill_id, skills.name, strict=True) if isinstance(n, str)}
    graph = SkillGraph(list(skills.skill_id), list(reduced.edges), names=names)
    return pairs, graph


_PAIRS_SQL = """
WITH top AS (
    SELECT s AS skill_id FROM (SELECT unnest(skill_ids) AS s FROM interactions)
    GROUP BY s ORDER BY count(*) DESC, s LIMIT ?),
x AS (
    SELECT user_id, unnest(skill_ids) AS skill_id, correct,
           row_number() OVER (PARTITION BY user_id ORDER BY timestamp) AS pos
    FROM interactions),
ahead AS (
    SELECT user_id, skill_id, pos,
           avg(correct::DOUBLE) OVER w AS rate, count(*) OVER w AS n
    FROM x WHERE skill_id IN (SELECT skill_id FROM top)
    WINDOW w AS (PARTITION BY user_id, skill_id ORDER BY pos
                 ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)),
mastered AS (
    SELECT user_id, skill_id, min(pos) AS t FROM ahead WHERE rate >= ? AND n >= ?
    GROUP BY user_id, skill_id)
SELECT a.skill_id AS pre, b.skill_id AS post, count(*) AS learners,
       avg((a.t < b.t)::DOUBLE) AS p_before
FROM mastered a JOIN mastered b ON a.user_id = b.user_id AND a.skill_id <> b.skill_id
GROUP BY a.skill_id, b.skill_id HAVING count(*) >= ?
ORDER BY pre, post
"""
