"""Deterministic, diff-friendly artifacts: the same graph always gives the same bytes in every format.

The build hands over its graph once, as sorted N-Triples lines (release/named_graphs.py). N-Triples is those lines;
N-Quads, TriG, RDF/XML and JSON-LD are written by Oxigraph (Rust), so they cost little even at a million triples,
and nothing the build writes is parsed back. The writers are fed the lines in one pass, a few megabytes of whole
subjects at a time (`chunks`), each chunk read once into pyoxigraph quads for all of them: Oxigraph groups a
subject's triples, so the blocks of consecutive chunks join into the file one call on every triple would write
(tests/test_serialize_stream.py), and no list of a million quads, nor a whole file, is held in memory. Each file
goes to a temporary file as it is written (a part per named graph where a format writes graph by graph).
Turtle is written by two writers, each subject by one of them, under one `@prefix` header: rdflib's longturtle
writes the part that does not grow with the claims and needs nesting (the ontology's own terms, the external terms,
restrictions and lists); Oxigraph writes, one block per subject in N-Triples order, the claims, entities and
references and then the leaf blank nodes (the owl:Axiom annotations of the plain triples and of the mappings)
under their content-derived labels (`_:h...`).
JSON-LD is written in expanded form (full IRIs, no @context; Oxigraph writes no other, and compacting a
million triples in Python costs more than the whole build); `context.jsonld` compacts it for a reader who wants
CURIEs. Blank nodes only come from the ontology, the mappings and the plain triples' annotations, which the build
labels by their content (`canonical`, release/plain_view.py), so sorting the lines is enough."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import compress
from typing import IO, NamedTuple, Protocol, cast

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
CHUNK = 1 << 22  # bytes of N-Triples handed to the writers at a time (a few MB of quads alive, whatever the graph)
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


class Chunk(NamedTuple):
    """A run of the sorted N-Triples lines, whole subjects only, handed to every writer of the release in turn."""

    lines: bytes  # the lines, each ending in a newline
    graphs: bytes  # the index of each line's named graph
    quads: list[ox.Quad]  # the same triples (in the default graph), parsed once for all the writers


class Writer(Protocol):
    """A writer fed the graph's chunks in their order, then asked for the rest of its file."""

    def add(self, chunk: Chunk) -> None: ...

    def finish(self) -> None: ...


def chunks(nt: bytes, graph_of: bytes, size: int = CHUNK, breaks: Sequence[bytes] = ()) -> Iterator[Chunk]:
    """The sorted lines `nt` (line i in graph `graph_of[i]`) in chunks of about `size` bytes, each made of whole
    subjects (a writer groups a subject's triples, so a subject's lines must come together) and none spanning one of
    the `breaks` (a line prefix: the lines from the first that sorts at or after it start a new chunk). Each chunk is
    parsed once, whatever the number of writers that read it."""
    stops = sorted({n for b in breaks if 0 < (n := _first_at_or_after(nt, b)) < len(nt)} | {len(nt)})
    at = row = 0
    for stop in stops:
        while at < stop:
            end = min(at + size, stop)
            if end < stop:  # on to the end of the line, then past the subject's other lines
                end = nt.index(b"\n", end - 1) + 1
                start = nt.rfind(b"\n", at, end - 1) + 1 or at
                subject = nt[start : nt.index(b" ", start) + 1]
                while end < stop and nt.startswith(subject, end):
                    end = nt.index(b"\n", end) + 1
            lines = nt[at:end]
            n = lines.count(b"\n")
            quads = list(ox.parse(lines, format=ox.RdfFormat.N_TRIPLES, lenient=True))
            yield Chunk(lines, graph_of[row : row + n], quads)
            at, row = end, row + n


