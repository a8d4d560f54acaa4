"""Records + ontology -> one RDF graph: entities as individuals, every claim as a first-class node.

Terms are made once per distinct IRI (claims share entities, relations and controlled values), which keeps a
graph of a million triples smaller and faster to fill.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from mscsle.curation.records import Claim, Entity, Records
from mscsle.model.claim import DERIVED, FIELDS
from mscsle.model.triples import Triple
from mscsle.model.vocab import CLAIM, ENTITY, EXACT_SYNONYM, IAO_DEFINITION, MSCSLE, REF, Vocab


@cache
def _entity(eid: str) -> URIRef:
    return ENTITY[eid]


@cache
def _term(local: str) -> URIRef:
    return MSCSLE[local]


@cache
def _ref(n: int) -> URIRef:
    return REF[str(n)]


@cache
def _text(value: str) -> Literal:
    return Literal(value)


def ontology_iri(g: Graph) -> URIRef:
    iri = g.value(predicate=RDF.type, object=OWL.Ontology)
    if not isinstance(iri, URIRef):
        raise ValueError("ontology/mscsle.ttl: no owl:Ontology header")
    return iri


def version_triples(ontology: Graph, release: str) -> Iterator[Triple]:
    """versionIRI and versionInfo, stamped by the build (never by hand)."""
    iri = ontology_iri(ontology)
    yield iri, OWL.versionIRI, URIRef(f"{MSCSLE}releases/{release}/mscsle.owl")
    yield iri, OWL.versionInfo, Literal(release)


def entity_triples(e: Entity) -> Iterator[Triple]:
    s = _entity(e.id)
    yield s, RDF.type, OWL.NamedIndividual
    yield s, RDF.type, MSCSLE[e.kind]
    yield s, RDFS.label, Literal(e.label, lang="en")
    yield s, IAO_DEFINITION, Literal(e.definition, lang="en")
    for syn in e.synonyms:
        yield s, EXACT_SYNONYM, Literal(syn, lang="en")


def reference_triples(vocab: Vocab) -> Iterator[Triple]:
    for n in range(1, vocab.reference_count + 1):
        r = REF[str(n)]
        yield r, RDF.type, OWL.NamedIndividual
        yield r, RDF.type, MSCSLE.Reference
        yield r, RDFS.label, Literal(f"reference [{n}] of Zhu & Feng 2018", lang="en")
        yield r, MSCSLE.reference_number, Literal(n, datatype=XSD.integer)
        yield r, MSCSLE.cited_by, vocab.review


def claim_label(c: Claim, entities: dict[str, Entity], relation_labels: dict[str, str]) -> str:
    return f"{entities[c.subject].label} {relation_labels[c.relation]} {entities[c.object].label}"


_TYPE, _LABEL, _INDIVIDUAL = RDF.type, RDFS.label, OWL.NamedIndividual  # attribute look-ups hoisted: millions of uses
_CLAIM, _CITED, _OWN = MSCSLE.Claim, MSCSLE.cited_statement, MSCSLE.review_own_statement
_DERIVED = {d.name: d.property for d in DERIVED}
_ASSERTED_IN, _EVIDENCE_TYPE = _DERIVED["asserted_in"], _DERIVED["evidence_type"]


def _section(name: str) -> URIRef:
    return _term(f"section_{name}")


_NODE: dict[str | None, Callable[[Any], Node]] = {  # a field's value -> its RDF node, by where the value comes from
    None: _text,
    "entities": _entity,
    "cells": _entity,
    "references": _ref,
    "sections": _section,
    **{source: _term for source in ("relations", "species", "conditions", "certainties", "evidence_levels")},
}
# Per field of the claim model: its name, RDF property, value -> node, and whether it holds a list.
_FIELDS = tuple((f.name, f.property, _NODE[f.values], f.multi) for f in FIELDS)


def claim_triples(c: Claim, vocab: Vocab, label: str) -> Iterator[Triple]:
    """The claim node with one triple per value of each model field, the derived ones, and the plain triple."""
    s = CLAIM[c.id]
    yield _entity(c.subject), _term(c.relation), _entity(c.object)  # the claim read as a plain triple
    yield s, _TYPE, _INDIVIDUAL
    yield s, _TYPE, _CLAIM
    yield s, _LABEL, Literal(label, lang="en")
    yield s, _ASSERTED_IN, vocab.review
    yield s, _EVIDENCE_TYPE, _CITED if c.references else _OWN
    for name, prop, node, multi in _FIELDS:
        value = getattr(c, name)
        if multi:
            for v in value:
                yield s, prop, node(v)
        elif value:
            yield s, prop, node(value)


def data_triples(records: Records, vocab: Vocab, ontology: Graph) -> Iterator[Triple]:
    """Everything the build adds to the ontology: entities, references and claims."""
    relation_labels = {r: str(ontology.value(MSCSLE[r], RDFS.label)) for r in vocab.relations}
    for e in records.entities.values():
        yield from entity_triples(e)
    yield from reference_triples(vocab)
    for rel in sorted({c.relation for c in records.claims}):
        yield MSCSLE[rel], RDF.type, OWL.NamedIndividual  # punned: the value of has_relation
    for c in records.claims:
        yield from claim_triples(c, vocab, claim_label(c, records.entities, relation_labels))


def merged_triples(ontology: Graph, records: Records, vocab: Vocab, release: str) -> list[Triple]:
    """The ontology (as given: the build passes it with canonical blank nodes), its version stamp, and the data."""
    return [*ontology, *version_triples(ontology, release), *data_triples(records, vocab, ontology)]


def to_graph(triples: Iterable[Triple], ontology: Graph) -> Graph:
    """An rdflib graph of the triples, bound to the ontology's prefixes."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in ontology.namespaces():
        g.bind(prefix, ns)
    g.addN((s, p, o, g) for s, p, o in triples)
    return g


def merged_graph(ontology: Graph, records: Records, vocab: Vocab, release: str) -> Graph:
    return to_graph(merged_triples(ontology, records, vocab, release), ontology)
