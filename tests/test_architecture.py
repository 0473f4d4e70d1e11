"""The shape of the code, checked: imports flow one way and stay where they belong, no module
imports itself round a circle, and modules and functions stay small enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGES = ("lantern", "opac", "indexer")  # each may import only those after it
ENGINE_CLIENTS = {"tantivy": "indexer.engine.tantivy", "opensearchpy": "indexer.engine.opensearch"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            found[_module_name(path)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


MODULES = _modules()


def _imports(name: str, tree: ast.Module) -> set[str]:
    """Every module `name` imports, at the top or inside a function."""
    is_package = MODULES[name][0].name == "__init__.py"
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")[: len(name.split(".")) - node.level + is_package]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from indexer.mapping import text` imports the submodule, not the package's names
            submodules = {f"{module}.{a.name}" for a in node.names} & MODULES.keys()
            found.update(submodules if len(submodules) == len(node.names) else {module})
    return found


def _internal(name: str) -> set[str]:
    """The project's modules that `name` imports (a package's submodule counts as itself)."""
    return {m for m in _imports(name, MODULES[name][1]) if m in MODULES and m != name}


def test_imports_flow_from_lantern_to_opac_to_indexer():
    wrong = []
    for name, (_, tree) in MODULES.items():
        rank = PACKAGES.index(name.split(".")[0])
        for module in _imports(name, tree):
            top = module.split(".")[0]
            if top in PACKAGES and PACKAGES.index(top) < rank:
                wrong.append(f"{name} imports {module}")
    assert not wrong


def test_only_the_engine_subpackages_import_the_engine_clients():
    wrong = []
    for name, (_, tree) in MODULES.items():
        for module in _imports(name, tree):
            home = ENGINE_CLIENTS.get(module.split(".")[0])
            if home and not (name == home or name.startswith(home + ".")):
                wrong.append(f"{name} imports {module}")
    assert not wrong


def test_the_indexer_imports_no_flask():
    wrong = [
        name
        for name, (_, tree) in MODULES.items()
        if name.startswith("indexer")
        and any(m.split(".")[0] in {"flask", "werkzeug"} for m in _imports(name, tree))
    ]
    assert not wrong


def _cycles() -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    graph = {name: _internal(name) for name in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in graph:
        if name not in index:
            visit(name)
    return groups


def test_no_module_imports_itself_round_a_circle():
    assert _cycles() == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_and_functions_stay_small(name):
    path, tree = MODULES[name]
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(REPO)} has {lines} lines"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.relative_to(REPO)}: {', '.join(long)}"
