"""Records + ontology -> one RDF graph: entities as individuals, every claim as a first-class node.

Terms are made once per distinct IRI (claims share entities, relations and controlled values), which keeps a
graph of a million triples smaller and faster to fill.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

from mscsle.curation.records import Claim, Entity, Records
from mscsle.model.claim import (
    DERIVED,
    ECO_NON_TRACEABLE_AUTHOR_STATEMENT,
    ECO_TRACEABLE_AUTHOR_STATEMENT,
    FIELDS,
)
from mscsle.model.triples import Triple
from mscsle.model.vocab import CLAIM, ENTITY, EXACT_SYNONYM, IAO_DEFINITION, MSCSLE, REF, Vocab
from mscsle.release.ancestry import Ancestry
from mscsle.release.named_graphs import nt_term
from mscsle.release.plain_view import DEFAULT, view_lines, view_triples
from mscsle.release.references import reference_triples

_T = TypeVar("_T")  # how a claim's triples come: as triples, or as their N-Triples lines
SCOPE_NOTE = URIRef("http://www.w3.org/2004/02/skos/core#scopeNote")
_ENTITY_ID = MSCSLE.entity_id


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


def entity_triples(e: Entity, iri: URIRef | None = None, source_label: str | None = None) -> Iterator[Triple]:
    """An entity under its one IRI. An external term keeps its source's label and definition: the review's name
    is then an exact synonym, and the curator's definition a scope note (how the review uses the term)."""
    s = iri if iri is not None else ENTITY[e.id]
    yield s, RDF.type, OWL.NamedIndividual
    yield s, RDF.type, MSCSLE[e.kind]
    yield s, _ENTITY_ID, Literal(e.id)
    if source_label is None:
        yield s, RDFS.label, Literal(e.label, lang="en")
        yield s, IAO_DEFINITION, Literal(e.definition, lang="en")
    else:
        yield s, RDFS.label, Literal(source_label, lang="en")
        yield s, SCOPE_NOTE, Literal(e.definition, lang="en")
    for syn in e.synonyms if source_label is None else (e.label, *e.synonyms):
        if source_label is None or syn.casefold() != source_label.casefold():  # not the label, in any case
            yield s, EXACT_SYNONYM, Literal(syn, lang="en")


def claim_label(c: Claim, entities: dict[str, Entity], relation_labels: dict[str, str]) -> str:
    """A readable label that is unique: subject, relation, object, the species and the claim's id."""
    species = f" ({', '.join(c.species)})" if c.species else ""
    return f"{entities[c.subject].label} – {relation_labels[c.relation]} – {entities[c.object].label}{species} [{c.id}]"


_TYPE, _LABEL, _INDIVIDUAL = RDF.type, RDFS.label, OWL.NamedIndividual  # attribute look-ups hoisted: millions of uses
_CLAIM = MSCSLE.Claim
# How a claim is supported (ECO): a traceable author statement if it cites, else a non-traceable one.
_CITED, _OWN = ECO_TRACEABLE_AUTHOR_STATEMENT, ECO_NON_TRACEABLE_AUTHOR_STATEMENT
_DERIVED = {d.name: d.property for d in DERIVED}
_ASSERTED_IN, _EVIDENCE_TYPE = _DERIVED["asserted_in"], _DERIVED["evidence_type"]


def _section(name: str) -> URIRef:
    return _term(f"section_{name}")


_NODE: dict[str | None, Callable[[Any], Node]] = {  # a field's value -> its RDF node, by where the value comes from
    None: _text,
    "references": _ref,
    "sections": _section,
    "relations": _term,
    "claims": lambda cid: CLAIM[cid],
}
_ENTITY_VALUES = ("entities", "cells")  # values that are entities: their one IRI comes from the term model
# Per field of the claim model: its name, RDF property, where its values come from, the Vocab attribute that maps a
# controlled value to its IRI, and whether it holds a list.
_NOT_IRIS = ("relations", "sections")  # Vocab attributes that are not a value -> IRI map
_FIELDS = tuple((f.name, f.property, f.values, f.vocab if f.vocab not in _NOT_IRIS else None, f.multi) for f in FIELDS)


