"""The plain-triple view: which claims give a plain triple `subject relation object`, in which view, annotated
with the claims behind it.

A claim is read as a plain triple so that SPARQL users and reasoners see ordinary data; the triple must then not
say more than the review. Only a claim the review states (certainty `stated`) about more than mice alone gives a
triple of the default view, the one every single-graph artifact and triplestore default graph holds. The triple of
a hedged or speculative claim goes to the `hedged-triples` view, that of a stated claim seen in mice only to
`mouse-only-triples`: both are shipped apart (dist/mscsle-opt-in.nq, .trig), for a user to add on purpose.

Every plain triple carries the claims behind it as an OWL axiom annotation (an owl:Axiom node naming the triple by
owl:annotatedSource / owl:annotatedProperty / owl:annotatedTarget, with one `mscsle:supported_by` per claim), the
form Protégé, the OWL API, Oxigraph and rdflib all read. The node is a blank node labelled by a hash of its own
triples (as serialize.canonical labels such nodes), so the artifacts stay byte-identical from build to build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping

from rdflib import OWL, RDF, BNode, URIRef

from mscsle.curation.records import Claim
from mscsle.model.triples import Triple
from mscsle.model.vocab import CLAIM, MSCSLE

DEFAULT = "default"  # the view of the release's own graphs (filed in the data graph)
HEDGED = "hedged-triples"  # named graph https://w3id.org/mscsle/graph/hedged-triples
MOUSE_ONLY = "mouse-only-triples"  # named graph https://w3id.org/mscsle/graph/mouse-only-triples
OPT_IN = (HEDGED, MOUSE_ONLY)
SUPPORTED_BY = MSCSLE.supported_by
_TYPE, _AXIOM, _SOURCE, _PROPERTY, _TARGET = (
    RDF.type,
    OWL.Axiom,
    OWL.annotatedSource,
    OWL.annotatedProperty,
    OWL.annotatedTarget,
)


def species_of(c: Claim) -> frozenset[str]:
    """The species a claim names (none when it states none)."""
    value = c.species
    names = (value,) if isinstance(value, str) else tuple(value)
    return frozenset(n for n in names if n != "species_not_stated")


def view_of(c: Claim) -> str:
    """Where the claim's plain triple goes: hedged or speculative claims first, then stated ones seen in mice only."""
    if c.certainty != "stated":
        return HEDGED
    if species_of(c) == {"mouse"}:
        return MOUSE_ONLY
    return DEFAULT


def _annotated(
    claims: Iterable[Claim], iris: Mapping[str, URIRef], view: str
) -> Iterator[tuple[tuple[URIRef, URIRef, URIRef], str, list[tuple[URIRef, URIRef]]]]:
    """Each plain triple of the claims that fall in `view`, the label of its axiom's blank node, and what the axiom
    says (predicate, object)."""
    behind: dict[tuple[URIRef, URIRef, URIRef], list[str]] = {}
    relations: dict[str, URIRef] = {}
    for c in claims:
        if view_of(c) == view:
            p = relations.get(c.relation) or relations.setdefault(c.relation, MSCSLE[c.relation])
            behind.setdefault((iris[c.subject], p, iris[c.object]), []).append(c.id)
    for (s, p, o), ids in behind.items():
        about = [(_TYPE, _AXIOM), (_SOURCE, s), (_PROPERTY, p), (_TARGET, o)]
        about += [(SUPPORTED_BY, CLAIM[cid]) for cid in ids]
        # labelled as serialize.canonical labels a blank node that nothing points to: by a hash of its own triples
        # (each term an IRI: its N-Triples form is the IRI in angle brackets)
        lines = "\n".join(sorted(f"<{q}> <{v}>" for q, v in about))
        yield (s, p, o), "h" + hashlib.sha256(lines.encode("utf-8")).hexdigest()[:32], about


def view_triples(claims: Iterable[Claim], iris: Mapping[str, URIRef], view: str) -> Iterator[Triple]:
    """The plain triples of the claims that fall in `view`, each with its annotated axiom."""
    for triple, label, about in _annotated(claims, iris, view):
        yield triple
        node = BNode(label)
        for q, v in about:
            yield node, q, v


def view_lines(claims: Iterable[Claim], iris: Mapping[str, URIRef], view: str) -> Iterator[bytes]:
    """view_triples as the build files them: each plain triple's N-Triples line and its axiom's in one piece (UTF-8,
    joined by newlines, in the same order), written from the IRIs and the blank node's label."""
    for (s, p, o), label, about in _annotated(claims, iris, view):
        yield "\n".join([f"<{s}> <{p}> <{o}> .", *(f"_:{label} <{q}> <{v}> ." for q, v in about)]).encode()


def view_counts(claims: Iterable[Claim]) -> list[tuple[str, int, int]]:
    """(view, claims, distinct plain triples) for each view, the default first: what `mscsle stats` reports."""
    found: dict[str, tuple[set[str], set[tuple[str, str, str]]]] = {v: (set(), set()) for v in (DEFAULT, *OPT_IN)}
    for c in claims:
        ids, triples = found[view_of(c)]
        ids.add(c.id)
        triples.add((c.subject, c.relation, c.object))
    return [(view, len(ids), len(triples)) for view, (ids, triples) in found.items()]
