"""The KSS knowledge structure: its graph, item bank and the matrices its learners step with.

Example:
    >>> allowed_after(nx.DiGraph(KSS_EDGES), 10)[0].nonzero()[0].tolist()
    [0, 1, 2]
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from edusim.curriculum import Curriculum, Item, ItemBank, SkillGraph

__all__ = [
    "KSS_BANK_ORDER",
    "KSS_DIFFICULTY",
    "KSS_EDGES",
    "allowed_after",
    "kss_curriculum",
    "sample_difficulty",
    "spill_weights",
    "stack_topological_order",
]

#: The prerequisite edges of KSS's 10 knowledge points (``Envs/KSS/KS.py``).
KSS_EDGES: tuple[tuple[int, int], ...] = (
    (0, 1), (0, 2), (1, 3), (2, 4), (2, 8), (3, 4),
    (4, 8), (5, 4), (5, 9), (6, 7), (7, 8), (8, 9),
)  # fmt: skip
#: The order along which the original spreads its sorted difficulties (``default_order``).
KSS_BANK_ORDER: tuple[int, ...] = (5, 0, 1, 2, 3, 4, 6, 7, 8, 9)
#: Exercise difficulty per point as the original draws it with its default ``seed=10``
#: (``random.seed(10)``, ten ``randint(0, 5)``, sorted, placed along ``KSS_BANK_ORDER``).
KSS_DIFFICULTY: tuple[float, ...] = (0.0, 1.0, 2.0, 3.0, 3.0, 0.0, 3.0, 3.0, 4.0, 4.0)


def kss_curriculum(difficulty: tuple[float, ...] = KSS_DIFFICULTY) -> Curriculum:
    """The KSS knowledge structure as a curriculum: skill ``k{i}``, exercise ``q{i}``.

    Example:
        >>> c = kss_curriculum()
        >>> c.n_skills, c.n_items, c.graph.prerequisites_of("k4")
        (10, 10, ('k2', 'k3', 'k5'))
    """
    if len(difficulty) != 10:
        raise ValueError(f"KSS needs 10 difficulties, got {len(difficulty)}")
    graph = SkillGraph([f"k{i}" for i in range(10)], [(f"k{a}", f"k{b}") for a, b in KSS_EDGES])
    items = ItemBank(tuple(Item(f"q{i}", (f"k{i}",), float(d)) for i, d in enumerate(difficulty)))
    tests = {f"k{i}": (f"q{i}",) for i in range(10)}
    return Curriculum("kss", graph, items, tests, description="EduSim 0.0.2 KSS structure")


def sample_difficulty(rng: np.random.Generator) -> tuple[float, ...]:
    """A fresh KSS item bank: sorted ``randint(0, 5)`` placed along ``KSS_BANK_ORDER``.

    Example:
        >>> d = sample_difficulty(np.random.default_rng(0))
        >>> d[5] <= d[0] <= d[1] and len(d) == 10
        True
    """
    values = np.sort(rng.integers(0, 6, size=len(KSS_BANK_ORDER)))
    difficulty = np.empty(len(values))
    difficulty[list(KSS_BANK_ORDER)] = values
    return tuple(float(d) for d in difficulty)


def stack_topological_order(graph: nx.DiGraph) -> list:
    """Kahn's algorithm with a stack: the order of networkx < 2.6's ``topological_sort``.

    The original warms learners up along ``nx.topological_sort`` of its graph; the networkx of
    its time (2.4) popped ready nodes from the end of a list, which this reproduces.

    Example:
        >>> g = nx.DiGraph(KSS_EDGES)
        >>> stack_topological_order(g)
        [6, 7, 5, 0, 2, 1, 3, 4, 8, 9]
    """
    indegree = {v: d for v, d in graph.in_degree() if d > 0}
    ready = [v for v, d in graph.in_degree() if d == 0]
    order = []
    while ready:
        node = ready.pop()
        for _, child in graph.edges(node):
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
                del indegree[child]
        order.append(node)
    return order



def spill_weights(dag: nx.DiGraph, k: int) -> np.ndarray:
    """``W[s, t]``: sum over paths ``s -> t`` of ``0.5 ** len`` (``W[s, s] = 1``)."""
    weights = np.eye(k)
    for node in reversed(stack_topological_order(dag)):
        for child in dag.successors(node):
            weights[node] += 0.5 * weights[child]
    return weights


def allowed_after(dag: nx.DiGraph, k: int) -> np.ndarray:
    """``allowed[last, s]``: can ``s`` be learned right after ``last``; row ``-1``: first time.

    The original's ``influence_control(allow_shortcut=False)``: the successors of ``last``;
    each prerequisite ``p`` of ``last`` with its own prerequisites and successors; and
    ``last`` itself. Never empty on a connected graph; all points if it were.
    """
    allowed = np.zeros((k + 1, k), dtype=bool)
    for last in range(k):
        cands = set(dag.successors(last))
        for pre in dag.predecessors(last):
            cands |= {pre, *dag.predecessors(pre), *dag.successors(pre)}
        allowed[last, list(cands | {last}) if cands else list(range(k))] = True
    allowed[k] = True
    return allowed
