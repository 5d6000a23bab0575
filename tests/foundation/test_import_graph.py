"""No import cycle between edusim packages (lazy and type-checking imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

REPO = Path(__file__).resolve().parents[2]
#: Source folder of each installed package (envs/ and agents/ install as edusim subpackages).
ROOTS = {"edusim": REPO / "edusim", "edusim.envs": REPO / "envs", "edusim.agents": REPO / "agents"}


def _unit(module: str) -> str:
    """The graph node of a module: its subpackage (``edusim.kt``) or top-level module."""
    return ".".join(module.split(".")[:2])


def _imports(path: Path) -> set[str]:
    """Every ``edusim`` module ``path`` imports anywhere (inside functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("edusim.")}


def package_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for package, root in ROOTS.items():
        for path in root.rglob("*.py"):
            parts = [p for p in path.relative_to(root).with_suffix("").parts if p != "__init__"]
            source = _unit(".".join([package, *parts]))
            graph.add_node(source)
            for target in map(_unit, _imports(path)):
                if target != source:
                    graph.add_edge(source, target)
    return graph


def test_the_package_import_graph_is_a_dag() -> None:
    graph = package_graph()
    assert {"edusim.kt", "edusim.learners", "edusim.agents", "edusim.envs"} <= set(graph)
    assert graph.has_edge("edusim.kt", "edusim.learners")  # the fitted learners wrap KT models
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, f"import cycles between edusim packages: {cycles}"


def test_the_graph_sees_a_cycle_when_there_is_one(tmp_path: Path) -> None:
    for name, imports in (("a", "from edusim.b import x"), ("b", "def f():\n    import edusim.a")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(imports + "\n")
    ROOTS["edusim"], saved = tmp_path, ROOTS["edusim"]
    try:
        assert list(nx.simple_cycles(package_graph()))
    finally:
        ROOTS["edusim"] = saved
