"""Every shape is proven to fire: each should_fail fixture adds one defect to a valid graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from mscsle.checks.shacl import load_shapes, validate
from mscsle.model.prefixes import sparql_prologue

from .conftest import FIXTURES, ROOT

FAILING = sorted((FIXTURES / "shapes" / "should_fail").glob("*.ru"))


def test_valid_graph_conforms(mini_built):
    assert mini_built.report.conforms, mini_built.report.text


@pytest.mark.parametrize("fixture", FAILING, ids=lambda p: p.stem)
def test_shape_fires(fixture: Path, mini_built):
    expected = fixture.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip()
    g = Graph()
    for t in mini_built.graph:
        g.add(t)
    before = set(g)
    g.update(sparql_prologue() + fixture.read_text(encoding="utf-8"))
    assert set(g) != before, f"{fixture.name} changed nothing: the defect was not introduced"
    report = validate(g, load_shapes(ROOT / "shapes"))
    assert not report.conforms
    messages = {v.message for v in report.violations}
    assert any(expected in m for m in messages), f"expected {expected!r}, got {sorted(messages)}"


def test_every_shape_has_a_failing_fixture():
    """Each named shape of shapes/ is named (by its message) by at least one should_fail fixture."""
    shapes = load_shapes(ROOT / "shapes")
    q = """PREFIX sh: <http://www.w3.org/ns/shacl#>
           SELECT DISTINCT ?m WHERE { ?s sh:message ?m }"""
    messages = {str(r.m) for r in shapes.query(q)}
    expects = {f.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip() for f in FAILING}
    uncovered = {m for m in messages if not any(e in m for e in expects)}
    assert not uncovered, f"shapes with no failing fixture: {sorted(uncovered)}"
