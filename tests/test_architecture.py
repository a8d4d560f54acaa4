"""The package's shape, as docs/architecture.md describes it: stages as sub-packages, no import cycles, each module
saying its job in its first docstring line."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "src" / "mscsle"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """The package's modules that `name` imports, anywhere in its code (a function-level import counts too)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], *filter(None, [base])]
                )
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for t in targets:
            while t and t not in MODULES:  # `from a.b import c`: the module c, else a.b
                t = t.rpartition(".")[0]
            if t and t != name and t != "mscsle":
                found.add(t)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first walk (each reported once, from its first module)."""
    found, state, stack = [], {}, []

    def visit(m: str) -> None:
        state[m] = "open"
        stack.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == "open":
                found.append(stack[stack.index(n) :] + [n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_walk_sees_relative_and_absolute_imports():
    assert "mscsle.model.claim" in imports("mscsle.curation.records")
    assert "mscsle.errors" in imports("mscsle.cli")
    assert "mscsle.site.build" in imports("mscsle.site")  # the package's __init__


def test_the_package_has_no_import_cycles():
    graph = {m: imports(m) for m in MODULES}
    assert cycles(graph) == []


def test_every_module_says_its_job_in_its_first_docstring_line():
    for path in MODULES.values():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()[0].split()) >= 4, f"{path.relative_to(ROOT)}: no first-line docstring"


def test_architecture_note_names_every_sub_package_and_module():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    for name in MODULES:
        short = name.removeprefix("mscsle.")
        if name != "mscsle":
            assert f"`{short}`" in text or f"`{short}/`" in text, f"docs/architecture.md does not name {short}"


CONDUCTOR = "mscsle.release.pipeline"  # the build: it calls every stage up to checks in turn
LAYERS = ["model", "curation", "query", "release", "checks", "serve", "site"]  # as docs/architecture.md draws them


def stage(module: str) -> str | None:
    part = module.split(".")[1] if module.count(".") else None
    return part if part in LAYERS else None


def test_each_stage_imports_only_the_stages_below_it():
    """Collapsed to sub-packages, the imports go one way (model at the bottom, site at the top); only the build's
    conductor (release/pipeline.py) and the cli reach across."""
    rank = {s: i for i, s in enumerate(LAYERS)}
    upward = [
        f"{m} imports {t}"
        for m in MODULES
        if m != CONDUCTOR and stage(m)
        for t in imports(m)
        if stage(t) and t != CONDUCTOR and rank[stage(t)] > rank[stage(m)]
    ]
    assert upward == []


def test_only_the_conductor_and_the_cli_import_the_conductor():
    assert {m for m in MODULES if CONDUCTOR in imports(m)} <= {"mscsle.cli"}
