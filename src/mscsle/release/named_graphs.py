"""The build's named graphs: the ontology apart from the data (entities, references, claims).

Triplestores and the SPARQL 1.1 Graph Store HTTP Protocol work graph by graph, so `dist/mscsle.nq` and
`dist/mscsle.trig` hold the same triples as `dist/mscsle.nt`, each in the named graph it belongs to. A user
can then reload or drop the claims without touching the ontology, or query one of them with `GRAPH`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyoxigraph as ox
from rdflib import BNode, Graph

from mscsle.curation.records import Records
from mscsle.model.vocab import Vocab
from mscsle.release.graph import Terms, data_triples
from mscsle.release.serialize import ntriples

GRAPH_BASE = "https://w3id.org/mscsle/graph/"
ONTOLOGY = "ontology"  # the ontology's own axioms and annotations, with the build's version stamp
DATA = "data"  # entities, the review's references and its claims, generated from data/
NAMES = (ONTOLOGY, DATA)


def graph_iri(name: str, base: str = GRAPH_BASE) -> str:
    """The IRI of a named graph of the build, under `base` (a user may load them under their own base)."""
    return base + name


def data_ntriples(records: Records, vocab: Vocab, ontology: Graph, terms: Terms | None = None) -> bytes:
    """The data graph alone, as sorted N-Triples (it has no blank nodes, so its lines match the merged file's)."""
    g = Graph()
    for t in data_triples(records, vocab, ontology, terms):
        if any(isinstance(term, BNode) for term in t):
            raise ValueError(f"a generated data triple has a blank node, which cannot be split off reliably: {t}")
        g.add(t)
    return ntriples(g)


def split(merged_nt: bytes, data_nt: bytes) -> dict[str, bytes]:
    """Name -> sorted N-Triples: the data lines, and every other line of the merged graph as the ontology."""
    merged = set(merged_nt.decode("utf-8").splitlines()) - {""}
    data = set(data_nt.decode("utf-8").splitlines()) - {""}
    if not data <= merged:
        raise ValueError(f"{len(data - merged)} data triples are missing from the merged graph")

    def lines(s: set[str]) -> bytes:
        return ("\n".join(sorted(s)) + "\n").encode("utf-8") if s else b""

    return {ONTOLOGY: lines(merged - data), DATA: lines(data)}


def quads(graphs: Mapping[str, bytes], base: str = GRAPH_BASE) -> list[ox.Quad]:
    """Every triple in its named graph, graph by graph in the order of NAMES, triples in N-Triples order."""
    out = []
    for name in NAMES:
        g = ox.NamedNode(graph_iri(name, base))
        out.extend(
            ox.Quad(t.subject, t.predicate, t.object, g) for t in ox.parse(graphs[name], format=ox.RdfFormat.N_TRIPLES)
        )
    return out


def read_nquads(nq: bytes) -> dict[str, bytes]:
    """dist/mscsle.nq back into name -> N-Triples (the inverse of quads()); the graphs must be the build's."""
    by_graph: dict[str, list[ox.Triple]] = {}
    for q in ox.parse(nq, format=ox.RdfFormat.N_QUADS):
        if not isinstance(q.graph_name, ox.NamedNode) or not q.graph_name.value.startswith(GRAPH_BASE):
            raise ValueError(f"unexpected graph {q.graph_name} in the N-Quads: expected graphs under {GRAPH_BASE}")
        by_graph.setdefault(q.graph_name.value[len(GRAPH_BASE) :], []).append(q.triple)
    unknown = set(by_graph) - set(NAMES)
    if unknown:
        raise ValueError(f"unexpected graphs {sorted(unknown)} in the N-Quads: expected {', '.join(NAMES)}")
    return {name: ox.serialize(by_graph.get(name, []), format=ox.RdfFormat.N_TRIPLES) for name in NAMES}
