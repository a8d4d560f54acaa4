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

from mscsle.model.prefixes import prefix_map
from mscsle.release.quad_graph import QuadGraph
from mscsle.release.turtle_terms import TurtleTerms

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
Triples = list[tuple[str, str, str]]  # subject, predicate, object as N-Triples text


def np_iri(claim_id: str) -> str:
    return f"{NP_BASE}{claim_id}/"


class _Prefixes:
    """The prefixes a nanopublication's block declares: those whose namespace occurs in its N-Quads text (as
    `<namespace`, so in an IRI or a datatype), looked for once per distinct term; `sub:` bound to its IRI."""

    def __init__(self, known: dict[str, str]):
        self.known = known
        self.needles = [(p, f"<{u}") for p, u in known.items()]
        self.found: dict[str, frozenset[str]] = {}
        self.headers: dict[frozenset[str], tuple[str, str]] = {}

    def of(self, terms: list[str]) -> frozenset[str]:
        """The prefixes whose namespace occurs in any of the terms."""
        found, names = self.found, []
        for term in terms:
            hit = found.get(term)
            if hit is None:
                hit = found[term] = frozenset(p for p, n in self.needles if n in term) if "<" in term else frozenset()
            names.append(hit)
        return frozenset().union(*names)

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
_NP, _ASSERTION, _PROVENANCE, _PUBINFO = (f"<{NP_BASE}{g}>" for g in ("", *GRAPHS[1:]))


def _graph(name: str, triples: Triples, terms: TurtleTerms) -> str:
    """One named graph as Oxigraph's TriG writer lays out sorted triples: a line per subject, then `;` and a line
    per further predicate, `,` before each further object."""
    forms, form, verbs, verb = terms.forms, terms, terms.verbs, terms.predicate
    out = [f"{name} {{\n"]
    last_s = last_p = ""
    for s, p, o in triples:
        fo = forms.get(o) or form(o)
        if s != last_s:
            out.append(f"{' .' + chr(10) if last_s else ''}\t{forms.get(s) or form(s)} {verbs.get(p) or verb(p)} {fo}")
        elif p != last_p:
            out.append(f" ;\n\t\t{verbs.get(p) or verb(p)} {fo}")
        else:
            out.append(f" , {fo}")
        last_s, last_p = s, p
    out.append(" .\n}\n")
    return "".join(out)


def nanopubs_trig(graph: QuadGraph, release: str) -> bytes:
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
        "sub:Head",
        sorted(
            [(_NP, _HAS[0], _ASSERTION), (_NP, _HAS[1], _PROVENANCE), (_NP, _HAS[2], _PUBINFO), (_NP, _TYPE, _NANOPUB)]
        ),
        terms,
    )
    published = [
        (_NP, _LICENSE, licence),
        (_NP, _CREATOR, creator),
        (_NP, _CREATED, created),
        (_NP, _PART_OF, ONTOLOGY),
    ]
    # in every block: the prefixes of its own IRIs (all under NP_BASE; none lies deeper: tests/test_nanopubs.py) and
    # of the terms every nanopublication has
    always = frozenset(p for p, u in known.items() if NP_BASE.startswith(u)) | prefixes.of(
        [*(t for triple in published for t in triple[1:]), *_HAS, _TYPE, _NANOPUB, _DERIVED, _QUOTED_FROM]
    )
    blocks = []
    for c in graph.members(_CLAIM):
        assertion: Triples = []
        provenance: Triples = []
        node: dict[str, str] = {}
        quotes, cites, seen = [], [], [c]
        for p, o in graph.about(c):
            (provenance if p in PROVENANCE else assertion).append((c, p, o))
            node[p] = o
            seen += (p, o)
            if p == _QUOTE:
                quotes.append(o)
            elif p == _CITES:
                cites.append(o)
        assertion.append((node[_SUBJECT], node[_RELATION], node[_OBJECT]))
        provenance += [
            (_ASSERTION, _QUOTED_FROM, node[_ASSERTED_IN]),
            *((_ASSERTION, _VALUE, quote) for quote in quotes),
            (_ASSERTION, _DERIVED, c),
            *((_ASSERTION, _REFERENCES, ref) for ref in cites),
        ]
        seen += [_VALUE] if quotes else []
        seen += [_REFERENCES] if cites else []
        # a claim_id literal holds nothing to escape (records.CLAIM_ID): its text is its value in quotes
        claim_id = node[_CLAIM_ID][1:-1]
        text = (
            prefixes.header(always | prefixes.of(seen), np_iri(claim_id))
            + head
            + _graph("sub:assertion", sorted(assertion), terms)
            + _graph("sub:provenance", sorted(provenance), terms)
            + _graph("sub:pubinfo", sorted([*published, (_NP, _DERIVED, c)]), terms)
        )
        blocks.append((claim_id, text))
    return "\n".join(text for _, text in sorted(blocks)).encode("utf-8")
