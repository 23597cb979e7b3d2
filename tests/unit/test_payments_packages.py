"""The shape of ``payments/``: one subpackage per concept, and no import cycle between them.

A cycle is found on the source (every import, also inside functions; only ``TYPE_CHECKING``
blocks are left out), so it fails here before it fails at import time in production.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAYMENTS = ROOT / "payments"
# Django and Wagtail look for these by name at the top of the app; they only gather the
# subpackages' parts (app config, model registry, URLs, admin hooks).
TOP_LEVEL_MODULES = {"__init__.py", "apps.py", "models.py", "urls.py", "wagtail_hooks.py"}
# Folders that Django requires at the top of an app, not concepts.
DJANGO_FOLDERS = {"management", "migrations", "templatetags", "templates", "static", "__pycache__"}


def _subpackages() -> set[str]:
    return {p.name for p in PAYMENTS.iterdir() if p.is_dir() and p.name not in DJANGO_FOLDERS}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_modules(tree: ast.AST) -> list[str]:
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def dependency_graph(root: Path = PAYMENTS) -> dict[str, set[str]]:
    """Subpackage → the other subpackages its modules import."""
    subpackages = {p.name for p in root.iterdir() if p.is_dir() and p.name not in DJANGO_FOLDERS}
    graph: dict[str, set[str]] = {name: set() for name in subpackages}
    for name in subpackages:
        for path in (root / name).rglob("*.py"):
            for module in _imported_modules(ast.parse(path.read_text())):
                parts = module.split(".")
                if len(parts) >= 2 and parts[0] == root.name and parts[1] in subpackages and parts[1] != name:
                    graph[name].add(parts[1])
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle as a path that starts and ends at the same node, or [] if the graph has none."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def walk(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := walk(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (cycle := walk(node)):
            return cycle
    return []


def test_no_import_cycle_between_payments_subpackages():
    assert find_cycle(dependency_graph()) == []


def test_the_cycle_finder_finds_a_cycle_made_on_purpose(tmp_path):
    # given a package whose subpackage a imports b inside a function and b imports a
    pkg = tmp_path / "payments"
    for name, source in {
        "a": "def f():\n    from payments.b.services import g\n",
        "b": "from payments.a import services\n",
        "c": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from payments.a.models import X\n",
    }.items():
        (pkg / name).mkdir(parents=True)
        (pkg / name / "services.py").write_text(source)

    graph = dependency_graph(pkg)

    assert graph == {"a": {"b"}, "b": {"a"}, "c": set()}
    assert find_cycle(graph) == ["a", "b", "a"]


def test_payments_modules_live_in_their_concept_subpackage():
    stray = sorted(
        p.name
        for p in PAYMENTS.iterdir()
        if p.is_file() and p.suffix == ".py" and p.name not in TOP_LEVEL_MODULES
    )

    assert stray == []


def test_subpackages_import_models_from_their_concept_not_from_the_registry():
    # payments.models gathers every model; importing it would hide a subpackage's real dependencies
    offenders = sorted(
        path.relative_to(ROOT).as_posix()
        for name in _subpackages()
        for path in (PAYMENTS / name).rglob("*.py")
        if "payments.models" in _imported_modules(ast.parse(path.read_text()))
    )

    assert offenders == []
