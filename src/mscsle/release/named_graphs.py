"""The build's graph, made once and in its named graphs: the ontology apart from the data (entities, claims).

Triplestores and the SPARQL 1.1 Graph Store HTTP Protocol work graph by graph, so `dist/mscsle.nq` and
`dist/mscsle.trig` hold the same triples as `dist/mscsle.nt`, each in the named graph it belongs to. A user
can then reload or drop the claims without touching the ontology, or query one of them with `GRAPH`.

Each triple is filed as it is made, by what it is about: the ontology's own axioms, the version stamp, the
merged import modules and the mappings of ontology terms go to `ontology`; entities (under their one IRI, external
or the project's), references, claims, the honest plain triples and the mappings of entities (their axiom
annotations included) to `data`; the members of the defined classes, materialised by the build, to `inferred`
(added last, by `with_graph`). The triples stream straight from the generators into pyoxigraph terms (each distinct
term converted once); no rdflib graph of the data is made. The plain triples of hedged and mouse-only claims are
built the same way into graphs of their own (release/plain_view.py), written apart from the release.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast

import pyoxigraph as ox
from rdflib import OWL, SKOS, BNode, URIRef
from rdflib.term import Node

from mscsle.model.triples import Triple
from mscsle.model.vocab import CLAIM, ENTITY, MSCSLE, REF
from mscsle.release.serialize import OxSubject, OxTerm, oxigraph_term, written

GRAPH_BASE = "https://w3id.org/mscsle/graph/"
ONTOLOGY = "ontology"  # the ontology's own axioms and annotations, with the build's version stamp
DATA = "data"  # entities, the review's references, its claims and their plain triples, generated from data/
INFERRED = "inferred"  # the members of the defined classes, materialised by the build (release/memberships.py)
NAMES = (ONTOLOGY, DATA, INFERRED)
DATA_NAMESPACES = (str(ENTITY), str(CLAIM), str(REF))  # a triple about one of these belongs to the data
# what the mapping table says of an entity: these follow an entity that is an external term into the data graph
MAPPING_PREDICATES = frozenset(
    {
        SKOS.exactMatch,
        SKOS.closeMatch,
        SKOS.broadMatch,
        SKOS.narrowMatch,
        SKOS.relatedMatch,
        URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref"),
        MSCSLE.unmapped_reason,
    }
)


def graph_iri(name: str, base: str = GRAPH_BASE) -> str:
    """The IRI of a named graph of the build, under `base` (a user may load them under their own base)."""
    return base + name


def file_core(core: Iterable[Triple], entities: frozenset[URIRef] = frozenset()) -> tuple[list[Triple], list[Triple]]:
    """The ontology-sized part (ontology, version, imports, mappings) filed as (ontology, data) by its subject:
    data if it is in a data namespace, or if it is one of the `entities` (an entity may be an external term's IRI)
    and the triple is a mapping; the import module's declaration of such a term stays with the ontology.

    A blank node (the axiom annotation of a mapping) is filed with the subject of its owl:annotatedSource."""
    triples = list(core)
    source = {s: o for s, p, o in triples if isinstance(s, BNode) and p == OWL.annotatedSource}
    ontology: list[Triple] = []
    data: list[Triple] = []
    for t in triples:
        about = source.get(t[0], t[0]) if isinstance(t[0], BNode) else t[0]
        mapping = about in entities and (isinstance(t[0], BNode) or t[1] in MAPPING_PREDICATES)
        (data if mapping or str(about).startswith(DATA_NAMESPACES) else ontology).append(t)
    return ontology, data


@dataclass
class BuiltGraph:
    """The merged graph, every triple once, in N-Triples order: its lines, the same triples for pyoxigraph's
    writers and store (one object each, in the default graph), and the named graph (IRI) of each."""

    nt: bytes
    quads: list[ox.Quad]
    graphs: dict[str, list[ox.Quad]]
    graph_of: bytes  # the index (in `graphs`) of each line's named graph

    def lines(self) -> dict[str, list[bytes]]:
        """Graph IRI -> its N-Triples lines (made when asked: the lines of a million triples weigh)."""
        out: dict[str, list[bytes]] = {iri: [] for iri in self.graphs}
        by_index = list(out.values())
        for line, i in zip(self.nt.split(b"\n"), self.graph_of, strict=False):
            by_index[i].append(line)
        return out

    def __len__(self) -> int:
        return len(self.quads)


def build(graphs: Mapping[str, Iterable[Triple]], base: str = GRAPH_BASE) -> BuiltGraph:
    """One pass over the generators of each named graph (in the order given: NAMES for the release, OPT_IN for the
    plain triples a user adds on purpose); a triple already filed is not repeated."""
    iris: dict[str, tuple[OxTerm, str]] = {}  # keyed by plain str: compared in C, not by rdflib's __eq__
    others: dict[object, tuple[OxTerm, str]] = {}

    def term(t: object) -> tuple[OxTerm, str]:
        if type(t) is URIRef:
            key = str(t)
            hit = iris.get(key)
            if hit is None:
                n = ox.NamedNode(key)
                hit = iris[key] = (n, str(n))
            return hit
        hit = others.get(t)
        if hit is None:
            o = oxigraph_term(cast(Node, t))  # the generators make rdflib terms only
            hit = others[t] = (o, str(o))
        return hit

    filed: dict[str, tuple[str, OxTerm, OxTerm, OxTerm]] = {}  # N-Triples line -> graph, terms
    names = tuple(graphs)
    for name in names:
        for s, p, o in graphs[name]:
            (a, sa), (b, sb), (c, sc) = term(s), term(p), term(o)
            line = f"{sa} {sb} {sc} ."
            if line not in filed:
                filed[line] = (name, a, b, c)
    lines = sorted(filed)
    quads: list[ox.Quad] = []
    by_graph: dict[str, list[ox.Quad]] = {name: [] for name in names}
    index = {name: i for i, name in enumerate(names)}
    graph_of = bytearray()
    for line in lines:
        name, a, b, c = filed[line]
        q = ox.Quad(cast(OxSubject, a), cast(ox.NamedNode, b), c)  # subject an IRI or blank node, predicate an IRI
        quads.append(q)
        by_graph[name].append(q)
        graph_of.append(index[name])
    nt = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    return BuiltGraph(nt, quads, {graph_iri(n, base): by_graph[n] for n in names}, bytes(graph_of))


def with_graph(built: BuiltGraph, name: str, triples: Iterable[Triple], base: str = GRAPH_BASE) -> BuiltGraph:
    """`built` and one more named graph: its triples (those not filed yet) merged into the sorted order, so the
    graphs made before it are not sorted again."""
    old = built.nt.split(b"\n")[:-1] if built.nt else []
    present = set(old)
    new: dict[bytes, ox.Quad] = {}
    for t in triples:
        a, b, c = (oxigraph_term(cast(Node, x)) for x in t)
        line = f"{a} {b} {c} .".encode()
        if line not in present:
            new[line] = ox.Quad(cast(OxSubject, a), cast(ox.NamedNode, b), c)
    lines: list[bytes] = []
    quads: list[ox.Quad] = []
    graph_of = bytearray()
    index = len(built.graphs)
    start = 0
    for line in sorted(new):
        at = bisect.bisect(old, line, lo=start)
        lines += old[start:at]
        quads += built.quads[start:at]
        graph_of += built.graph_of[start:at]
        lines.append(line)
        quads.append(new[line])
        graph_of.append(index)
        start = at
    lines += old[start:]
    quads += built.quads[start:]
    graph_of += built.graph_of[start:]
    nt = b"\n".join(lines) + b"\n" if lines else b""
    graphs = {**built.graphs, graph_iri(name, base): [new[line] for line in sorted(new)]}
    return BuiltGraph(nt, quads, graphs, bytes(graph_of))


def read_nquads(nq: bytes) -> dict[str, bytes]:
    """dist/mscsle.nq back into name -> N-Triples; the graphs must be the build's."""
    by_graph: dict[str, list[ox.Triple]] = {}
    for q in ox.parse(nq, format=ox.RdfFormat.N_QUADS):
        if not isinstance(q.graph_name, ox.NamedNode) or not q.graph_name.value.startswith(GRAPH_BASE):
            raise ValueError(f"unexpected graph {q.graph_name} in the N-Quads: expected graphs under {GRAPH_BASE}")
        by_graph.setdefault(q.graph_name.value[len(GRAPH_BASE) :], []).append(q.triple)
    unknown = set(by_graph) - set(NAMES)
    if unknown:
        raise ValueError(f"unexpected graphs {sorted(unknown)} in the N-Quads: expected {', '.join(NAMES)}")
    return {name: written(ox.serialize(by_graph.get(name, []), format=ox.RdfFormat.N_TRIPLES)) for name in NAMES}
