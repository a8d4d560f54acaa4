"""dist/mscsle.nq and dist/mscsle.trig: the same triples as mscsle.nt, each in its named graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, Dataset, Graph
from rdflib.compare import isomorphic

from mscsle.model.vocab import MSCSLE
from mscsle.release.named_graphs import DATA, GRAPH_BASE, NAMES, ONTOLOGY, graph_iri, quads, read_nquads, split


@pytest.fixture(scope="module")
def graphs(dist: Path) -> dict[str, Graph]:
    ds = Dataset()
    ds.parse(dist / "mscsle.nq", format="nquads")
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def test_nquads_hold_exactly_the_two_named_graphs(graphs):
    assert set(graphs) == {graph_iri(ONTOLOGY), graph_iri(DATA)}


def test_union_of_named_graphs_is_the_merged_graph(dist: Path):
    nt = set((dist / "mscsle.nt").read_text(encoding="utf-8").splitlines()) - {""}
    named = read_nquads((dist / "mscsle.nq").read_bytes())
    lines = [set(named[n].decode("utf-8").splitlines()) - {""} for n in NAMES]
    assert lines[0] | lines[1] == nt
    assert not lines[0] & lines[1], "a triple is in both graphs"


def test_trig_is_the_same_dataset(dist: Path):
    a = Dataset()
    a.parse(dist / "mscsle.nq", format="nquads")
    b = Dataset()
    b.parse(dist / "mscsle.trig", format="trig")
    for name in NAMES:
        iri = graph_iri(name)
        assert isomorphic(a.graph(iri), b.graph(iri)), name
    assert "@prefix mscsle.graph: <https://w3id.org/mscsle/graph/>" in (dist / "mscsle.trig").read_text(
        encoding="utf-8"
    )


def test_ontology_and_data_are_apart(graphs):
    onto, data = graphs[graph_iri(ONTOLOGY)], graphs[graph_iri(DATA)]
    assert (None, RDF.type, OWL.Ontology) in onto and (None, OWL.versionIRI, None) in onto
    assert (MSCSLE.Claim, RDF.type, OWL.Class) in onto and (None, RDF.type, MSCSLE.Claim) not in onto
    claims = set(data.subjects(RDF.type, MSCSLE.Claim))
    assert len(claims) > 100
    assert (None, RDF.type, OWL.Class) not in data and (None, RDF.type, OWL.Ontology) not in data


def test_split_refuses_data_missing_from_the_merged_graph():
    with pytest.raises(ValueError, match="missing from the merged graph"):
        split(b"<a:s> <a:p> <a:o> .\n", b"<a:x> <a:p> <a:o> .\n")


def test_read_nquads_inverts_quads():
    graphs = {ONTOLOGY: b'<http://e/o> <http://e/p> "1" .\n', DATA: b"<http://e/d> <http://e/p> <http://e/o> .\n"}
    assert read_nquads(ox.serialize(quads(graphs), format=ox.RdfFormat.N_QUADS)) == graphs


def test_read_nquads_refuses_foreign_graphs():
    foreign = b"<http://e/s> <http://e/p> <http://e/o> <http://example.org/other> .\n"
    with pytest.raises(ValueError, match=f"expected graphs under {GRAPH_BASE}"):
        read_nquads(foreign)
