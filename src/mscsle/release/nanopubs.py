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
from mscsle.release.serialize import written

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


Triples = list[tuple[str, str, str]]  # subject, predicate, object as N-Triples terms (str() of a pyoxigraph term)


def _lines(triples: Triples, graph: str) -> list[str]:
    """The triples in one named graph as N-Quads lines (without the final dot), sorted and without duplicates (so
    the order never depends on hashing)."""
    name = f"<{graph}>"
    return sorted({f"{s} {p} {o} {name}" for s, p, o in triples})


def nanopub_lines(graph: QuadGraph, claim: ox.NamedNode, release: str) -> tuple[list[str], str]:
    """The four graphs of one claim's nanopublication as N-Quads lines, Head first, each sorted; and the text of
    its terms that hold a "<" (IRIs, typed literals), where a used prefix shows.

    Written as text, not as pyoxigraph quads: making a quad object from Python costs more than its line."""
    claim_id = cast(ox.Literal, graph.value(claim, _CLAIM_ID)).value
    base = np_iri(claim_id)
    np, assertion_iri, provenance_iri, pubinfo_iri = (f"<{base}{g}>" for g in ("", *GRAPHS[1:]))
    c = str(claim)
    head: Triples = [
        (np, _S[_TYPE], _S[_NANOPUB]),
        (np, _S[_HAS[0]], assertion_iri),
        (np, _S[_HAS[1]], provenance_iri),
        (np, _S[_HAS[2]], pubinfo_iri),
    ]
    assertion: Triples = []
    provenance: Triples = []
    node: dict[ox.NamedNode, str] = {}
    for q in graph.about(claim):
        p, o = q.predicate, str(q.object)
        (provenance if p in PROVENANCE else assertion).append((c, str(p), o))
        node[p] = o
    assertion.append((node[_SUBJECT], node[_RELATION], node[_OBJECT]))
    provenance += [
        (assertion_iri, _S[_QUOTED_FROM], node[_ASSERTED_IN]),
        *((assertion_iri, _S[_VALUE], str(quote)) for quote in graph.objects(claim, _QUOTE)),
        (assertion_iri, _S[_DERIVED], c),
        *((assertion_iri, _S[_REFERENCES], str(ref)) for ref in graph.objects(claim, _CITES)),
    ]
    # the ontology's header states its licence and creator (ontology/mscsle.ttl)
    pubinfo: Triples = [
        (np, _S[_LICENSE], str(graph.value(ONTOLOGY, _LICENSE))),
        (np, _S[_CREATOR], str(graph.value(ONTOLOGY, _CREATOR))),
        (np, _S[_CREATED], str(ox.Literal(f"{release}T00:00:00Z", datatype=_DATETIME))),
        (np, _S[_PART_OF], _S[ONTOLOGY]),
        (np, _S[_DERIVED], c),
    ]
    graphs = (head, assertion, provenance, pubinfo)
    lines = [line for g, name in zip(graphs, GRAPHS, strict=True) for line in _lines(g, base + name)]
    # the terms in which an IRI can start ("<"): what the used prefixes are looked for in (literals rarely hold one)
    probe = {term for g in graphs for triple in g for term in triple if "<" in term}
    return lines, " ".join(probe)


def nanopubs_trig(graph: QuadGraph, release: str) -> bytes:
    """All claims' nanopublications in claim_id order, as TriG: one block per nanopublication, each with its own
    prefixes (`sub:` its nanopub IRI, as nanopub tools write it), so any block can be cut out and read alone."""
    claims = sorted(  # claims are IRIs, minted under mscsle.claim
        (cast(ox.NamedNode, c) for c in graph.members(_CLAIM)),
        key=lambda c: cast(ox.Literal, graph.value(c, _CLAIM_ID)).value,
    )
    known = [(p, u, f"<{u}") for p, u in {**prefix_map(), "np": str(NP)}.items()]
    blocks = []
    for claim in claims:
        lines, probe = nanopub_lines(graph, claim, release)
        prefixes = {p: u for p, u, needle in known if needle in probe}  # as if searched in the N-Quads text
        quads = list(ox.parse((" .\n".join(lines) + " .\n").encode("utf-8"), format=ox.RdfFormat.N_QUADS))
        prefixes["sub"] = cast(ox.NamedNode, quads[0].subject).value  # the nanopub IRI, first in Head
        body = written(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)).decode("utf-8").split("\n")
        header = [f"@prefix {p}: <{u}> ." for p, u in sorted(prefixes.items())]  # Oxigraph's own order varies
        blocks.append("\n".join([*header, *(line for line in body if not line.startswith("@prefix "))]))
    return "\n".join(blocks).encode("utf-8")