def _first_at_or_after(nt: bytes, key: bytes) -> int:
    """The offset of the first line of the sorted `nt` that sorts at or after `key` (a binary search on the bytes)."""
    lo, hi = 0, len(nt)
    while lo < hi:
        start = nt.rfind(b"\n", lo, (lo + hi) // 2) + 1 or lo
        end = nt.index(b"\n", start)
        if nt[start:end] < key:
            lo = end + 1
        else:
            hi = start
    return lo


def _statements(turtle: bytes) -> bytes:
    """Oxigraph's Turtle without its `@prefix` lines (it writes no blank line, and escapes every line break in a
    literal, so each of its lines is a statement's)."""
    at = 0
    while turtle.startswith(b"@prefix ", at):
        at = turtle.index(b"\n", at) + 1
    return turtle[at:]


def _part() -> IO[bytes]:
    return tempfile.TemporaryFile()  # noqa: SIM115 (closed by the writer that copies it)


def _copy(part: IO[bytes], out: IO[bytes], skip: int = 0) -> None:
    part.seek(skip)
    shutil.copyfileobj(part, out, 1 << 20)
    part.close()


class Turtle:
    """Diff-friendly Turtle, in two parts under one sorted `@prefix` header (the OWL API's own Turtle parser reads
    only that form, owlapi#1149); `prefixes` are those used in `nt`, the sorted N-Triples lines it is fed.

    Each subject is written once, by one of two writers. rdflib's longturtle writes the ontology's own terms, the
    external terms and the blank nodes that nest (restrictions, lists, what points at them): a size that does not
    grow with the claims. Oxigraph writes, one block per subject in N-Triples order, what grows with the data: the
    claims, entities and references (which point at no blank node), then the leaf blank nodes (nothing points at
    them and they point at no blank node: the owl:Axiom annotations of the plain triples and of the mappings),
    under the content-derived labels the build gives them (`_:h...`, as `canonical` labels them again on reading).
    Oxigraph's part is written chunk by chunk to a temporary file, rdflib's is made at the end: the blank nodes'
    lines sort last (`_` after `<`), so every subject that points at a blank node has been read by then, and the
    blank nodes that point at one are found beforehand in the text."""

    BREAKS = (*(k for p in DATA_SUBJECTS for k in (p, p[:-1] + bytes([p[-1] + 1]))), b"_:")  # where kinds change

    def __init__(self, nt: bytes, prefixes: dict[str, str], out: IO[bytes]):
        self.prefixes, self.out = prefixes, out
        self.terms: list[ox.Quad] = []
        self.tail = _part()  # Oxigraph's blocks, each subject's first line after a blank line
        blank = _first_at_or_after(nt, b"_:")
        self.nesting: set[str] = set()  # (labels) the blank nodes that point at a blank node or are pointed at
        for hit in _BLANK_OBJECT.finditer(nt, blank):  # by a blank node
            start = nt.rfind(b"\n", 0, hit.start()) + 1
            self.nesting |= {nt[start + 2 : nt.index(b" ", start)].decode(), hit[1].decode()}
        self.pointed: set[str] | None = None  # or by an IRI (known once the first blank node's line is read)

    def add(self, chunk: Chunk) -> None:
        if chunk.lines.startswith(DATA_SUBJECTS):
            self._oxigraph(chunk.quads)
        elif not chunk.lines.startswith(b"_:"):
            self.terms.extend(chunk.quads)
        else:
            if self.pointed is None:
                self.pointed = {o.value for t in self.terms if isinstance(o := t.object, ox.BlankNode)}
            nest = self.nesting | self.pointed
            leaves: list[ox.Quad] = []
            for q in chunk.quads:
                (self.terms if cast(ox.BlankNode, q.subject).value in nest else leaves).append(q)
            self._oxigraph(leaves)

    def _oxigraph(self, quads: Sequence[ox.Quad]) -> None:
        body = _statements(written(ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=self.prefixes)))
        if body:  # a blank line before each subject (its first line does not start with a tab)
            self.tail.write((b"\n" + body[:-1]).replace(b"\n", b"\n\n").replace(b"\n\n\t", b"\n\t"))

    def finish(self) -> None:
        ontology = Graph(bind_namespaces="none")
        for prefix, uri in prefix_map().items():
            ontology.bind(prefix, uri)
        ontology.addN((*rdflib_triple(t), ontology) for t in self.terms)
        head = "\n".join(_turtle_body(ontology.serialize(format="longturtle"))).encode("utf-8")
        self.out.write("".join(f"@prefix {p}: <{u}> .\n" for p, u in sorted(self.prefixes.items())).encode() + b"\n")
        self.out.write(head)
        tail = self.tail.tell()
        _copy(self.tail, self.out, 0 if head else 2)  # without rdflib's part, no blank line before the first block
        if head or tail:
            self.out.write(b"\n")


_BLANK_OBJECT = re.compile(rb' _:([^ \n"]+) \.\n')  # a line whose object is a blank node (a literal ends in " or a tag)


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


class TriG:
    """TriG, laid out as Oxigraph's TriG writer does: the prefixes, then one block per graph (in the order of `iris`)
    holding Oxigraph's Turtle of that graph's triples, indented by a tab (each graph's part in a temporary file until
    the end). The triples come in the default graph, as the other formats take them."""

    def __init__(self, iris: Sequence[str], prefixes: dict[str, str], out: IO[bytes]):
        self.iris, self.prefixes, self.out = iris, prefixes, out
        self.parts = [_part() for _ in iris]

    def add(self, chunk: Chunk) -> None:
        for g in set(chunk.graphs):
            quads = list(compress(chunk.quads, chunk.graphs.translate(_ONLY[g])))
            body = _statements(written(ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=self.prefixes)))
            self.parts[g].write(b"\t" + body[:-1].replace(b"\n", b"\n\t") + b"\n")

    def finish(self) -> None:
        self.out.write("".join(f"@prefix {p}: <{u}> .\n" for p, u in self.prefixes.items()).encode())
        names = {u: p for p, u in self.prefixes.items()}
        for iri, part in zip(self.iris, self.parts, strict=True):
            ns = max((u for u in names if iri.startswith(u)), key=len, default=None)
            self.out.write((f"{names[ns]}:{iri[len(ns) :]} {{\n" if ns else f"<{iri}> {{\n").encode())
            _copy(part, self.out)
            self.out.write(b"}\n")


