"""dist/nanopubs.trig: every claim as a nanopublication (assertion, provenance, publication info), from the built graph.

One nanopublication per claim, its IRI https://w3id.org/mscsle/np/<claim_id>/ (ending in `/`, so that the graph
IRIs derived from it stay well formed for the nanopub tools), its four graphs named under it:
- assertion: the claim's statement itself (subject relation object) and the claim node with what qualifies it
  (species, disease state, population, design, cell source, cell context, model, via, certainty, hedge cue,
  label);
- provenance: the assertion was quoted from the review (prov:wasQuotedFrom, each verbatim quote as prov:value),
  with the claim's review, cited references, evidence level and type, and section;
- pubinfo: licence, creator (the ontology's own) and the release date at midnight UTC (never the wall clock).
The URIs are not trusty URIs and the nanopublications are not signed: signing needs a private key, which a
deterministic build from a public repository cannot hold. Together the assertion and provenance graphs hold every
triple of the claim node, so the claims can be read back from the nanopublications (tests/test_nanopubs.py).

Written as text, in one pass, from the build's sorted N-Triples lines (release/quad_graph.py), laid out and
abbreviated as Oxigraph's TriG writer does (release/turtle_terms.py): handing the millions of quads to Oxigraph as
Python objects costs several times more than the text. tests/test_nanopubs.py compares the two writers.
"""

from __future__ import annotations

from typing import IO

from mscsle.model.prefixes import prefix_map
from mscsle.release.quad_graph import QuadGraph
from mscsle.release.turtle_terms import Namespaces, TurtleTerms

NP = "http://www.nanopub.org/nschema#"
MSCSLE = prefix_map()["mscsle"]
NP_BASE = "https://w3id.org/mscsle/np/"
ONTOLOGY = "<https://w3id.org/mscsle/mscsle.owl>"
GRAPHS = ("Head", "assertion", "provenance", "pubinfo")
_RDF, _DCTERMS, _PROV = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/prov#",
)
# (terms as N-Triples text) the claim node's triples that say where the claim comes from, not what it says
PROVENANCE = frozenset(
    f"<{MSCSLE}{p}>" for p in ("quote", "asserted_in", "cites", "has_evidence_level", "has_evidence_type", "in_section")
)
_CLAIM, _CLAIM_ID = f"<{MSCSLE}Claim>", f"<{MSCSLE}claim_id>"
_SUBJECT, _RELATION, _OBJECT = (f"<{MSCSLE}{p}>" for p in ("has_subject", "has_relation", "has_object"))
_ASSERTED_IN, _QUOTE, _CITES = (f"<{MSCSLE}{p}>" for p in ("asserted_in", "quote", "cites"))
_TYPE, _NANOPUB = f"<{_RDF}type>", f"<{NP}Nanopublication>"
_HAS = tuple(f"<{NP}{p}>" for p in ("hasAssertion", "hasProvenance", "hasPublicationInfo"))
_QUOTED_FROM, _VALUE, _DERIVED = (f"<{_PROV}{p}>" for p in ("wasQuotedFrom", "value", "wasDerivedFrom"))
_REFERENCES, _LICENSE, _CREATOR, _CREATED, _PART_OF = (
    f"<{_DCTERMS}{p}>" for p in ("references", "license", "creator", "created", "isPartOf")
)
_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"


def np_iri(claim_id: str) -> str:
    return f"{NP_BASE}{claim_id}/"


class _Prefixes:
    """The prefixes a nanopublication's block declares: those whose namespace occurs in its N-Quads text (as
    `<namespace`, so in an IRI or a datatype), looked for once per distinct term; `sub:` bound to its IRI."""

    def __init__(self, known: dict[str, str]):
        self.known = known
        self.namespaces = Namespaces(known)
        self.needles = [(p, f"<{u}") for p, u in known.items()]
        self.found: dict[str, frozenset[str]] = {}
        self.headers: dict[frozenset[str], tuple[str, str]] = {}

    def of(self, terms: list[str]) -> frozenset[str]:
        """The prefixes whose namespace occurs in any of the terms."""
        found, names = self.found, []
        for term in terms:
            if "<" in term:  # else a plain literal or blank node, which needs no prefix (and is not kept)
                hit = found.get(term)
                if hit is None:
                    hit = found[term] = self._find(term)
                names.append(hit)
        return frozenset().union(*names)

    def _find(self, term: str) -> frozenset[str]:
        if term.startswith("<"):  # an IRI (which holds no other "<"): the namespaces it lies under
            return frozenset(p for p, _ in self.namespaces.of(term[1:-1]))
        return frozenset(p for p, n in self.needles if n in term)

    def header(self, names: frozenset[str], iri: str) -> str:
        """The `@prefix` lines, sorted by name, `sub:` bound to `iri` (as nanopub tools write it)."""
        parts = self.headers.get(names)
        if parts is None:
            lines = {p: f"@prefix {p}: <{self.known[p]}> .\n" for p in sorted(names)}
            parts = self.headers[names] = (
                "".join(line for p, line in lines.items() if p < "sub"),
                "".join(line for p, line in lines.items() if p > "sub"),
            )
        return f"{parts[0]}@prefix sub: <{iri}> .\n{parts[1]}"


# The nanopublication's own IRIs are handed to the writer as those of `sub:` itself (NP_BASE and its graphs under it),
# the same for every block: they sort the same way among the claim's terms (no claim IRI lies under NP_BASE), the
# writer abbreviates them `sub:`, `sub:assertion`, ..., and each block's header binds `sub:` to its real IRI.
_NP = f"<{NP_BASE}>"
_GRAPH_IRIS = tuple(f"<{NP_BASE}{g}>" for g in GRAPHS[1:])  # assertion, provenance, pubinfo
_ASSERTION = _GRAPH_IRIS[0]


