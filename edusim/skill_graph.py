"""Skill prerequisite graphs: which skills must be known before which.

:class:`SkillGraph` is a directed acyclic graph (networkx) whose edge ``a -> b`` says that
skill ``a`` is a prerequisite of skill ``b``. It is re-exported by :mod:`edusim.curriculum`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np

__all__ = ["CurriculumError", "SkillGraph"]


class CurriculumError(ValueError):
    """A skill graph, item bank or curriculum file is invalid; the message says what and where."""


class SkillGraph:
    """A DAG of skills; the edge ``a -> b`` means ``a`` is a prerequisite of ``b``.

    Skills keep the order they were given in: that order is the skill axis of every learner
    state array.

    Args:
        skills: Skill ids, in the order of the skill axis.
        prerequisites: ``(prerequisite, skill)`` pairs.
        names: Optional human-readable names per skill id.

    Raises:
        CurriculumError: On duplicate skills, an edge naming an unknown skill, or a cycle.

    Example:
        >>> g = SkillGraph(["add", "mul"], [("add", "mul")])
        >>> g.prerequisites_of("mul")
        ('add',)
        >>> SkillGraph(["a", "b"], [("a", "b"), ("b", "a")])
        Traceback (most recent call last):
        ...
        edusim.skill_graph.CurriculumError: skill graph has a cycle: a -> b -> a
    """

    def __init__(
        self,
        skills: Sequence[str],
        prerequisites: Iterable[tuple[str, str]] = (),
        names: Mapping[str, str] | None = None,
    ) -> None:
        skills = tuple(str(s) for s in skills)
        if not skills:
            raise CurriculumError("a skill graph needs at least one skill")
        duplicates = sorted({s for s in skills if skills.count(s) > 1})
        if duplicates:
            raise CurriculumError(f"duplicate skill ids: {duplicates}")
        known = set(skills)
        graph = nx.DiGraph()
        graph.add_nodes_from(skills)
        for edge in prerequisites:
            pre, post = (str(e) for e in edge)
            unknown = [s for s in (pre, post) if s not in known]
            if unknown:
                raise CurriculumError(
                    f"prerequisite edge {pre!r} -> {post!r} names unknown skill(s) {unknown}"
                )
            if pre == post:
                raise CurriculumError(f"skill {pre!r} cannot be its own prerequisite")
            graph.add_edge(pre, post)
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            cycle = None
        if cycle:
            path = " -> ".join([cycle[0][0], *[v for _, v in cycle]])
            raise CurriculumError(f"skill graph has a cycle: {path}")
        names = dict(names or {})
        unknown_names = sorted(set(names) - known)
        if unknown_names:
            raise CurriculumError(f"names given for unknown skills: {unknown_names}")
        self._skills = skills
        self._index = {s: i for i, s in enumerate(skills)}
        self._graph = graph
        self._names = {s: names.get(s, s) for s in skills}

    # -- queries -------------------------------------------------------------------------
    @property
    def skills(self) -> tuple[str, ...]:
        """Skill ids in skill-axis order."""
        return self._skills

    @property
    def graph(self) -> nx.DiGraph:
        """A copy of the underlying networkx graph (edges point from prerequisite to skill)."""
        return self._graph.copy()

    @property
    def edges(self) -> list[tuple[str, str]]:
        """Prerequisite edges in a stable order."""
        order = self._index
        return sorted(self._graph.edges, key=lambda e: (order[e[1]], order[e[0]]))

    def __len__(self) -> int:
        return len(self._skills)

    def __contains__(self, skill: object) -> bool:
        return skill in self._index

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SkillGraph)
            and self._skills == other._skills
            and set(self._graph.edges) == set(other._graph.edges)
            and self._names == other._names
        )

    def __repr__(self) -> str:
        return f"SkillGraph({len(self)} skills, {self._graph.number_of_edges()} prerequisites)"

    def name(self, skill: str) -> str:
        """Human-readable name of ``skill``."""
        return self._names[self._check(skill)]

    def index(self, skill: str) -> int:
        """Position of ``skill`` on the skill axis."""
        return self._index[self._check(skill)]

    def prerequisites_of(self, skill: str) -> tuple[str, ...]:
        """Direct prerequisites of ``skill``, in skill-axis order."""
        self._check(skill)
        return tuple(sorted(self._graph.predecessors(skill), key=self._index.__getitem__))

    def successors_of(self, skill: str) -> tuple[str, ...]:
        """Skills that have ``skill`` as a direct prerequisite, in skill-axis order."""
        self._check(skill)
        return tuple(sorted(self._graph.successors(skill), key=self._index.__getitem__))

    def topological_order(self) -> tuple[str, ...]:
        """Skills with every prerequisite before its dependants (ties broken by skill order)."""
        order = nx.lexicographical_topological_sort(self._graph, key=self._index.__getitem__)
        return tuple(order)

    def topological_indices(self) -> list[int]:
        """The indices of :meth:`topological_order`: prerequisites first, ties by index.

        Example:
            >>> SkillGraph(["b", "a"], [("a", "b")]).topological_indices()
            [1, 0]
        """
        return [self._index[s] for s in self.topological_order()]

    def prerequisite_matrix(self) -> np.ndarray:
        """Boolean ``(K, K)`` matrix: ``[j, k]`` is true when ``j`` is a prerequisite of ``k``.

        Example:
            >>> SkillGraph.chain(3).prerequisite_matrix().astype(int)
            array([[0, 1, 0],
                   [0, 0, 1],
                   [0, 0, 0]])
        """
        matrix = np.zeros((len(self), len(self)), dtype=bool)
        for pre, post in self._graph.edges:
            matrix[self._index[pre], self._index[post]] = True
        return matrix

    def depth(self) -> np.ndarray:
        """Length of the longest prerequisite chain ending at each skill (roots have depth 0)."""
        depth = np.zeros(len(self), dtype=np.int64)
        for skill in self.topological_order():
            preds = [depth[self._index[p]] + 1 for p in self._graph.predecessors(skill)]
            depth[self._index[skill]] = max(preds, default=0)
        return depth

    def _check(self, skill: str) -> str:
        if skill not in self._index:
            raise CurriculumError(f"unknown skill {skill!r}; known skills: {list(self._skills)}")
        return skill

    # -- generators ----------------------------------------------------------------------
    @classmethod
    def chain(cls, n: int, prefix: str = "s") -> SkillGraph:
        """``n`` skills in a line: each is the prerequisite of the next."""
        skills = [f"{prefix}{i}" for i in range(n)]
        return cls(skills, zip(skills[:-1], skills[1:], strict=True))

    @classmethod
    def tree(cls, depth: int, branching: int = 2, prefix: str = "s") -> SkillGraph:
        """A rooted tree ``depth`` levels deep: each skill is the prerequisite of its children.

        Example:
            >>> len(SkillGraph.tree(depth=3, branching=2))
            7
        """
        if depth < 1 or branching < 1:
            raise CurriculumError("tree needs depth >= 1 and branching >= 1")
        skills, edges, level = [f"{prefix}0"], [], [f"{prefix}0"]
        for _ in range(depth - 1):
            next_level = []
            for parent in level:
                for _ in range(branching):
                    child = f"{prefix}{len(skills)}"
                    skills.append(child)
                    edges.append((parent, child))
                    next_level.append(child)
            level = next_level
        return cls(skills, edges)

    @classmethod
    def random_dag(
        cls, n: int, edge_prob: float = 0.2, seed: int | None = None, prefix: str = "s"
    ) -> SkillGraph:
        """A random DAG: each pair ``i < j`` gets the edge ``i -> j`` with ``edge_prob``.

        Example:
            >>> SkillGraph.random_dag(6, 0.3, seed=1) == SkillGraph.random_dag(6, 0.3, seed=1)
            True
        """
        if not 0.0 <= edge_prob <= 1.0:
            raise CurriculumError(f"edge_prob must lie in [0, 1], got {edge_prob}")
        rng = np.random.default_rng(seed)
        skills = [f"{prefix}{i}" for i in range(n)]
        upper = np.triu(rng.random((n, n)) < edge_prob, k=1)
        edges = [(skills[i], skills[j]) for i, j in zip(*np.nonzero(upper), strict=True)]
        return cls(skills, edges)

    # -- serialisation -------------------------------------------------------------------
    def to_dict(self) -> dict:
        """A JSON-ready dict (``skills`` with ids and names, ``prerequisites`` as pairs)."""
        return {
            "skills": [{"id": s, "name": self._names[s]} for s in self._skills],
            "prerequisites": [list(e) for e in self.edges],
        }

    @classmethod
    def from_dict(cls, data: Mapping, source: str = "<dict>") -> SkillGraph:
        """Inverse of :meth:`to_dict`; skills may also be plain id strings."""
        try:
            raw_skills = data["skills"]
            skills = [s["id"] if isinstance(s, Mapping) else s for s in raw_skills]
            names = {
                s["id"]: s["name"] for s in raw_skills if isinstance(s, Mapping) and "name" in s
            }
            edges = [tuple(e) for e in data.get("prerequisites", [])]
        except (KeyError, TypeError) as exc:
            raise CurriculumError(f"{source}: malformed skill graph ({exc!r})") from exc
        bad = [e for e in edges if len(e) != 2]
        if bad:
            raise CurriculumError(f"{source}: prerequisite entries must be pairs, got {bad[:3]}")
        try:
            return cls(skills, edges, names)
        except CurriculumError as exc:
            raise CurriculumError(f"{source}: {exc}") from None
