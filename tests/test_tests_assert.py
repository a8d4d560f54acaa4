"""No test asserts nothing: every test function asserts, expects an exception, or calls a helper of tests/ that does.

A test that only runs code passes whatever the code does; this walk (ast, no import) finds such tests.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

TEST_DIRS = (ROOT / "tests", ROOT / "benchmarks")
CHECKING_CALLS = {"raises", "fail", "warns", "deprecated_call", "assert_called", "assert_called_once_with"}


def _name(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _functions(paths: list[Path]) -> dict[str, list[ast.FunctionDef]]:
    """Every function (and method) of the given files by name (one name may be defined in several files)."""
    out: dict[str, list[ast.FunctionDef]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                out.setdefault(node.name, []).append(node)
    return out


def _own_nodes(fn: ast.FunctionDef) -> list[ast.AST]:
    """The function's code, without the functions and lambdas defined inside it (they count only when called)."""
    out, stack = [], list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            out.append(node)
            stack.extend(ast.iter_child_nodes(node))
    return out


def checks(fn: ast.FunctionDef, helpers: dict[str, list[ast.FunctionDef]], seen: frozenset[str] = frozenset()) -> bool:
    """Whether the function asserts: an assert, a pytest.raises/fail/warns, or a call of a helper that checks."""
    for node in _own_nodes(fn):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            name = _name(node)
            if name in CHECKING_CALLS:
                return True
            if name in helpers and name not in seen and name != fn.name:
                if any(checks(h, helpers, seen | {fn.name}) for h in helpers[name]):
                    return True
    return False


def assertless_tests(paths: list[Path]) -> list[str]:
    helpers = _functions(paths)
    out = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and not checks(node, helpers):
                out.append(f"{path.relative_to(ROOT)}::{node.name}")
    return out


def test_the_walk_finds_a_test_that_asserts_nothing(tmp_path: Path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import pytest\n"
        "def helper(x):\n    assert x\n"
        "def quiet(x):\n    return x\n"
        "def test_runs_only():\n    quiet(1)\n"
        "def test_asserts_in_a_function_never_called():\n    def inner():\n        assert False\n    quiet(inner)\n"
        "def test_asserts():\n    assert quiet(1) == 1\n"
        "def test_through_a_helper():\n    helper(1)\n"
        "def test_expects_an_error():\n    with pytest.raises(ValueError):\n        int('x')\n",
        encoding="utf-8",
    )
    found = [s.rpartition("::")[2] for s in assertless_tests_in(sample)]
    assert sorted(found) == ["test_asserts_in_a_function_never_called", "test_runs_only"]


def assertless_tests_in(path: Path) -> list[str]:
    helpers = _functions([path])
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}::{n.name}"
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and n.name.startswith("test_") and not checks(n, helpers)
    ]


def test_no_test_asserts_nothing():
    paths = sorted(p for d in TEST_DIRS for p in d.rglob("*.py"))
    assert assertless_tests(paths) == []
