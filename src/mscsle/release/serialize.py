"""Deterministic, diff-friendly artifacts: the same graph always gives the same bytes in every format.

The build hands over its graph once, as sorted N-Triples lines with the same triples as pyoxigraph objects
(release/named_graphs.py); N-Triples, N-Quads, TriG, RDF/XML and JSON-LD are written by Oxigraph (Rust) from it,
so they cost little even at a million triples, and nothing is parsed back. Turtle is written by two writers, each
subject by one of them, under one `@prefix` header: rdflib's longturtle writes the part that does not grow with the
claims and needs nesting (the ontology's own terms, the external terms, restrictions and lists); Oxigraph writes,
one block per subject in N-Triples order, the claims, entities and references and then the leaf blank nodes (the
owl:Axiom annotations of the plain triples and of the mappings) under their content-derived labels (`_:h...`).
JSON-LD is written in expanded form (full IRIs, no @context; Oxigraph writes no other, and compacting a
million triples in Python costs more than the whole build); `context.jsonld` compacts it for a reader who wants
CURIEs. Blank nodes only come from the ontology, the mappings and the plain triples' annotations, which the build
labels by their content (`canonical`, release/plain_view.py), so sorting the lines is enough.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from mscsle.model.prefixes import jsonld_context, prefix_map

FORMATS = {  # artifact name -> what it is for
    "mscsle.ttl": "Turtle: ontology, entities and claims merged (human-readable, diff-friendly)",
    "mscsle.owl": "RDF/XML of the same graph, for Protégé, the OWL API and owlready2",
    "mscsle.nt": "N-Triples, sorted, for bulk loaders",
    "mscsle.nq": "N-Quads: the same triples in named graphs (ontology, data, inferred), sorted, for bulk loaders",
    "mscsle.trig": "TriG: the same named graphs, readable",
    "mscsle-opt-in.nq": "N-Quads: the plain triples of hedged and of mouse-only claims (graphs hedged-triples, "
    "mouse-only-triples), kept out of every other artifact; a user adds them on purpose",
    "mscsle-opt-in.trig": "TriG: the same two graphs, readable",
    "mscsle.jsonld": "JSON-LD, expanded (full IRIs, no remote context): any JSON-LD 1.1 processor reads it",
    "context.jsonld": "the JSON-LD context of the project's prefixes: compacts mscsle.jsonld to CURIEs",
    "claims.tsv": "one row per claim",
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
OxTriples = Sequence[ox.Triple] | Sequence[ox.Quad]  # triples, or quads in the default graph (the build's)
# subjects written by Oxigraph in mscsle.ttl (they point at no blank node; their number grows with the claims)
DATA_SUBJECTS = tuple(f"<{prefix_map()[p]}".encode() for p in ("mscsle.claim", "mscsle.entity", "mscsle.ref"))
OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal  # pyoxigraph's stubs also allow RDF-star triple terms: none here
OxSubject = ox.NamedNode | ox.BlankNode


def written(data: bytes | None) -> bytes:
    """What `ox.serialize` returns when given no output file (its stubs say `bytes | None`; None is for files)."""
    assert data is not None
    return data


def canonical(g: Graph) -> Graph:
    """A copy whose blank nodes carry content-derived labels, bound to the one prefix map only.

    Only the triples that touch a blank node are canonicalised (claims, entities and references have none), so
    the cost does not grow with the claims. The ontology's blank nodes (restrictions, lists, annotated axioms)
    hang from IRIs as trees: each is labelled by a hash of its place and its content (_tree_labels), which
    depends on nothing else, so an edit to one axiom changes the labels of that axiom only. Blank nodes that
    are not in such trees (shared or in a cycle), or that would get one label for two nodes (the same subtree
    twice in one place), are labelled by W3C RDF Dataset Canonicalization (RDFC-1.0, in Oxigraph)."""
    out = Graph(bind_namespaces="none")
    for prefix, uri in prefix_map().items():
        out.bind(prefix, uri)
    plain: list[tuple[Node, Node, Node]] = []
    blank: list[tuple[Node, Node, Node]] = []
    for t in g:
        (blank if isinstance(t[0], BNode) or isinstance(t[2], BNode) else plain).append(t)
    labels = _tree_labels(blank)
    rest: list[tuple[Node, Node, Node]] = []
    for s, p, o in blank:
        if s in labels or o in labels:
            plain.append((labels.get(s, s), p, labels.get(o, o)))
        else:
            rest.append((s, p, o))
    out.addN((*t, out) for t in plain)
    out.addN((*t, out) for t in _rdfc(rest))
    return out


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _tree_labels(blank: Sequence[tuple[Node, Node, Node]]) -> dict[Node, BNode]:
    """Labels for the blank nodes of the tree-shaped components of `blank` (the triples that touch a blank node).

    A component is a tree when it is connected by n - 1 blank-to-blank edges and no node is the object of two
    triples. A node's content hash covers its own triples, its blank children by their content hashes (a Merkle
    hash); its label adds its place: the label or IRI of the subject that points to it and the predicate, so that
    equal restrictions on two classes stay two nodes. A root that nothing points to is labelled by its content
    alone ("h" + 32 hex digits of SHA-256, as release/plain_view.py labels a plain triple's axiom). A component
    in which two nodes would get one label is left out, as are the components that are no trees."""
    own: dict[Node, list[tuple[Node, Node]]] = {}
    parent: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o in blank:
        if isinstance(s, BNode):
            own.setdefault(s, []).append((p, o))
        if isinstance(o, BNode):
            parent.setdefault(o, []).append((s, p))
    size = len(own.keys() | parent.keys())
    trees: list[dict[Node, str]] = []
    for root in own.keys() - parent.keys() | {b for b, ps in parent.items() if not isinstance(ps[0][0], BNode)}:
        tree = [root]  # the component, parents before children
        for b in tree:
            tree.extend(o for _, o in own.get(b, ()) if isinstance(o, BNode))
            if len(tree) > size:  # a cycle below the root
                break
        if len(tree) > size or any(len(parent.get(b, ())) > 1 for b in tree):
            continue
        content: dict[Node, str] = {}
        for b in reversed(tree):
            po = (f"{p.n3()} {'_:' + content[o] if o in content else o.n3()}" for p, o in own.get(b, ()))
            content[b] = _hash("\n".join(sorted(po)))
        names: dict[Node, str] = {}
        for b in tree:
            if b in parent:
                ((s, p),) = parent[b]
                names[b] = _hash(f"{'_:' + names[s] if s in names else s.n3()} {p.n3()} {content[b]}")[:32]
            else:
                names[b] = content[b][:32]
        trees.append(names)
    counts = Counter(name for names in trees for name in names.values())
    return {
        b: BNode("h" + name)
        for names in trees
        if all(counts[n] == 1 for n in names.values())
        for b, name in names.items()
    }


def _rdfc(triples: Sequence[tuple[Node, Node, Node]]) -> list[tuple[Node, Node, Node]]:
    """The triples with their blank nodes relabelled by RDFC-1.0 (labels c14n0, c14n1, ...)."""
    if not triples:
        return []
    ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in oxigraph_triples(triples))
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return [rdflib_triple(q) for q in ds]


def used_prefixes(nt: bytes) -> dict[str, str]:
    """The prefixes whose namespace occurs in the N-Triples (or N-Quads) text."""
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


def rdflib_triple(t: ox.Triple | ox.Quad) -> tuple[Node, Node, Node]:
    """The triple (of a quad: its triple) in rdflib terms; the build makes no RDF-star triple terms."""
    return rdflib_term(cast(OxTerm, t.subject)), rdflib_term(t.predicate), rdflib_term(cast(OxTerm, t.object))


def oxigraph_triples(g: Iterable[tuple[Node, Node, Node]]) -> list[ox.Triple]:
    terms: dict[Node, OxTerm] = {}  # each distinct term converted once

    def conv(t: Node) -> OxTerm:
        o = terms.get(t)
        if o is None:
            o = terms[t] = oxigraph_term(t)
        return o

    # rdflib's triples put an IRI or blank node as subject and an IRI as predicate
    return [ox.Triple(cast(OxSubject, conv(s)), cast(ox.NamedNode, conv(p)), conv(o)) for s, p, o in g]


def ntriples(g: Iterable[tuple[Node, Node, Node]]) -> bytes:
    """Sorted, duplicate-free N-Triples of a graph or of any triples (Oxigraph writes, Python sorts the bytes)."""
    lines = set(written(ox.serialize(oxigraph_triples(g), format=ox.RdfFormat.N_TRIPLES)).split(b"\n"))
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


def turtle_from_triples(nt: bytes, triples: OxTriples, prefixes: dict[str, str] | None = None) -> bytes:
    """Diff-friendly Turtle, in two parts under one sorted `@prefix` header (the OWL API's own
    Turtle parser reads only that form, owlapi#1149); `triples` are the lines of `nt` (sorted
    N-Triples) as pyoxigraph triples, in the same order; `prefixes` those used in `nt` (found again if not given).

    Each subject is written once, by one of two writers. rdflib's longturtle writes the ontology's own terms, the
    external terms and the blank nodes that nest (restrictions, lists, what points at them): a size that does not
    grow with the claims. Oxigraph writes, one block per subject in N-Triples order, what grows with the data: the
    claims, entities and references (which point at no blank node), then the leaf blank nodes (nothing points at
    them and they point at no blank node: the owl:Axiom annotations of the plain triples and of the mappings),
    under the content-derived labels the build gives them (`_:h...`, as `canonical` labels them again on reading).
    """
    data: list[ox.Triple | ox.Quad] = []
    blank: list[ox.Triple | ox.Quad] = []
    terms: list[ox.Triple | ox.Quad] = []
    rows: Iterable[ox.Triple | ox.Quad] = triples
    for line, t in zip(nt.split(b"\n"), rows, strict=False):
        (blank if line.startswith(b"_:") else data if line.startswith(DATA_SUBJECTS) else terms).append(t)
    nesting: set[OxTerm] = {o for t in chain(terms, blank) if isinstance(o := t.object, ox.BlankNode)}
    nesting |= {cast(OxSubject, t.subject) for t in blank if isinstance(t.object, ox.BlankNode)}
    for t in blank:
        (terms if cast(OxSubject, t.subject) in nesting else data).append(t)
    prefixes = used_prefixes(nt) if prefixes is None else prefixes
    ontology = Graph(bind_namespaces="none")
    for prefix, uri in prefix_map().items():
        ontology.bind(prefix, uri)
    ontology.addN((*rdflib_triple(t), ontology) for t in terms)
    head = _turtle_body(ontology.serialize(format="longturtle"))
    same_kind = cast(OxTriples, data)  # all triples or all quads, as `triples`
    body = written(ox.serialize(same_kind, format=ox.RdfFormat.TURTLE, prefixes=prefixes)).decode("utf-8")
    # a blank line before each subject block (continuation lines start with a tab; literals never span lines)
    tail = [f"\n{line}" if not line.startswith("\t") else line for line in _turtle_body(body)]
    header = [f"@prefix {p}: <{u}> ." for p, u in sorted(prefixes.items())]
    blocks = "\n".join([*head, *tail]).lstrip("\n")  # no second blank line when rdflib has nothing to write
    return ("\n".join([*header, "", *([blocks] if blocks else [])]) + "\n").encode("utf-8")


def _parse_nt(nt: bytes) -> list[ox.Triple]:
    return list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))


def turtle_from_ntriples(nt: bytes) -> bytes:
    return turtle_from_triples(nt, _parse_nt(nt))


def turtle(g: Graph) -> bytes:
    return turtle_from_ntriples(ntriples(g))


def rdfxml_from_triples(nt: bytes, triples: OxTriples, prefixes: dict[str, str] | None = None) -> bytes:
    """RDF/XML written by Oxigraph from the sorted triples (those of `nt`): stable order, the used prefixes."""
    used = used_prefixes(nt) if prefixes is None else prefixes
    return written(ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=used))


def rdfxml(nt: bytes) -> bytes:
    return rdfxml_from_triples(nt, _parse_nt(nt))


def nquads(graphs: Mapping[str, Sequence[bytes]]) -> bytes:
    """N-Quads from graph IRI -> its N-Triples lines (graph by graph, in the order given): each line with its
    graph's IRI before the final dot, as Oxigraph's N-Quads writer puts it."""
    out: list[bytes] = []
    for iri, lines in graphs.items():
        tail = f"<{iri}> .\n".encode()
        out.extend(line[:-1] + tail for line in lines)
    return b"".join(out)


def trig(graphs: Mapping[str, Sequence[ox.Quad]], prefixes: dict[str, str]) -> bytes:
    """TriG, laid out as Oxigraph's TriG writer does: the prefixes, then one block per graph (in the order given)
    holding Oxigraph's Turtle of that graph's triples, indented by a tab. The triples come in the default graph,
    as the other formats take them, so no second object is made per triple."""
    out = [f"@prefix {p}: <{u}> .\n" for p, u in prefixes.items()]
    names = {u: p for p, u in prefixes.items()}
    for iri, quads in graphs.items():
        ns = max((u for u in names if iri.startswith(u)), key=len, default=None)
        out.append(f"{names[ns]}:{iri[len(ns) :]} {{\n" if ns else f"<{iri}> {{\n")
        body = written(ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=prefixes)).decode("utf-8")
        out.extend(f"\t{line}\n" for line in body.split("\n") if line and not line.startswith("@prefix "))
        out.append("}\n")
    return "".join(out).encode("utf-8")


def jsonld_from_triples(triples: OxTriples) -> bytes:
    """Expanded JSON-LD written by Oxigraph from the sorted triples: one node object per subject, in order."""
    return written(ox.serialize(triples, format=ox.RdfFormat.JSON_LD)) + b"\n"


def jsonld(g: Graph) -> bytes:
    return jsonld_from_triples(_parse_nt(ntriples(g)))


def context_file() -> bytes:
    return (json.dumps(jsonld_context(), indent=1, sort_keys=False) + "\n").encode("utf-8")


def tsv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> bytes:
    buf = io.StringIO()
    plain = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    quoted = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow(header)
    for row in rows:  # QUOTE_MINIMAL leaves a lone "\r" unquoted (it is not in the line terminator): quote such rows
        (quoted if "\r" in "".join(row) else plain).writerow(row)
    return buf.getvalue().encode("utf-8")