_NEW, _MORE = " ;\n\t\t", " , "  # before a subject's further predicate; before a predicate's further object
# A claim's triple as the writer reads it: predicate, object, the prefixes they need, whether it is provenance, and
# its text as the first, a further predicate's or a further object's of its subject (release/turtle_terms.py)
_Row = tuple[str, str, frozenset[str], bool, str, str, str]


def _block(subject: str, pairs: list[tuple[str, str]], terms: TurtleTerms) -> str:
    """A subject's triples (predicate, object; sorted) as Oxigraph's TriG writer lays them out: the subject and its
    first predicate and object on one line, `;` and a line per further predicate, `,` before each further object."""
    out = [f"\t{terms(subject)} "]
    last = ""
    for p, o in pairs:
        out.append(f"{_MORE}{terms(o)}" if p == last else f"{_NEW if last else ''}{terms.predicate(p)} {terms(o)}")
        last = p
    return "".join(out)


def _graph(name: str, blocks: list[tuple[str, str]]) -> str:
    """A named graph from its subjects' blocks (subject, text), written in subject order."""
    return f"{name} {{\n" + " .\n".join(text for _, text in sorted(blocks)) + " .\n}\n"


def nanopubs_trig(graph: QuadGraph, release: str, out: IO[bytes]) -> None:
    """All claims' nanopublications in claim_id order, as TriG: one block per nanopublication, each with its own
    prefixes (`sub:` its nanopub IRI, as nanopub tools write it), so any block can be cut out and read alone; the
    triples of each graph sorted, as Oxigraph writes sorted N-Quads."""
    known = {**prefix_map(), "np": NP}
    prefixes = _Prefixes(known)
    terms = TurtleTerms({**known, "sub": NP_BASE})
    # the ontology's header states its licence and creator (ontology/mscsle.ttl)
    licence, creator = (str(graph.value(ONTOLOGY, p)) for p in (_LICENSE, _CREATOR))
    created = f'"{release}T00:00:00Z"^^<{_DATETIME}>'
    head = _graph(
        "sub:Head", [(_NP, _block(_NP, sorted([*zip(_HAS, _GRAPH_IRIS, strict=True), (_TYPE, _NANOPUB)]), terms))]
    )
    published = sorted([(_LICENSE, licence), (_CREATOR, creator), (_CREATED, created), (_PART_OF, ONTOLOGY)])
    # in every block: the prefixes of its own IRIs (all under NP_BASE; none lies deeper: tests/test_nanopubs.py) and
    # of the terms every nanopublication has
    always = frozenset(p for p, u in known.items() if NP_BASE.startswith(u)) | prefixes.of(
        [*(t for pair in published for t in pair), *_HAS, _TYPE, _NANOPUB, _DERIVED, _QUOTED_FROM]
    )
    # pubinfo is the same in every block but for its last triple, the claim it derives from (prov: sorts after dcterms:)
    pubinfo = f"sub:pubinfo {{\n{_block(_NP, published, terms)}{_NEW}{terms.predicate(_DERIVED)} "
    read: dict[str, _Row] = {}  # "predicate object" -> its row

    def row(tail: str) -> _Row:
        """A claim's triple, read once for all the claims that have it (a literal, mostly a claim's own, is not kept)."""
        p, o = tail.split(" ", 1)
        vo = f"{terms.predicate(p)} {terms(o)}"
        found = (p, o, prefixes.of([p, o]), p in PROVENANCE, vo, _NEW + vo, f"{_MORE}{terms(o)}")
        if not o.startswith('"'):
            read[tail] = found
        return found

    blocks = []
    for c in graph.members(_CLAIM):
        about = [read.get(tail) or row(tail) for tail in graph.tails(c)]
        # the claim's triples are sorted by predicate and object already, and each predicate's go to one graph
        assertion: list[str] = []
        provenance: list[str] = []
        node: dict[str, str] = {}
        quotes, cites = [], []
        last = ""
        for p, o, _, in_provenance, first, new, more in about:
            parts = provenance if in_provenance else assertion
            parts.append(more if p == last else new if parts else first)
            last = p
            node[p] = o
            if p == _QUOTE:
                quotes.append(o)
            elif p == _CITES:
                cites.append(o)
        claim = f"\t{terms(c)} "
        s, r, o = node[_SUBJECT], node[_RELATION], node[_OBJECT]
        cited = [(_QUOTED_FROM, node[_ASSERTED_IN]), (_DERIVED, c)]
        cited += [(_VALUE, q) for q in quotes]
        cited += [(_REFERENCES, ref) for ref in cites]
        seen = [c, *([_VALUE] if quotes else []), *([_REFERENCES] if cites else [])]
        names = always.union(prefixes.of(seen), *{x[2] for x in about})
        # a claim_id literal holds nothing to escape (records.CLAIM_ID): its text is its value in quotes
        claim_id = node[_CLAIM_ID][1:-1]
        text = (
            prefixes.header(names, np_iri(claim_id))
            + head
            + _graph("sub:assertion", [(c, claim + "".join(assertion)), (s, _block(s, [(r, o)], terms))])
            + _graph(
                "sub:provenance",
                [(c, claim + "".join(provenance)), (_ASSERTION, _block(_ASSERTION, sorted(cited), terms))],
            )
            + f"{pubinfo}{terms(c)} .\n}}\n"
        )
        blocks.append((claim_id, text.encode("utf-8")))  # each block's text freed once encoded
    blocks.sort()
    for i, (_, block) in enumerate(blocks):
        out.write(b"\n" + block if i else block)  # written block by block: no second copy of the whole file
