"""No import cycles inside ``pipeline/``: the package's dependencies go one way.

The graph is built from the source with ``ast`` (nothing is imported): an edge
A -> B for every ``import``/``from ... import`` in module A that names the
pipeline module B, wherever it stands: a lazy import inside a function is still
a dependency (it only hides the cycle until that function runs). Imports under
``if TYPE_CHECKING:`` are left out: they never run. ``from pkg import name``
points at the submodule ``pkg.name`` when that is a module, else at ``pkg``
itself; the implicit import of a parent package's ``__init__`` is not an edge
(it is what every submodule import does, and would make each package's
``__init__`` a false cycle with any submodule it imports lazily).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"


def module_names(root: Path) -> dict[str, Path]:
    """Dotted name -> file, for every module of the package at ``root``."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (any module prefix)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _runtime_imports(node: ast.AST):
    """Every Import/ImportFrom under ``node``, skipping ``if TYPE_CHECKING:`` bodies."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for stmt in child.orelse:  # the else branch does run
                if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    yield stmt
                yield from _runtime_imports(stmt)
            continue
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child
        yield from _runtime_imports(child)


def _resolve_from(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module a ``from`` import reads from (relative ones too)."""
    if not node.level:
        return node.module or ""
    base = module.split(".")
    # A package's own name is its level-1 anchor; a module's is its parent.
    anchor = base if is_package else base[:-1]
    anchor = anchor[: len(anchor) - (node.level - 1)]
    return ".".join(anchor + ([node.module] if node.module else []))


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module -> the modules of the same package it imports (see the module docstring)."""
    modules = module_names(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in _runtime_imports(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                source = _resolve_from(name, is_package, node)
                targets = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source
                    for alias in node.names
                ]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle path (first module repeated at the end) per strongly connected component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return [_cycle_in(graph, set(component)) for component in components]


def _cycle_in(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the component's first module (breadth-first)."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & component):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    raise AssertionError(f"no cycle in the component {sorted(component)}")  # pragma: no cover


def test_pipeline_has_no_import_cycle():
    cycles = find_cycles(import_graph(PACKAGE))
    assert not cycles, "import cycles in pipeline/:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_graph_sees_the_whole_package():
    """Guards the test above against passing on an empty or misread graph."""
    graph = import_graph(PACKAGE)
    assert "pipeline.cli" in graph and "pipeline.social.platforms.http" in graph
    assert "pipeline.check.rules" in graph["pipeline.cli"]  # a lazy import, inside a function


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    "files, expected",
    [
        pytest.param(
            {"__init__.py": "", "a.py": "from pkg import b\n", "b.py": "def f():\n    import pkg.a\n"},
            [["pkg.a", "pkg.b", "pkg.a"]],
            id="lazy-import-closes-a-cycle",
        ),
        pytest.param(
            {
                "__init__.py": "",
                "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B\n",
                "b.py": "from pkg.a import A\n",
            },
            [],
            id="type-checking-import-is-no-edge",
        ),
        pytest.param(
            {
                "__init__.py": "",
                "a.py": "import typing\nif typing.TYPE_CHECKING:\n    pass\nelse:\n    from .b import B\n",
                "b.py": "from . import a\n",
            },
            [["pkg.a", "pkg.b", "pkg.a"]],
            id="relative-imports-and-else-branch",
        ),
        pytest.param(
            {
                "__init__.py": "",
                "sub/__init__.py": "from pkg.sub.one import X\n",
                "sub/one.py": "from pkg.sub import Y\n",
            },
            [["pkg.sub", "pkg.sub.one", "pkg.sub"]],
            id="package-init-and-submodule",
        ),
        pytest.param(
            {
                "__init__.py": "",
                "sub/__init__.py": "def load():\n    from pkg.sub import one\n",
                "sub/base.py": "X = 1\n",
                "sub/one.py": "from pkg.sub.base import X\n",
            },
            [],
            id="submodule-of-a-package-is-no-edge-to-its-init",
        ),
        pytest.param(
            {"__init__.py": "", "a.py": "import pkg.b\n", "b.py": "import pkg.c\n", "c.py": "import pkg.a\n"},
            [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]],
            id="three-module-cycle-path",
        ),
    ],
)
def test_cycle_finder(tmp_path, files, expected):
    assert find_cycles(import_graph(_package(tmp_path, files))) == expected


# The stage packages, in the one order their dependencies may go: a module may
# import its own layer and the layers before it, never one after it. The
# foundation (configuration, errors, the Actions log filter, forked) imports no stage;
# the CLI, last, may import them all.
LAYERS = ("foundation", "content", "photos", "video", "check", "site", "deploy", "social", "register", "review", "cli")
FOUNDATION = {"pipeline", "pipeline.config", "pipeline.errors", "pipeline.actions", "pipeline.tables",
              "pipeline.forked"}
ENTRY = {"pipeline.cli", "pipeline.__main__"}


def layer_of(module: str) -> str:
    """The layer of a module of ``pipeline`` (see LAYERS); a new top-level module fails here."""
    if module in FOUNDATION:
        return "foundation"
    if module in ENTRY:
        return "cli"
    stage = module.split(".")[1]
    assert stage in LAYERS, f"{module} is in no stage package: put it in one of {', '.join(LAYERS[1:-1])}"
    return stage


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    """Every edge that goes from a layer to a later one."""
    rank = {name: i for i, name in enumerate(LAYERS)}
    return sorted(f"{a} ({layer_of(a)}) imports {b} ({layer_of(b)})"
                  for a, targets in graph.items() for b in targets
                  if rank[layer_of(b)] > rank[layer_of(a)])


def test_stage_packages_depend_one_way():
    assert layer_violations(import_graph(PACKAGE)) == []


def test_layer_check_sees_a_backward_import():
    """A content module importing the site builder is reported."""
    graph = {"pipeline.content.model": {"pipeline.site.stage"}, "pipeline.site.stage": {"pipeline.content.model"}}
    assert layer_violations(graph) == [
        "pipeline.content.model (content) imports pipeline.site.stage (site)"]
