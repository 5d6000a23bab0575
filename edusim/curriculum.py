"""Curricula: a prerequisite graph of skills, the items that exercise them, and a post-test.

A :class:`Curriculum` is what every tutoring environment and learner model is built on:

* :class:`SkillGraph` is a directed acyclic graph (networkx) whose edge ``a -> b`` says that
  skill ``a`` is a prerequisite of skill ``b``.
* :class:`Item` is one practice or test question; it exercises one or more skills.
* :class:`ItemBank` is the ordered list of items; an item's position is its action index.
* :class:`Curriculum` bundles a graph, an item bank and a fixed post-test (item ids per skill).

Example:
    >>> graph = SkillGraph.chain(3)
    >>> graph.skills
    ('s0', 's1', 's2')
    >>> curriculum = Curriculum.from_graph(graph, items_per_skill=2, seed=0)
    >>> len(curriculum.items), curriculum.q_matrix.shape
    (6, (6, 3))
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import networkx as nx
import numpy as np

from edusim.atomic import write_text_atomic

__all__ = [
    "CurriculumError",
    "SkillGraph",
    "Item",
    "ItemBank",
    "Curriculum",
    "load_builtin",
    "builtin_names",
]


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
        edusim.curriculum.CurriculumError: skill graph has a cycle: a -> b -> a
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


@dataclass(frozen=True)
class Item:
    """One question.

    Attributes:
        id: Unique item id.
        skills: Skill ids the item exercises (all are needed to answer it).
        difficulty: Difficulty on a logit scale; 0 is typical, positive is harder.
        text: Optional question text.
        answer: Optional correct answer.
    """

    id: str
    skills: tuple[str, ...]
    difficulty: float = 0.0
    text: str | None = None
    answer: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "skills", tuple(self.skills))
        if not self.skills:
            raise CurriculumError(f"item {self.id!r} exercises no skill")
        if not np.isfinite(self.difficulty):
            raise CurriculumError(f"item {self.id!r} has a non-finite difficulty")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["skills"] = list(self.skills)
        return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class ItemBank:
    """An ordered, id-unique collection of items; an item's position is its index."""

    items: tuple[Item, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        ids = [item.id for item in self.items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise CurriculumError(f"duplicate item ids: {duplicates[:10]}")
        object.__setattr__(self, "_index", {item_id: i for i, item_id in enumerate(ids)})

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, index: int) -> Item:
        return self.items[index]

    def index(self, item_id: str) -> int:
        """Position of the item with id ``item_id``."""
        try:
            return self._index[item_id]  # type: ignore[attr-defined]
        except KeyError:
            raise CurriculumError(f"unknown item id {item_id!r}") from None

    def q_matrix(self, graph: SkillGraph) -> np.ndarray:
        """Boolean ``(n_items, n_skills)`` matrix: which skills each item exercises."""
        matrix = np.zeros((len(self), len(graph)), dtype=bool)
        for i, item in enumerate(self.items):
            for skill in item.skills:
                if skill not in graph:
                    raise CurriculumError(f"item {item.id!r} names unknown skill {skill!r}")
                matrix[i, graph.index(skill)] = True
        return matrix

    def skill_slots(self, graph: SkillGraph) -> np.ndarray:
        """``(n_items, S)`` skill indices of each item, padded with -1 (S = most skills per item).

        Example:
            >>> g = SkillGraph(["a", "b"])
            >>> ItemBank((Item("x", ("b",)), Item("y", ("a", "b")))).skill_slots(g).tolist()
            [[1, -1], [0, 1]]
        """
        q = self.q_matrix(graph)
        width = max(int(q.sum(axis=1).max(initial=1)), 1)
        slots = np.full((len(self), width), -1, dtype=np.int64)
        for i, row in enumerate(q):
            skills = np.flatnonzero(row)
            slots[i, : len(skills)] = skills
        return slots

    def difficulties(self) -> np.ndarray:
        """Item difficulties as a float array, in item order."""
        return np.array([item.difficulty for item in self.items], dtype=np.float64)


@dataclass(frozen=True)
class Curriculum:
    """A skill graph, its item bank, and a fixed post-test.

    Attributes:
        name: Short name.
        graph: The prerequisite graph.
        items: The practice item bank (action ``i`` of a tutoring env is ``items[i]``).
        test_items: Post-test item ids per skill; every skill has at least one. Test items
            may be in the practice bank or only in ``test_bank``.
        test_bank: Items that appear only in the post-test.
        description: Free text.
    """

    name: str
    graph: SkillGraph
    items: ItemBank
    test_items: Mapping[str, tuple[str, ...]]
    test_bank: ItemBank = field(default_factory=lambda: ItemBank(()))
    description: str = ""

    def __post_init__(self) -> None:
        self.items.q_matrix(self.graph)  # validates the practice items' skills
        self.test_bank.q_matrix(self.graph)
        object.__setattr__(
            self, "test_items", {k: tuple(v) for k, v in dict(self.test_items).items()}
        )
        overlap = {i.id for i in self.items} & {i.id for i in self.test_bank}
        if overlap:
            raise CurriculumError(f"ids in both the item bank and the test bank: {sorted(overlap)}")
        missing = [s for s in self.graph.skills if not self.test_items.get(s)]
        if missing:
            raise CurriculumError(f"curriculum {self.name!r}: no post-test items for {missing}")
        known_ids = {i.id for i in self.items} | {i.id for i in self.test_bank}
        for skill, ids in self.test_items.items():
            if skill not in self.graph:
                raise CurriculumError(f"post-test lists unknown skill {skill!r}")
            unknown = [i for i in ids if i not in known_ids]
            if unknown:
                raise CurriculumError(f"post-test for {skill!r} lists unknown items {unknown}")

    # -- arrays the simulators use --------------------------------------------------------
    @property
    def n_skills(self) -> int:
        return len(self.graph)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def all_items(self) -> ItemBank:
        """Practice items followed by test-only items (the index space learner models use)."""
        return ItemBank(self.items.items + self.test_bank.items)

    @property
    def q_matrix(self) -> np.ndarray:
        """``(n_items, n_skills)`` boolean skill map of the practice items."""
        return self.items.q_matrix(self.graph)

    def test_item_indices(self) -> np.ndarray:
        """Indices into :attr:`all_items` of the post-test, skill by skill (flattened)."""
        bank = self.all_items
        return np.array(
            [bank.index(i) for s in self.graph.skills for i in self.test_items[s]], dtype=np.int64
        )

    def test_weights(self) -> np.ndarray:
        """Weight of each post-test item so that every skill counts equally (sums to 1)."""
        per_skill = [len(self.test_items[s]) for s in self.graph.skills]
        return np.concatenate([np.full(n, 1.0 / (n * len(per_skill))) for n in per_skill])

    def items_for_skill(self, skill: str) -> np.ndarray:
        """Indices of the practice items that exercise ``skill``."""
        return np.flatnonzero(self.q_matrix[:, self.graph.index(skill)])

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def from_graph(
        cls,
        graph: SkillGraph,
        items_per_skill: int = 3,
        test_items_per_skill: int = 2,
        seed: int | None = None,
        name: str = "generated",
    ) -> Curriculum:
        """Single-skill items with difficulties spread over ``[-1, 1]`` for each skill.

        Post-test items are test-only items (``test_bank``) of difficulty 0.
        """
        rng = np.random.default_rng(seed)
        items = []
        for skill in graph.skills:
            offsets = rng.uniform(-0.25, 0.25, size=items_per_skill)
            levels = np.linspace(-1.0, 1.0, items_per_skill) if items_per_skill > 1 else [0.0]
            for j, (level, offset) in enumerate(zip(levels, offsets, strict=True)):
                items.append(Item(f"{skill}-q{j}", (skill,), round(float(level + offset), 3)))
        tests = [
            Item(f"{skill}-t{j}", (skill,), 0.0)
            for skill in graph.skills
            for j in range(test_items_per_skill)
        ]
        test_items = {
            s: tuple(f"{s}-t{j}" for j in range(test_items_per_skill)) for s in graph.skills
        }
        return cls(name, graph, ItemBank(tuple(items)), test_items, ItemBank(tuple(tests)))

    # -- serialisation --------------------------------------------------------------------
    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            **self.graph.to_dict(),
            "items": [item.to_dict() for item in self.items],
            "test_bank": [item.to_dict() for item in self.test_bank],
            "test_items": {s: list(self.test_items[s]) for s in self.graph.skills},
        }

    @classmethod
    def from_dict(cls, data: Mapping, source: str = "<dict>") -> Curriculum:
        graph = SkillGraph.from_dict(data, source)
        try:
            items = ItemBank(tuple(_item(d, source) for d in data["items"]))
            test_bank = ItemBank(tuple(_item(d, source) for d in data.get("test_bank", [])))
            return cls(
                name=str(data.get("name", Path(source).stem)),
                graph=graph,
                items=items,
                test_items=data["test_items"],
                test_bank=test_bank,
                description=str(data.get("description", "")),
            )
        except KeyError as exc:
            raise CurriculumError(f"{source}: missing field {exc}") from None
        except CurriculumError as exc:
            raise CurriculumError(f"{source}: {exc}") from None

    def save(self, path: str | os.PathLike) -> Path:
        """Write the curriculum as JSON atomically (temp file, then rename)."""
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
        return write_text_atomic(path, text)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Curriculum:
        """Read a curriculum JSON file; errors name the file and the problem."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CurriculumError(f"curriculum file not found: {path}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CurriculumError(f"{path}: not valid JSON ({exc})") from None
        return cls.from_dict(data, str(path))


def _item(data: Mapping, source: str) -> Item:
    try:
        return Item(
            id=str(data["id"]),
            skills=tuple(str(s) for s in data["skills"]),
            difficulty=float(data.get("difficulty", 0.0)),
            text=data.get("text"),
            answer=None if data.get("answer") is None else str(data["answer"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CurriculumError(f"{source}: malformed item {dict(data)!r} ({exc!r})") from None


def builtin_names() -> list[str]:
    """Names of the curricula shipped with edusim.

    Example:
        >>> "fractions" in builtin_names()
        True
    """
    folder = resources.files("edusim.curricula")
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


def load_builtin(name: str = "fractions") -> Curriculum:
    """Load a curriculum shipped with edusim by name.

    Example:
        >>> c = load_builtin("fractions")
        >>> c.n_skills >= 15
        True
    """
    names = builtin_names()
    if name not in names:
        raise CurriculumError(f"unknown built-in curriculum {name!r}; available: {names}")
    text = resources.files("edusim.curricula").joinpath(f"{name}.json").read_text("utf-8")
    return Curriculum.from_dict(json.loads(text), source=f"edusim/curricula/{name}.json")
