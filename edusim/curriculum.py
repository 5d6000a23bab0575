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
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from edusim.atomic import write_text_atomic
from edusim.skill_graph import CurriculumError, SkillGraph

__all__ = [
    "CurriculumError",
    "SkillGraph",
    "Item",
    "ItemBank",
    "Curriculum",
    "load_builtin",
    "builtin_names",
]


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
