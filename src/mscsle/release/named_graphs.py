"""The build's graph, made once and in its named graphs: the ontology apart from the data (entities, claims).

Triplestores and the SPARQL 1.1 Graph Store HTTP Protocol work graph by graph, so `dist/mscsle.nq` and
`dist/mscsle.trig` hold the same triples as `dist/mscsle.nt`, each in the named graph it belongs to. A user
can then reload or drop the claims without touching the ontology, or query one of them with `GRAPH`.

Each triple is filed as it is made, by what it is about: the ontology's own axioms, the version stamp, the
merged import modules and the mappings of ontology terms go to `ontology`; entities (under their one IRI, external
or the project's), references, claims, the honest plain triples and the mappings of entities (their axiom
annotations included) to `data`; the members of the defined classes, materialised by the build, to `inferred`
(added last, by `with_graph`). The triples stream straight from the generators into their N-Triples lines (the
claims' and the plain triples' lines made from strings, release/graph.py and plain_view.py), and only the lines are
kept; no rdflib graph of the data is made, and the release's writers read the sorted lines a few megabytes at a time
(release/serialize.py `chunks`), so no pyoxigraph object is held per triple either. The plain triples of hedged and
mouse-only claims are built the same way into graphs of their own (release/plain_view.py), written apart from the
release.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox
from rdflib import OWL, SKOS, BNode, URIRef
from rdflib.term import Node

from mscsle.model.triples import Triple
from mscsle.model.vocab import CLAIM, ENTITY, MSCSLE, REF
from mscsle.release.serialize import oxigraph_term, written

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
    """The merged graph, every triple once: its sorted N-Triples lines and the named graph (IRI) of each line; the
    same triples as pyoxigraph quads (in the default graph) when asked, for a small graph (the opt-in views) or a
    caller (`Built.graph`).

    Quads for a million triples weigh more than their N-Triples, so the release's writers never ask for them: they
    read the lines in chunks (release/pipeline.py `rdf_files`)."""

    nt: bytes
    graph_of: bytes  # the index (in `iris`) of each line's named graph
    iris: tuple[str, ...]  # the named graphs' IRIs

    @cached_property
    def quads(self) -> list[ox.Quad]:
        """Every triple, in the order of the lines; a line Oxigraph did not write (an invalid IRI) is refused when
        the lines are first read (`triples`), so it is read here without checking its IRIs again."""
        return list(ox.parse(self.nt, format=ox.RdfFormat.N_TRIPLES, lenient=True))

    @cached_property
    def graphs(self) -> dict[str, list[ox.Quad]]:
        """Graph IRI -> its quads (the objects of `quads`, in their order)."""
        out: dict[str, list[ox.Quad]] = {iri: [] for iri in self.iris}
        by_index = list(out.values())
        for q, i in zip(self.quads, self.graph_of, strict=True):
            by_index[i].append(q)
        return out

    def triples(self) -> Iterator[ox.Quad]:
        """The quads, parsed afresh with every IRI checked (to fill a store without keeping the objects)."""
        return ox.parse(self.nt, format=ox.RdfFormat.N_TRIPLES)

    def lines(self) -> dict[str, list[bytes]]:
        """Graph IRI -> its N-Triples lines (made when asked: the lines of a million triples weigh)."""
        out: dict[str, list[bytes]] = {iri: [] for iri in self.iris}
        by_index = list(out.values())
        for line, i in zip(self.nt.split(b"\n"), self.graph_of, strict=False):
            by_index[i].append(line)
        return out

    def __len__(self) -> int:
        return len(self.graph_of)


def nt_term(t: Node) -> str:
    """A term in N-Triples: an IRI as is (URIRef is a str), a literal or blank node as Oxigraph writes it."""
    if type(t) is URIRef:
        return f"<{t}>"
    if type(t) is BNode:  # the build's blank nodes have labels Oxigraph writes as they are
        return f"_:{t}"
    return str(oxigraph_term(t))


def nt_line(t: Triple) -> bytes:
    """A triple as its N-Triples line (UTF-8, no line end)."""
    s, p, o = t
    return f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .".encode()


def build(graphs: Mapping[str, Iterable[Triple | bytes]], base: str = GRAPH_BASE) -> BuiltGraph:
    """One pass over the generators of each named graph (in the order given: NAMES for the release, OPT_IN for the
    plain triples a user adds on purpose); a triple already filed is not repeated. Triples may come as their
    N-Triples lines already (bytes, as `nt_line` makes them, joined by newlines: graph.ClaimLines).

    Each triple is kept as its N-Triples line only (bytes: UTF-8 sorts as the code points do) with the index of its
    graph, so no RDF term is held per triple while the lines are made."""
    filed: dict[bytes, int] = {}  # N-Triples line -> the index of its graph
    names = tuple(graphs)
    for i, name in enumerate(names):
        for t in graphs[name]:
            if type(t) is bytes:
                for line in t.split(b"\n"):
                    filed.setdefault(line, i)
            else:
                filed.setdefault(nt_line(t), i)  # type: ignore[arg-type]
    lines = sorted(filed)
    graph_of = bytes(map(filed.__getitem__, lines))
    del filed
    nt = b"\n".join(lines) + b"\n" if lines else b""
    return BuiltGraph(nt, graph_of, tuple(graph_iri(n, base) for n in names))


def _insertion_point(nt: bytes, line: bytes, lo: int) -> int:
    """The offset of the first line of the sorted `nt` (from offset `lo`, a line start) that sorts after `line`;
    -1 if `nt` holds the line. The lines of one subject are contiguous (they share a prefix), so the line goes among
    those of its subject if `nt` has any: a forward search for them, then a few comparisons (the members of a defined
    class are subjects of the graph already); otherwise a binary search on the bytes. No list of a million lines is
    made."""
    subject = line[: line.index(b" ") + 1]
    start = lo if nt.startswith(subject, lo) else nt.find(b"\n" + subject, lo) + 1 or -1
    if start >= 0:
        while nt.startswith(subject, start):
            end = nt.index(b"\n", start)
            here = nt[start:end]
            if here == line:
                return -1
            if here > line:
                return start
            start = end + 1
        return start
    return _bisect(nt, line, lo)


def _bisect(nt: bytes, line: bytes, lo: int) -> int:
    """`_insertion_point` by a binary search on the bytes of `nt` from offset `lo`."""
    hi = len(nt)
    while lo < hi:
        start = nt.rfind(b"\n", lo, (lo + hi) // 2) + 1 or lo
        end = nt.index(b"\n", start)
        here = nt[start:end]
        if here == line:
            return -1
        if here < line:
            lo = end + 1
        else:
            hi = start
    return lo


def with_graph(built: BuiltGraph, name: str, triples: Iterable[Triple], base: str = GRAPH_BASE) -> BuiltGraph:
    """`built` and one more named graph: its triples (those not filed yet) merged into the sorted lines, so the
    graphs made before it are not sorted again."""
    nt, view = built.nt, memoryview(built.nt)
    index = len(built.iris)
    pieces: list[bytes | memoryview] = []
    graph_of = bytearray()
    at = row = 0  # offset and number of the next line of `nt` not yet copied
    for line in sorted({nt_line(t) for t in triples}):
        to = _insertion_point(nt, line, at)
        if to < 0:
            continue
        rows = row + nt.count(b"\n", at, to)
        pieces += (view[at:to], line, b"\n")
        graph_of += built.graph_of[row:rows]
        graph_of.append(index)
        at, row = to, rows
    pieces.append(view[at:])
    graph_of += built.graph_of[row:]
    return BuiltGraph(b"".join(pieces), bytes(graph_of), (*built.iris, graph_iri(name, base)))


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
