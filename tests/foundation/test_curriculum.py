from __future__ import annotations

import json

import numpy as np
import pytest

from edusim.curriculum import (
    Curriculum,
    CurriculumError,
    Item,
    ItemBank,
    SkillGraph,
    builtin_names,
    load_builtin,
)


def test_cycle_is_a_clear_error() -> None:
    with pytest.raises(CurriculumError, match="cycle: a -> b -> c -> a"):
        SkillGraph(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])


def test_unknown_skill_in_edge_is_named() -> None:
    with pytest.raises(CurriculumError, match="unknown skill.*'zz'"):
        SkillGraph(["a", "b"], [("a", "zz")])


def test_duplicate_skills_and_self_loops_rejected() -> None:
    with pytest.raises(CurriculumError, match="duplicate"):
        SkillGraph(["a", "a"])
    with pytest.raises(CurriculumError, match="own prerequisite"):
        SkillGraph(["a"], [("a", "a")])


def test_item_with_unknown_skill_rejected() -> None:
    graph = SkillGraph(["a"])
    bank = ItemBank((Item("q1", ("nope",)),))
    with pytest.raises(CurriculumError, match="q1.*unknown skill 'nope'"):
        Curriculum("c", graph, bank, {"a": ("q1",)})


def test_missing_post_test_rejected() -> None:
    graph = SkillGraph(["a", "b"])
    bank = ItemBank((Item("q1", ("a",)), Item("q2", ("b",))))
    with pytest.raises(CurriculumError, match=r"no post-test items for \['b'\]"):
        Curriculum("c", graph, bank, {"a": ("q1",)})


def test_generators() -> None:
    chain = SkillGraph.chain(4)
    assert chain.topological_order() == ("s0", "s1", "s2", "s3")
    assert chain.depth().tolist() == [0, 1, 2, 3]
    tree = SkillGraph.tree(depth=3, branching=3)
    assert len(tree) == 13 and tree.prerequisites_of("s1") == ("s0",)
    dag = SkillGraph.random_dag(30, 0.3, seed=4)
    assert dag == SkillGraph.random_dag(30, 0.3, seed=4)
    assert dag != SkillGraph.random_dag(30, 0.3, seed=5)
    order = dag.topological_order()
    position = {s: i for i, s in enumerate(order)}
    assert all(position[a] < position[b] for a, b in dag.edges)


def test_json_round_trip(tmp_path) -> None:
    original = load_builtin("fractions")
    path = original.save(tmp_path / "sub" / "c.json")
    again = Curriculum.load(path)
    assert again.graph == original.graph
    assert again.items == original.items
    assert again.test_items == original.test_items
    assert not list(path.parent.glob("*.tmp"))


def test_malformed_json_names_the_file(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(CurriculumError, match="bad.json: not valid JSON"):
        Curriculum.load(path)
    data = load_builtin().to_dict()
    data["prerequisites"].append(["parts", "ghost"])
    path.write_text(json.dumps(data))
    with pytest.raises(CurriculumError, match="bad.json.*ghost"):
        Curriculum.load(path)


def test_shipped_curriculum_is_realistic() -> None:
    assert "fractions" in builtin_names()
    c = load_builtin("fractions")
    assert 15 <= c.n_skills <= 30
    assert all(item.text and item.answer for item in c.items)
    assert c.graph.depth().max() >= 3
    weights = c.test_weights()
    assert np.isclose(weights.sum(), 1.0)
    assert len(weights) == len(c.test_item_indices())


def test_topological_indices_put_prerequisites_first_and_match_the_order() -> None:
    graph = SkillGraph(["c", "a", "b", "d"], [("a", "c"), ("b", "c"), ("c", "d")])
    assert graph.topological_indices() == [1, 2, 0, 3]
    assert [graph.skills[k] for k in graph.topological_indices()] == list(graph.topological_order())
