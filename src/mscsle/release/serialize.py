"""Deterministic, diff-friendly artifacts: the same graph always gives the same bytes in every format.

N-Triples, RDF/XML and the claims part of Turtle are written by Oxigraph (Rust) from one sorted list of
N-Triples lines, so they cost little even at a million triples; JSON-LD compaction and the ontology part of
Turtle (nested restrictions and lists) stay with rdflib. Blank nodes only come from the
ontology, which the build canonicalises (content-derived labels) before merging, so sorting the lines is enough.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from mscsle.model.prefixes import jsonld_context, prefix_map

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
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# subjects written by Oxigraph in mscsle.ttl (no blank nodes; their number grows with the claims)
DATA_SUBJECTS = tuple(f"<{prefix_map()[p]}".encode() for p in ("mscsle.claim", "mscsle.entity", "mscsle.ref"))


def canonical(g: Graph) -> Graph:
    """A copy whose blank nodes carry content-derived labels, bound to the one prefix map only.

    Only the triples that touch a blank node are canonicalised (claims, entities and references have none), so
    the cost does not grow with the claims. A blank node that nothing points to and that points to no blank node
    (an annotated axiom, say) is labelled by a hash of its own triples at once; rdflib's canonicalisation, costly
    with many look-alike nodes, only sees the rest (restrictions, lists)."""
    out = Graph(bind_namespaces="none")
    for prefix, uri in prefix_map().items():
        out.bind(prefix, uri)
    plain, blank = [], []
    for t in g:
        (blank if isinstance(t[0], BNode) or isinstance(t[2], BNode) else plain).append(t)
    inner = {t[2] for t in blank if isinstance(t[2], BNode)} | {t[0] for t in blank if isinstance(t[2], BNode)}
    leaves: dict[BNode, list[str]] = {}
    for s, p, o in blank:
        if isinstance(s, BNode) and s not in inner:
            leaves.setdefault(s, []).append(f"{p.n3()} {o.n3()}")
    labels = {
        b: BNode("h" + hashlib.sha256("\n".join(sorted(po)).encode("utf-8")).hexdigest()[:32])
        for b, po in leaves.items()
    }
    rest = Graph()
    for t in blank:
        if t[0] in labels:
            plain.append((labels[t[0]], t[1], t[2]))
        else:
            rest.add(t)
    out.addN((*t, out) for t in plain)
    out.addN((*t, out) for t in to_canonical_graph(rest))
    return out


def _used_prefixes(nt: bytes) -> dict[str, str]:
    return {p: u for p, u in prefix_map().items() if f"<{u}".encode() in nt}


def oxigraph_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The same RDF term for pyoxigraph."""
    if isinstance(term, URIRef):
        return ox.NamedNode(term)
    if isinstance(term, BNode):
        return ox.BlankNode(term)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(term.datatype))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The same RDF term for rdflib; a blank node keeps its label (so canonical labels stay canonical)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def oxigraph_triples(g: Iterable[tuple[Node, Node, Node]]) -> list[ox.Triple]:
    terms: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}  # each distinct term converted once

    def conv(t: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        o = terms.get(t)
        if o is None:
            o = terms[t] = oxigraph_term(t)
        return o

    return [ox.Triple(conv(s), conv(p), conv(o)) for s, p, o in g]


def ntriples(g: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """Sorted, duplicate-free N-Triples of a graph or of any triples (Oxigraph writes, Python sorts the bytes)."""
    lines = set(ox.serialize(oxigraph_triples(g), format=ox.RdfFormat.N_TRIPLES).split(b"\n"))
    lines.discard(b"")
    return b"\n".join(sorted(lines)) + b"\n"


def _turtle_body(text: str) -> list[str]:
    """The statements of a Turtle document, without its prefix lines and surrounding blank lines."""
    lines = text.split("\n")
    first = next(
        (i for i, line in enumerate(lines) if line.strip() and not line.upper().startswith(("PREFIX ", "@PREFIX "))),
        len(lines),
    )
    body = lines[first:]
    while body and not body[-1].strip():
        body.pop()
    return body


def turtle_from_ntriples(nt: bytes) -> bytes:
    """Diff-friendly Turtle from the sorted N-Triples, in two parts under one sorted `@prefix` header.

    `@prefix`, not SPARQL-style `PREFIX`: the OWL API's own Turtle parser reads only the former (owlapi#1149).

    The ontology's own terms (everything but claims, entities and references; a size that does not grow with
    the claims) are written by rdflib's longturtle, which nests restrictions and lists; the claims, entities and
    references (no blank nodes, up to millions of triples) by Oxigraph, one block per subject in sorted order.
    """
    lines = [line for line in nt.split(b"\n") if line]
    data = [line for line in lines if line.startswith(DATA_SUBJECTS)]
    terms = [line for line in lines if not line.startswith(DATA_SUBJECTS)]
    prefixes = _used_prefixes(nt)
    ontology = Graph(bind_namespaces="none")
    for prefix, uri in prefix_map().items():
        ontology.bind(prefix, uri)
    ontology.addN(
        (*(rdflib_term(t) for t in (q.subject, q.predicate, q.object)), ontology)
        for q in ox.parse(b"\n".join(terms) + b"\n", format=ox.RdfFormat.N_TRIPLES)
    )
    head = _turtle_body(ontology.serialize(format="longturtle"))
    body = ox.serialize(
        ox.parse(b"\n".join(data) + b"\n", format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE, prefixes=prefixes
    ).decode("utf-8")
    # a blank line before each subject block (continuation lines start with a tab; literals never span lines)
    tail = [f"\n{line}" if not line.startswith("\t") else line for line in _turtle_body(body)]
    header = [f"@prefix {p}: <{u}> ." for p, u in sorted(prefixes.items())]
    return ("\n".join([*header, "", *head, *tail]) + "\n").encode("utf-8")


def turtle(g: Graph) -> bytes:
    return turtle_from_ntriples(ntriples(g))


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
        return (
            items if key == "@list" else sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
        )
    return value


def jsonld(g: Graph) -> bytes:
    doc = json.loads(g.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True))
    return (json.dumps(_ordered(doc), indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def context_file() -> bytes:
    return (json.dumps(jsonld_context(), indent=1, sort_keys=False) + "\n").encode("utf-8")


def tsv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> bytes:
    buf = io.StringIO()
    plain = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    quoted = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow(header)
    for row in rows:  # QUOTE_MINIMAL leaves a lone "\r" unquoted (it is not in the line terminator): quote such rows
        (quoted if any("\r" in v for v in row) else plain).writerow(row)
    return buf.getvalue().encode("utf-8")
