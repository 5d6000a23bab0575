"""Curricula shared by the environment tests."""

from __future__ import annotations

import numpy as np

from edusim.curriculum import Curriculum, Item, ItemBank, SkillGraph

__all__ = ["MULTI"]


def _multi_skill_curriculum() -> Curriculum:
    """Items with one to three skills, a test item with two, over a random DAG."""
    graph = SkillGraph.random_dag(8, edge_prob=0.3, seed=2)
    skills = list(graph.skills)
    rng = np.random.default_rng(3)
    items = []
    for i in range(30):
        chosen = sorted(rng.choice(len(skills), size=1 + i % 3, replace=False))
        items.append(Item(f"i{i}", tuple(skills[j] for j in chosen), float(rng.normal())))
    test = [Item(f"t{s}", (s,), 0.0) for s in skills] + [Item("tmix", (skills[0], skills[-1]))]
    test_items = {s: (f"t{s}",) for s in skills} | {skills[0]: (f"t{skills[0]}", "tmix")}
    return Curriculum("multi", graph, ItemBank(tuple(items)), test_items, ItemBank(tuple(test)))


#: Multi-skill items over a random prerequisite graph (the tutor's multi-skill code paths).
MULTI = _multi_skill_curriculum()
