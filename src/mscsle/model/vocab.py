"""The controlled vocabularies, read from the ontology so that they are typed in one place only."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

MSCSLE = Namespace("https://w3id.org/mscsle/")
ENTITY = Namespace("https://w3id.org/mscsle/entity/")
CLAIM = Namespace("https://w3id.org/mscsle/claim/")
REF = Namespace("https://w3id.org/mscsle/reference/")
IAO_DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
EXACT_SYNONYM = URIRef("http://www.geneontology.org/formats/oboInOwl#hasExactSynonym")


def _local(iri: URIRef) -> str:
    return str(iri)[len(str(MSCSLE)) :]


@dataclass(frozen=True)
class Vocab:
    """Names (local parts of mscsle: IRIs) that a claim or entity record may use."""

    kinds: frozenset[str]
    cell_kinds: frozenset[str]  # the kinds a cell context may have: mscsle:Cell and below
    relations: frozenset[str]
    species: frozenset[str]
    conditions: frozenset[str]
    certainties: frozenset[str]
    evidence_levels: frozenset[str]
    sections: dict[str, int]
    review: URIRef
    reference_count: int

    @classmethod
    def from_ontology(cls, g: Graph) -> Vocab:
        def subclasses(root: URIRef) -> frozenset[str]:
            return frozenset(_local(c) for c in g.transitive_subjects(RDFS.subClassOf, root) if isinstance(c, URIRef))

        def members(cls_: URIRef) -> frozenset[str]:
            return frozenset(_local(i) for i in g.subjects(RDF.type, cls_) if isinstance(i, URIRef))

        relations = frozenset(
            _local(p)
            for p in g.transitive_subjects(RDFS.subPropertyOf, MSCSLE.relation)
            if isinstance(p, URIRef) and p != MSCSLE.relation
        )
        sections = {
            _local(s)[len("section_") :]: int(str(g.value(s, MSCSLE.section_order)))
            for s in g.subjects(RDF.type, MSCSLE.Section)
            if isinstance(s, URIRef)
        }
        review = g.value(predicate=RDF.type, object=MSCSLE.Review)
        count = g.value(review, MSCSLE.reference_count)
        if not isinstance(review, URIRef) or not isinstance(count, Literal):
            raise ValueError("ontology/mscsle.ttl: the review individual with mscsle:reference_count is missing")
        return cls(
            kinds=subclasses(MSCSLE.Entity) - {"Entity"},
            cell_kinds=subclasses(MSCSLE.Cell),
            relations=relations,
            species=members(MSCSLE.SpeciesContext),
            conditions=members(MSCSLE.Condition),
            certainties=members(MSCSLE.Certainty),
            evidence_levels=members(MSCSLE.EvidenceLevel),
            sections=sections,
            review=review,
            reference_count=int(count),
        )
