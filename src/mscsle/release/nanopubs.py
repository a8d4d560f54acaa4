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
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD
from rdflib.term import Node

from mscsle.model.prefixes import prefix_map
from mscsle.release.serialize import OxSubject, oxigraph_term, written

NP = Namespace("http://www.nanopub.org/nschema#")
MSCSLE = Namespace(prefix_map()["mscsle"])
NP_BASE = "https://w3id.org/mscsle/np/"
ONTOLOGY = URIRef("https://w3id.org/mscsle/mscsle.owl")
# the claim node's triples that say where the claim comes from, not what it says
PROVENANCE = frozenset(
    MSCSLE[p] for p in ("quote", "asserted_in", "cites", "has_evidence_level", "has_evidence_type", "in_section")
)
GRAPHS = ("Head", "assertion", "provenance", "pubinfo")


def np_iri(claim_id: str) -> str:
    return f"{NP_BASE}{claim_id}/"


Triples = list[tuple[Node, Node, Node]]


def _quads(triples: Triples, graph: str) -> list[ox.Quad]:
    """The triples in one named graph, sorted as N-Triples lines sort (so the order never depends on hashing)."""
    name = ox.NamedNode(graph)
    quads: dict[str, ox.Quad] = {}
    for s, p, o in triples:  # an IRI or blank node as subject, an IRI as predicate, as in any rdflib triple
        q = ox.Quad(cast(OxSubject, oxigraph_term(s)), cast(ox.NamedNode, oxigraph_term(p)), oxigraph_term(o), name)
        quads[str(q)] = q
    return [quads[k] for k in sorted(quads)]


def nanopub_quads(graph: Graph, claim: URIRef, release: str) -> list[ox.Quad]:
    """The four graphs of one claim's nanopublication, Head first, each sorted."""
    claim_id = str(graph.value(claim, MSCSLE.claim_id))
    base = np_iri(claim_id)
    np, assertion_iri, provenance_iri, pubinfo_iri = URIRef(base), *(URIRef(base + g) for g in GRAPHS[1:])
    head: Triples = [
        (np, RDF.type, NP.Nanopublication),
        (np, NP.hasAssertion, assertion_iri),
        (np, NP.hasProvenance, provenance_iri),
        (np, NP.hasPublicationInfo, pubinfo_iri),
    ]
    assertion: Triples = []
    provenance: Triples = []
    for p, o in graph.predicate_objects(claim):
        (provenance if p in PROVENANCE else assertion).append((claim, p, o))
    node = {p: o for _, p, o in assertion + provenance}
    assertion.append((node[MSCSLE.has_subject], node[MSCSLE.has_relation], node[MSCSLE.has_object]))
    provenance += [
        (assertion_iri, PROV.wasQuotedFrom, node[MSCSLE.asserted_in]),
        *((assertion_iri, PROV.value, quote) for quote in graph.objects(claim, MSCSLE.quote)),
        (assertion_iri, PROV.wasDerivedFrom, claim),
        *((assertion_iri, DCTERMS.references, ref) for ref in graph.objects(claim, MSCSLE.cites)),
    ]
    # the ontology's header states its licence and creator (ontology/mscsle.ttl)
    pubinfo: Triples = [
        (np, DCTERMS.license, cast(Node, graph.value(ONTOLOGY, DCTERMS.license))),
        (np, DCTERMS.creator, cast(Node, graph.value(ONTOLOGY, DCTERMS.creator))),
        (np, DCTERMS.created, Literal(f"{release}T00:00:00Z", datatype=XSD.dateTime, normalize=False)),
        (np, DCTERMS.isPartOf, ONTOLOGY),
        (np, PROV.wasDerivedFrom, claim),
    ]
    return [
        q
        for g, name in zip((head, assertion, provenance, pubinfo), GRAPHS, strict=True)
        for q in _quads(g, base + name)
    ]


def nanopubs_trig(graph: Graph, release: str) -> bytes:
    """All claims' nanopublications in claim_id order, as TriG: one block per nanopublication, each with its own
    prefixes (`sub:` its nanopub IRI, as nanopub tools write it), so any block can be cut out and read alone."""
    claims = sorted(  # claims are IRIs, minted under mscsle.claim
        (cast(URIRef, c) for c in graph.subjects(RDF.type, MSCSLE.Claim)),
        key=lambda c: str(graph.value(c, MSCSLE.claim_id)),
    )
    blocks = []
    for claim in claims:
        quads = nanopub_quads(graph, claim, release)
        used = written(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
        prefixes = {p: u for p, u in {**prefix_map(), "np": str(NP)}.items() if f"<{u}".encode() in used}
        prefixes["sub"] = cast(ox.NamedNode, quads[0].subject).value  # the nanopub IRI, first in Head
        body = written(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)).decode("utf-8").split("\n")
        header = [f"@prefix {p}: <{u}> ." for p, u in sorted(prefixes.items())]  # Oxigraph's own order varies
        blocks.append("\n".join([*header, *(line for line in body if not line.startswith("@prefix "))]))
    return "\n".join(blocks).encode("utf-8")