_ONLY = [bytes(int(i == g) for i in range(256)) for g in range(256)]  # graph index -> 1 for its lines, 0 otherwise


class NQuads:
    """N-Quads, graph by graph (in the order of `iris`): each line with its graph's IRI before the final dot, as
    Oxigraph's N-Quads writer puts it (a line break only ends a line, so the dot is found with the break)."""

    def __init__(self, iris: Sequence[str], out: IO[bytes]):
        self.iris, self.parts, self.out = iris, [_part() for _ in iris], out

    def add(self, chunk: Chunk) -> None:
        rows = chunk.lines.split(b"\n")
        for g in set(chunk.graphs):
            lines = b"\n".join(compress(rows, chunk.graphs.translate(_ONLY[g]))) + b"\n"
            self.parts[g].write(_in_graph(lines, self.iris[g]))

    def finish(self) -> None:
        for part in self.parts:
            _copy(part, self.out)


class Framed:
    """A format Oxigraph writes as a header, one block per subject and a footer (RDF/XML; JSON-LD, expanded: an
    array of node objects), written chunk by chunk: each chunk's blocks without the header and footer."""

    def __init__(self, format: ox.RdfFormat, prefixes: dict[str, str], out: IO[bytes], footer: bytes, sep: bytes):
        self.format, self.prefixes, self.out, self.footer, self.sep = format, prefixes, out, footer, sep
        self.end = b"\n" if format == ox.RdfFormat.JSON_LD else b""  # the file ends with a line break (not RDF/XML's)
        empty = written(ox.serialize([], format=format, prefixes=prefixes))
        self.head = len(empty) - len(footer)
        out.write(empty[: self.head])
        self.first = True

    def add(self, chunk: Chunk) -> None:
        if chunk.quads:
            text = written(ox.serialize(chunk.quads, format=self.format, prefixes=self.prefixes))
            self.out.write(b"" if self.first else self.sep)
            self.out.write(text[self.head : -len(self.footer)])
            self.first = False

    def finish(self) -> None:
        self.out.write(self.footer + self.end)


def rdfxml_writer(prefixes: dict[str, str], out: IO[bytes]) -> Framed:
    """RDF/XML written by Oxigraph from the sorted triples: stable order, the used prefixes."""
    return Framed(ox.RdfFormat.RDF_XML, prefixes, out, b"</rdf:RDF>", b"")


def jsonld_writer(out: IO[bytes]) -> Framed:
    """Expanded JSON-LD written by Oxigraph from the sorted triples: one node object per subject, in order (and a
    final line break)."""
    return Framed(ox.RdfFormat.JSON_LD, {}, out, b"]", b",")


def write(parts: Iterable[Chunk], writers: Sequence[Writer]) -> None:
    """Feed every chunk to every writer, in order; then let each finish its file."""
    for chunk in parts:
        for w in writers:
            w.add(chunk)
    for w in writers:
        w.finish()


def _one_graph(nt: bytes, writer: Callable[[IO[bytes]], Writer]) -> bytes:
    """What `writer` writes of the sorted N-Triples `nt` (one graph)."""
    out = io.BytesIO()
    w = writer(out)
    write(chunks(nt, bytes(nt.count(b"\n")), breaks=Turtle.BREAKS), [w])
    return out.getvalue()


def turtle_from_ntriples(nt: bytes) -> bytes:
    return _one_graph(nt, lambda out: Turtle(nt, used_prefixes(nt), out))


def turtle(g: Graph) -> bytes:
    return turtle_from_ntriples(ntriples(g))


def rdfxml(nt: bytes) -> bytes:
    return _one_graph(nt, lambda out: rdfxml_writer(used_prefixes(nt), out))


def jsonld(g: Graph) -> bytes:
    return _one_graph(ntriples(g), jsonld_writer)


def nquads(graphs: Mapping[str, Sequence[bytes]]) -> bytes:
    """N-Quads from graph IRI -> its N-Triples lines (graph by graph, in the order given): each line with its
    graph's IRI before the final dot, as Oxigraph's N-Quads writer puts it."""
    return b"".join(_in_graph(b"".join(line + b"\n" for line in lines), iri) for iri, lines in graphs.items())


def _in_graph(lines: bytes, iri: str) -> bytes:
    """N-Triples lines (each ending in " ." and a line break, the only raw line break N-Triples has) as N-Quads lines
    of the graph `iri`."""
    return lines.replace(b" .\n", f" <{iri}> .\n".encode())


def trig(graphs: Mapping[str, Sequence[ox.Quad]], prefixes: dict[str, str]) -> bytes:
    """TriG of graph IRI -> its quads (in the default graph), as `TriG` writes it."""
    out = io.BytesIO()
    w = TriG(tuple(graphs), prefixes, out)
    for i, quads in enumerate(graphs.values()):
        w.add(Chunk(b"", bytes([i]) * len(quads), list(quads)))
    w.finish()
    return out.getvalue()


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
