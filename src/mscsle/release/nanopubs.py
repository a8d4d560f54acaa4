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
"""

from __future__ import annotations

from typing import cast

import pyoxigraph as ox
from rdflib import Namespace
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from mscsle.model.prefixes import prefix_map
from mscsle.release.quad_graph import QuadGraph
from mscsle.release.serialize import OxSubject, OxTerm, written

NP = Namespace("http://www.nanopub.org/nschema#")
MSCSLE = prefix_map()["mscsle"]
NP_BASE = "https://w3id.org/mscsle/np/"
ONTOLOGY = ox.NamedNode("https://w3id.org/mscsle/mscsle.owl")
# the claim node's triples that say where the claim comes from, not what it says
PROVENANCE = frozenset(
    ox.NamedNode(MSCSLE + p)
    for p in ("quote", "asserted_in", "cites", "has_evidence_level", "has_evidence_type", "in_section")
)
GRAPHS = ("Head", "assertion", "provenance", "pubinfo")
_CLAIM, _CLAIM_ID = ox.NamedNode(MSCSLE + "Claim"), ox.NamedNode(MSCSLE + "claim_id")
_SUBJECT, _RELATION, _OBJECT = (ox.NamedNode(MSCSLE + p) for p in ("has_subject", "has_relation", "has_object"))
_ASSERTED_IN, _QUOTE, _CITES = (ox.NamedNode(MSCSLE + p) for p in ("asserted_in", "quote", "cites"))
_TYPE, _NANOPUB = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(NP.Nanopublication))
_HAS = tuple(ox.NamedNode(str(NP[p])) for p in ("hasAssertion", "hasProvenance", "hasPublicationInfo"))
_QUOTED_FROM, _VALUE, _DERIVED = (ox.NamedNode(str(PROV[p])) for p in ("wasQuotedFrom", "value", "wasDerivedFrom"))
_REFERENCES, _LICENSE, _CREATOR = (ox.NamedNode(str(DCTERMS[p])) for p in ("references", "license", "creator"))
_CREATED, _PART_OF, _DATETIME = (
    ox.NamedNode(str(DCTERMS.created)),
    ox.NamedNode(str(DCTERMS.isPartOf)),
    ox.NamedNode(str(XSD.dateTime)),
)
_S = {  # each constant term as N-Triples, once
    n: str(n)
    for n in (_TYPE, _NANOPUB, *_HAS, _QUOTED_FROM, _VALUE, _DERIVED, _REFERENCES, _LICENSE, _CREATOR, _CREATED)
    + (_PART_OF, ONTOLOGY)
}


def np_iri(claim_id: str) -> str:
    return f"{NP_BASE}{claim_id}/"


# Oxigraph writes all nanopublications in one TriG call. Each is handed over under the same stand-in IRIs, those of
# `sub:` itself (NP_BASE, its graphs under it), which the writer abbreviates `sub:`, `sub:Head`, ... in every block
# (no prefix lies under NP_BASE: tests/test_nanopubs.py); each block's own header binds `sub:` to its real IRI.
_SUB = ox.NamedNode(NP_BASE)
_HEAD, _ASSERTION, _PROVENANCE, _PUBINFO = (ox.NamedNode(NP_BASE + g) for g in GRAPHS)
_OPENS = "\nsub:Head {\n"  # how the writer opens each nanopublication (a literal never holds a raw line break)


class _Prefixes:
    """The prefixes a nanopublication's block declares: those whose namespace occurs in its N-Quads text (as
    `<namespace`, so in an IRI or a datatype), looked for once per distinct term; and `sub:`, its IRI."""

    def __init__(self, known: dict[str, str]):
        self.known = known
        self.needles = [(p, f"<{u}") for p, u in known.items()]
        self.found: dict[OxTerm, frozenset[str]] = {}
        self.headers: dict[frozenset[str], tuple[str, str]] = {}

    def of(self, term: OxTerm) -> frozenset[str]:
        names = self.found.get(term)
        if names is None:
            text = str(term)
            names = frozenset(p for p, needle in self.needles if needle in text) if "<" in text else frozenset()
            self.found[term] = names
        return names

    def header(self, names: frozenset[str], iri: str) -> str:
        """The `@prefix` lines, sorted by name (Oxigraph's own order varies), `sub:` bound to `iri`."""
        parts = self.headers.get(names)
        if parts is None:
            lines = {p: f"@prefix {p}: <{self.known[p]}> .\n" for p in names}
            parts = self.headers[names] = (
                "".join(lines[p] for p in sorted(names) if p < "sub"),
                "".join(lines[p] for p in sorted(names) if p > "sub"),
            )
        return f"{parts[0]}@prefix sub: <{iri}> .\n{parts[1]}"


def _in_order(subject: OxSubject, graph: ox.NamedNode, objects: dict[ox.NamedNode, list[OxTerm]]) -> list[ox.Quad]:
    """One subject's quads in N-Quads order: by predicate (given in that order), each predicate's objects as given."""
    return [ox.Quad(subject, p, o, graph) for p, os in objects.items() for o in os]


def nanopubs_trig(graph: QuadGraph, release: str) -> bytes:
    """All claims' nanopublications in claim_id order, as TriG: one block per nanopublication, each with its own
    prefixes (`sub:` its nanopub IRI, as nanopub tools write it), so any block can be cut out and read alone.

    Each graph's triples come in N-Quads order, as a writer of sorted N-Quads would give them: the claim node's
    from the build in that order (QuadGraph keeps it), the others placed among them by subject and predicate."""
    claims = sorted(  # claims are IRIs, minted under mscsle.claim
        (cast(ox.NamedNode, c) for c in graph.members(_CLAIM)),
        key=lambda c: cast(ox.Literal, graph.value(c, _CLAIM_ID)).value,
    )
    known = {**prefix_map(), "np": str(NP)}
    prefixes = _Prefixes(known)
    # the ontology's header states its licence and creator (ontology/mscsle.ttl)
    published: dict[ox.NamedNode, list[OxTerm]] = {
        _LICENSE: [cast(OxTerm, graph.value(ONTOLOGY, _LICENSE))],
        _CREATOR: [cast(OxTerm, graph.value(ONTOLOGY, _CREATOR))],
        _CREATED: [ox.Literal(f"{release}T00:00:00Z", datatype=_DATETIME)],
        _PART_OF: [ONTOLOGY],
    }
    has = {_HAS[0]: [_ASSERTION], _HAS[1]: [_PROVENANCE], _HAS[2]: [_PUBINFO], _TYPE: [_NANOPUB]}
    head = _in_order(_SUB, _HEAD, {p: has[p] for p in sorted(has, key=str)})
    pubinfo_order = sorted([*published, _DERIVED], key=str)
    about_order = sorted([_REFERENCES, _VALUE, _DERIVED, _QUOTED_FROM], key=str)
    # in every block: the prefixes of its own IRIs (all under NP_BASE) and of the terms every nanopublication has
    constant = [*has, _NANOPUB, *(t for p, os in published.items() for t in (p, *os)), _DERIVED, _QUOTED_FROM]
    always = frozenset(p for p, u in known.items() if NP_BASE.startswith(u)).union(*map(prefixes.of, constant))
    quads: list[ox.Quad] = []
    headers: list[str] = []
    for claim in claims:
        c = str(claim)
        said: list[ox.Quad] = []
        sourced: list[ox.Quad] = []
        node: dict[ox.NamedNode, OxTerm] = {}
        quotes: list[OxTerm] = []
        cites: list[OxTerm] = []
        names = always | prefixes.of(claim)
        for q in graph.about(claim):
            p, o = q.predicate, cast(OxTerm, q.object)
            names |= prefixes.of(p) | prefixes.of(o)
            if p in PROVENANCE:
                sourced.append(ox.Quad(claim, p, o, _PROVENANCE))
                if p == _QUOTE:
                    quotes.append(o)
                elif p == _CITES:
                    cites.append(o)
            else:
                said.append(ox.Quad(claim, p, o, _ASSERTION))
            node[p] = o
        iri = np_iri(cast(ox.Literal, node[_CLAIM_ID]).value)
        # the statement itself, before or after the claim node's triples as its subject sorts
        subject = cast(OxSubject, node[_SUBJECT])
        statement = ox.Quad(subject, cast(ox.NamedNode, node[_RELATION]), node[_OBJECT], _ASSERTION)
        # what the provenance says of the assertion (<np/assertion>), before or after the claim node's triples
        objects = {_REFERENCES: cites, _VALUE: quotes, _DERIVED: [claim], _QUOTED_FROM: [node[_ASSERTED_IN]]}
        about = _in_order(_ASSERTION, _PROVENANCE, {p: objects[p] for p in about_order})
        names |= prefixes.of(_VALUE) if quotes else frozenset()
        names |= prefixes.of(_REFERENCES) if cites else frozenset()
        quads += head
        quads += [statement, *said] if str(subject) < c else [*said, statement]
        quads += [*sourced, *about] if c < f"<{iri}assertion>" else [*about, *sourced]
        pubinfo = {**published, _DERIVED: [claim]}
        quads += _in_order(_SUB, _PUBINFO, {p: pubinfo[p] for p in pubinfo_order})
        headers.append(prefixes.header(names, iri))
    text = written(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes={**known, "sub": NP_BASE})).decode("utf-8")
    bodies = text.split(_OPENS)[1:]  # the writer's own header first: each block has its own
    return "\n".join(f"{h[:-1]}{_OPENS}{b.rstrip(chr(10))}\n" for h, b in zip(headers, bodies, strict=True)).encode()
