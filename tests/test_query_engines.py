"""Every stored query gives the same answers in rdflib as in Oxigraph (the README's "in any SPARQL tool"): on the
review's graph, and each QC rule on the fixture it fires on; in the same order where the query orders its rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from mscsle.checks.qc import qc_rules
from mscsle.model.prefixes import sparql_prologue

from .conftest import ROOT
from .test_term_model import QC, _qc_store

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
QUERIES = sorted(p.relative_to(ROOT / "queries").as_posix() for p in (ROOT / "queries").rglob("*.rq"))
Row = tuple[Any, ...]


def _oxigraph_term(t: object) -> object:
    if isinstance(t, ox.NamedNode):
        return t.value
    if isinstance(t, ox.BlankNode):
        return "_:"  # each engine labels blank nodes its own way
    if isinstance(t, ox.Literal):
        return t.value, t.language, None if t.language else t.datatype.value
    return t


def _rdflib_term(t: object) -> object:
    if isinstance(t, URIRef):
        return str(t)
    if isinstance(t, BNode):
        return "_:"
    if isinstance(t, Literal):
        return str(t), t.language, None if t.language else str(t.datatype or XSD_STRING)
    return t


def _answers(store: ox.Store, graph: Graph, sparql: str) -> tuple[list[Row] | bool, list[Row] | bool]:
    """Oxigraph's answer and rdflib's: rows (SELECT), sorted triples (CONSTRUCT) or a boolean (ASK)."""
    ours = store.query(sparql)
    theirs = graph.query(sparql)
    if isinstance(ours, ox.QuerySolutions):
        names = [v.value for v in ours.variables]
        return (
            [tuple(_oxigraph_term(row[n]) for n in names) for row in ours],
            [tuple(_rdflib_term(row[n]) for n in names) for row in theirs],  # type: ignore[index]
        )
    if isinstance(ours, ox.QueryBoolean):
        return bool(ours), bool(theirs.askAnswer)
    return (
        sorted(tuple(map(_oxigraph_term, (t.subject, t.predicate, t.object))) for t in ours),  # type: ignore[misc]
        sorted(tuple(map(_rdflib_term, t)) for t in theirs),  # type: ignore[arg-type]
    )


def _same(ours: list[Row] | bool, theirs: list[Row] | bool, ordered: bool) -> bool:
    if isinstance(ours, bool) or ordered:
        return ours == theirs
    return sorted(map(repr, ours)) == sorted(map(repr, theirs))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def engines(dist: Path) -> tuple[ox.Store, Graph]:
    nt = (dist / "mscsle.nt").read_bytes()
    store = ox.Store()
    store.bulk_extend(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    return store, Graph().parse(data=nt, format="nt")


@pytest.mark.parametrize("name", QUERIES)
def test_every_stored_query_answers_alike_in_rdflib(engines: tuple[ox.Store, Graph], name: str):
    text = (ROOT / "queries" / name).read_text(encoding="utf-8")
    ours, theirs = _answers(*engines, sparql_prologue() + text)
    assert _same(ours, theirs, "ORDER BY" in text), f"{name}: Oxigraph {ours!r:.300} / rdflib {theirs!r:.300}"


@pytest.mark.parametrize("rule", sorted(qc_rules(ROOT / "queries")))
def test_each_qc_rule_fires_alike_in_rdflib(rule: str):
    store = _qc_store(QC / f"{rule}.ttl")
    graph = Graph()
    graph.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")
    sparql = qc_rules(ROOT / "queries")[rule].check.sparql
    ours, theirs = _answers(store, graph, sparql)
    assert ours and _same(ours, theirs, ordered=True), f"{rule}: Oxigraph {ours!r:.300} / rdflib {theirs!r:.300}"
