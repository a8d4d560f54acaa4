"""dist/mscsle.ttl is written by two writers (release/serialize.py): rdflib's longturtle for the ontology-sized part
that nests, Oxigraph for what grows with the data (claims, entities, references, leaf blank nodes). The file holds
the graph the plain way gives (rdflib's longturtle of the whole graph), one block per subject."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph


def _canonical(data: bytes) -> ox.Dataset:
    ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.TURTLE))
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return ds


def test_turtle_is_the_graph_of_the_plain_writer(dist: Path):
    """The same graph as rdflib's longturtle of the whole N-Triples (the plain way), both read by Oxigraph
    (test_build.py reads mscsle.ttl with rdflib, isomorphic to mscsle.nt)."""
    plain = Graph().parse(dist / "mscsle.nt", format="nt").serialize(format="longturtle", encoding="utf-8")
    fast = _canonical((dist / "mscsle.ttl").read_bytes())
    assert len(fast) > 1000
    assert fast == _canonical(plain)


def test_one_block_per_subject_and_labelled_leaf_blank_nodes(dist: Path):
    """Every named subject and every labelled blank node opens one block only; the labelled blank nodes are exactly
    the leaf blank nodes (nothing points at them, they point at no blank node: the owl:Axiom annotations)."""
    text = (dist / "mscsle.ttl").read_text(encoding="utf-8")
    starts = [
        line.split()[0]
        for line in text.split("\n")
        if line and not line[0].isspace() and not line.startswith(("@prefix ", ".", "[]", ")", "]"))
    ]
    assert len(starts) == len(set(starts)) > 500
    triples = list(ox.parse(path=dist / "mscsle.nt", format=ox.RdfFormat.N_TRIPLES))
    pointed = {t.object for t in triples if isinstance(t.object, ox.BlankNode)}
    nesting = pointed | {t.subject for t in triples if isinstance(t.object, ox.BlankNode)}
    leaves = {str(t.subject) for t in triples if isinstance(t.subject, ox.BlankNode) and t.subject not in nesting}
    assert len(leaves) > 100
    assert {s for s in starts if s.startswith("_:")} == leaves