def _node(vocab: Vocab, iris: Mapping[str, URIRef], values: str | None, controlled: str | None, v: Any) -> Node:
    """A field's value as its RDF node: a controlled value's IRI, an entity's one IRI, a reference, section or
    relation IRI, or a literal."""
    if controlled is not None:
        return getattr(vocab, controlled)[v]
    return iris[v] if values in _ENTITY_VALUES else _NODE[values](v)


def claim_triples(c: Claim, vocab: Vocab, label: str, iris: Mapping[str, URIRef]) -> Iterator[Triple]:
    """The claim node with one triple per value of each model field and the derived ones (its plain triple, if it
    has one in the default view, comes from release/plain_view.py)."""
    s = CLAIM[c.id]
    yield s, _TYPE, _INDIVIDUAL
    yield s, _TYPE, _CLAIM
    yield s, _LABEL, Literal(label, lang="en")
    yield s, _ASSERTED_IN, vocab.review
    yield s, _EVIDENCE_TYPE, _CITED if c.references else _OWN
    for d in c.design:  # the experimental ECO type of each design that has one
        if d in vocab.design_evidence:
            yield s, _EVIDENCE_TYPE, vocab.design_evidence[d]
    for name, prop, values, controlled, multi in _FIELDS:
        value = getattr(c, name)
        if multi:
            for v in value:
                yield s, prop, _node(vocab, iris, values, controlled, v)
        elif value:
            yield s, prop, _node(vocab, iris, values, controlled, value)


class ClaimLines:
    """claim_triples as N-Triples lines, in the same order, one claim's lines in one piece of text (joined by
    newlines: the build splits them): what the build files for 100k claims without making an rdflib term per value
    or handing on a million lines one by one. A value that is an IRI is written once per distinct value, from the node
    claim_triples makes of it; a text literal and the label by Oxigraph. tests/test_properties.py proves the lines
    are those of claim_triples, on the review's records and on random ones."""

    def __init__(self, vocab: Vocab, iris: Mapping[str, URIRef]):
        self.vocab, self.iris = vocab, iris
        # per field: its name, property (as N-Triples), value source, vocabulary, whether a list, and each value's
        # N-Triples term as written so far (text literals are not kept: they are mostly distinct)
        self._fields: list[tuple[str, str, str | None, str | None, bool, dict[Any, str]]] = [
            (name, nt_term(prop), values, controlled, multi, {}) for name, prop, values, controlled, multi in _FIELDS
        ]
        self._design: dict[Any, str] = {}
        self._type = f"{nt_term(_TYPE)} {nt_term(_INDIVIDUAL)} .", f"{nt_term(_TYPE)} {nt_term(_CLAIM)} ."
        self._label = nt_term(_LABEL)
        self._asserted = f"{nt_term(_ASSERTED_IN)} {nt_term(vocab.review)} ."
        self._evidence = nt_term(_EVIDENCE_TYPE)
        self._cited, self._own = (f"{self._evidence} {nt_term(e)} ." for e in (_CITED, _OWN))

    def _term(self, written: dict[Any, str], values: str | None, controlled: str | None, v: Any) -> str:
        if values is None and type(v) is str:
            return str(ox.Literal(v))
        term = written[v] = nt_term(_node(self.vocab, self.iris, values, controlled, v))
        return term

    def lines(self, c: Claim, label: str) -> bytes:
        """The claim's lines, UTF-8, joined by newlines."""
        out = [self._type[0], self._type[1], f"{self._label} {ox.Literal(label, language='en')} .", self._asserted]
        out.append(self._cited if c.references else self._own)
        design = self._design
        for d in c.design:
            if d in self.vocab.design_evidence:
                term = design.get(d) or self._term(design, "designs", "design_evidence", d)
                out.append(f"{self._evidence} {term} .")
        for name, prop, values, controlled, multi, written in self._fields:
            value = getattr(c, name)
            if multi:
                for v in value:
                    out.append(f"{prop} {written.get(v) or self._term(written, values, controlled, v)} .")
            elif value:
                out.append(f"{prop} {written.get(value) or self._term(written, values, controlled, value)} .")
        s = f"<{CLAIM}{c.id}> "  # the subject of every line
        return (s + f"\n{s}".join(out)).encode()


