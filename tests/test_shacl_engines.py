"""The build's SHACL engine (`shacl`, Rust) against the reference (pySHACL): the same report everywhere.

The same verdict and, result by result, the same focus node, path, value, source shape (its IRI; a property
shape written inline is a blank node in both), constraint component, severity and message, on the valid graphs
and on every should_fail fixture. (pySHACL also copies an inline shape's own triples into its report; the
build's report of a conforming graph has no results, and is byte-identical with either engine.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph

from mscsle.checks.shacl import SH, load_shapes, validate
from mscsle.model.prefixes import sparql_prologue

from .conftest import FIXTURES, ROOT

FAILING = sorted((FIXTURES / "shapes" / "should_fail").glob("*.ru"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes")


FIELDS = (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity)


def results(report: Graph) -> list[tuple[str, ...]]:
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        values = [report.value(r, p) for p in FIELDS]
        out.append(
            (
                *("(blank node)" if isinstance(v, BNode) else str(v) for v in values),
                "|".join(sorted(str(m) for m in report.objects(r, SH.resultMessage))),
            )
        )
    return sorted(out)


def _agree(g: Graph, shapes: Graph) -> bool:
    fast, reference = validate(g, shapes, engine="shacl"), validate(g, shapes, engine="pyshacl")
    assert fast.conforms == reference.conforms
    assert results(fast.graph) == results(reference.graph)
    return fast.conforms


def test_engines_agree_on_the_review(dist: Path, shapes: Graph):
    assert _agree(Graph().parse(dist / "mscsle.nt", format="nt"), shapes)


@pytest.mark.parametrize("fixture", FAILING, ids=lambda p: p.stem)
def test_engines_agree_on_every_failing_fixture(fixture: Path, mini_built, shapes: Graph):
    g = Graph()
    for t in mini_built.graph:
        g.add(t)
    g.update(sparql_prologue() + fixture.read_text(encoding="utf-8"))
    assert not _agree(g, shapes)


def test_build_reports_violations_in_words(mini_built, shapes: Graph):
    """What `mscsle build` prints on failure names the shape, the focus node and the message."""
    g = Graph()
    for t in mini_built.graph:
        g.add(t)
    g.update(sparql_prologue() + (FIXTURES / "shapes" / "should_fail" / FAILING[0].name).read_text(encoding="utf-8"))
    report = validate(g, shapes)
    v = report.violations[0]
    assert "Conforms: False" in report.text and v.message in report.text and f"<{v.focus}>" in report.text
