"""The package's shape, checked on its source: imports point one way through the layers, nothing imports in a
circle (function-level imports included), and only `innovisits/ui/` (with `pages/` and `dashboard.py`)
imports Streamlit."""

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
PACKAGE = PROJECT / "innovisits"
# Each folder may import the folders of lower rank (and itself); `cli` and `bench` sit beside `ui` at the top,
# and `cli` offers the bench as a verb.
RANK = {"i18n": 0, "data": 1, "ingest": 2, "report": 3, "export": 4, "bench": 5, "cli": 6, "ui": 6}
ALSO = {"cli": {"bench"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module this file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def folder(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_every_module_lives_in_a_layer_folder():
    top = {module_name(p) for p in PACKAGE.glob("*.py")}
    assert top == {"innovisits", "innovisits.__main__"}
    assert {folder(m) for m in graph() if m.count(".") >= 1} - {"__main__"} == set(RANK)


def test_imports_point_down_the_layers():
    wrong = []
    for module, targets in graph().items():
        here = folder(module)
        for target in targets:
            there = folder(target)
            upward = here in RANK and there in RANK and there != here and RANK[there] >= RANK[here]
            if upward and there not in ALSO.get(here, set()):
                wrong.append(f"{module} -> {target}")
    assert not wrong


def test_no_import_cycles():
    edges = graph()
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for target in sorted(edges[module]):
            # `a.b` importing its own package `a` runs a/__init__.py first: not a cycle between modules
            if not module.startswith(f"{target}."):
                cycle = visit(target, [*path, module])
                if cycle:
                    return cycle
        done.add(module)
        return None

    cycles = [c for m in sorted(edges) if (c := visit(m, []))]
    assert not cycles, cycles[0]


def test_only_the_ui_imports_streamlit():
    importers = {
        str(p.relative_to(PROJECT))
        for p in PACKAGE.rglob("*.py")
        if any(m == "streamlit" or m.startswith("streamlit.") for m in imports(p))
    }
    assert importers and all(name.startswith("innovisits/ui/") for name in importers), importers