@dataclass(frozen=True)
class Terms:
    """How entities and references are described: each entity's IRI, the source label of those that are external
    terms, the verified bibliographic fields of each reference, and the verified source ancestors of external terms."""

    iris: Mapping[str, URIRef]
    source_labels: Mapping[URIRef, str]
    bibliography: Mapping[int, dict[str, str]] = field(default_factory=dict)  # reference number -> verified fields
    superclasses: Ancestry = field(default_factory=Ancestry)  # verified chains of source ancestors

    @classmethod
    def own(cls, records: Records) -> Terms:
        """Every entity under its project IRI (no mapping table), references without bibliographic data."""
        return cls({e: ENTITY[e] for e in records.entities}, {})


def data_triples(records: Records, vocab: Vocab, ontology: Graph, terms: Terms | None = None) -> Iterator[Triple]:
    """Everything the build adds to the ontology: entities, references, claims and the default plain triples."""
    terms = terms or Terms.own(records)
    yield from _data(
        records, vocab, ontology, terms, lambda c, label: claim_triples(c, vocab, label, terms.iris), view_triples
    )


def data_lines(records: Records, vocab: Vocab, ontology: Graph, terms: Terms) -> Iterator[Triple | bytes]:
    """data_triples as the build files them: the claims' triples (most of them) and the plain triples as N-Triples
    lines already."""
    lines = ClaimLines(vocab, terms.iris).lines
    yield from _data(records, vocab, ontology, terms, lambda c, label: (lines(c, label),), view_lines)


def _data(
    records: Records,
    vocab: Vocab,
    ontology: Graph,
    terms: Terms,
    claim: Callable[[Claim, str], Iterable[_T]],
    view: Callable[[Iterable[Claim], Mapping[str, URIRef], str], Iterable[_T]],
) -> Iterator[Triple | _T]:
    relation_labels = {r: str(ontology.value(MSCSLE[r], RDFS.label)) for r in vocab.relations}
    for e in records.entities.values():
        iri = terms.iris[e.id]
        yield from entity_triples(e, iri, terms.source_labels.get(iri))
    yield from reference_triples(vocab.review, vocab.reference_count, dict(terms.bibliography))
    for c in records.claims:
        yield from claim(c, claim_label(c, records.entities, relation_labels))
    yield from view(records.claims, terms.iris, DEFAULT)  # the honest plain triples, annotated


def merged_triples(
    ontology: Graph, records: Records, vocab: Vocab, release: str, terms: Terms | None = None
) -> list[Triple]:
    """The ontology (as given: the build passes it with canonical blank nodes), its version stamp, and the data."""
    header = ontology_iri(ontology)
    released = (t for t in ontology if not (t[0] == header and t[1] == RDFS.comment))  # editors' note: not released
    return [*released, *version_triples(ontology, release), *data_triples(records, vocab, ontology, terms)]


def to_graph(triples: Iterable[Triple], ontology: Graph) -> Graph:
    """An rdflib graph of the triples, bound to the ontology's prefixes."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in ontology.namespaces():
        g.bind(prefix, ns)
    g.addN((s, p, o, g) for s, p, o in triples)
    return g


def merged_graph(ontology: Graph, records: Records, vocab: Vocab, release: str, terms: Terms | None = None) -> Graph:
    return to_graph(merged_triples(ontology, records, vocab, release, terms), ontology)
