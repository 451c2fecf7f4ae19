"""The shape of the code: no import cycles anywhere, an engine that loads no socket library, one side limit."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from support import REPO

# Each root: the folder that is on sys.path when its packages are imported.
SOURCE_ROOTS = [
    REPO / "daemon",
    REPO / "shared",
    REPO / "plugin_krita",
    REPO / "plugin_gimp" / "painterly-gimp",
]


def project_modules() -> dict[str, Path]:
    """Every project module by dotted name (a package by its own name), vendored code left out."""
    modules = {}
    for root in SOURCE_ROOTS:
        for path in root.rglob("*.py"):
            relative = path.relative_to(root)
            if "vendor" in relative.parts or not relative.parts[0].isidentifier():
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imports_of(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The project modules one module imports, at the top or inside functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1 packages
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in modules and target != name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_back_through_others():
    modules = project_modules()
    graph = {name: imports_of(path, name, modules) for name, path in modules.items()}
    assert {"painterly.engine.stylize", "painterly.server.daemon", "painterly_wire.client"} <= graph.keys()
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_importing_the_engine_loads_no_socket_or_wire_library():
    probe = "import sys, painterly.engine.images, painterly.engine; print(sorted({'zmq', 'msgpack'} & {*sys.modules}))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_engine_and_the_wire_share_one_side_limit():
    from painterly.engine.images import MAX_SIDE as ENGINE_MAX_SIDE
    from painterly_wire.messages import MAX_SIDE as WIRE_MAX_SIDE

    assert ENGINE_MAX_SIDE == WIRE_MAX_SIDE
