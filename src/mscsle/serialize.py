"""Deterministic, diff-friendly artifacts: the same graph always gives the same bytes in every format."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import to_canonical_graph

from .prefixes import jsonld_context, prefix_map

FORMATS = {  # artifact name -> what it is for
    "mscsle.ttl": "Turtle: ontology, entities and claims merged (human-readable, diff-friendly)",
    "mscsle.owl": "RDF/XML of the same graph, for Protégé, the OWL API and owlready2",
    "mscsle.nt": "N-Triples, sorted, for bulk loaders",
    "mscsle.nq": "N-Quads: the same triples in named graphs (ontology, data), sorted, for bulk loaders",
    "mscsle.trig": "TriG: the same named graphs, readable",
    "mscsle.jsonld": "JSON-LD with its context inline (no remote context)",
    "context.jsonld": "the JSON-LD context alone, for reuse",
    "claims.tsv": "one row per claim",
}


def canonical(g: Graph) -> Graph:
    """A copy whose blank nodes carry content-derived labels, bound to the one prefix map only."""
    out = Graph(bind_namespaces="none")
    for prefix, uri in prefix_map().items():
        out.bind(prefix, uri)
    for t in to_canonical_graph(g):
        out.add(t)
    return out


def ntriples(g: Graph) -> bytes:
    lines = sorted(set(g.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()) - {""})
    return ("\n".join(lines) + "\n").encode("utf-8")


def turtle(g: Graph) -> bytes:
    return g.serialize(format="longturtle", encoding="utf-8")


def _used_prefixes(nt: bytes) -> dict[str, str]:
    text = nt.decode("utf-8")
    return {p: u for p, u in prefix_map().items() if f"<{u}" in text}


def rdfxml(nt: bytes) -> bytes:
    """RDF/XML written by Oxigraph from the sorted N-Triples: stable order, the ontology's prefixes."""
    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=_used_prefixes(nt))


def nquads(quads: list[ox.Quad]) -> bytes:
    """N-Quads in the order given (graph by graph, each graph's triples in sorted N-Triples order)."""
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def trig(quads: list[ox.Quad]) -> bytes:
    """TriG written by Oxigraph from quads given graph by graph in a fixed order, with the used prefixes."""
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_used_prefixes(nquads(quads)))


def _ordered(value: object, key: str = "") -> object:
    """Sort every unordered JSON-LD array (all but @list) so that node order never depends on hashing."""
    if isinstance(value, dict):
        return {k: _ordered(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_ordered(v) for v in value]
        return items if key == "@list" else sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def jsonld(g: Graph) -> bytes:
    doc = json.loads(g.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True))
    return (json.dumps(_ordered(doc), indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def context_file() -> bytes:
    return (json.dumps(jsonld_context(), indent=1, sort_keys=False) + "\n").encode("utf-8")


def tsv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")
