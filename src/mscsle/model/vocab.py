"""The controlled vocabularies, read from the ontology so that they are typed in one place only."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SKOS
from rdflib.term import Node

MSCSLE = Namespace("https://w3id.org/mscsle/")
ENTITY = Namespace("https://w3id.org/mscsle/entity/")
CLAIM = Namespace("https://w3id.org/mscsle/claim/")
REF = Namespace("https://w3id.org/mscsle/reference/")
IAO_DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
EXACT_SYNONYM = URIRef("http://www.geneontology.org/formats/oboInOwl#hasExactSynonym")


def _local(iri: URIRef) -> str:
    return str(iri)[len(str(MSCSLE)) :]


def _classes(g: Graph, node: Node | None) -> list[URIRef]:
    """The named classes of a domain or range: one class, or the members of an owl:unionOf."""
    if isinstance(node, URIRef):
        return [node]
    union = g.value(node, OWL.unionOf) if node is not None else None
    return [c for c in Collection(g, union) if isinstance(c, URIRef)] if union is not None else []


@dataclass(frozen=True)
class Vocab:
    """Names that a claim or entity record may use: local parts of mscsle: IRIs, and for each controlled value
    the IRI it stands for (its skos:notation names an external value, e.g. "human" for NCBITaxon:9606)."""

    kinds: frozenset[str]
    cell_kinds: frozenset[str]  # the kinds a cell context may have: mscsle:Cell and below
    relations: frozenset[str]
    species: dict[str, URIRef]
    disease_states: dict[str, URIRef]
    populations: dict[str, URIRef]
    designs: dict[str, URIRef]
    cell_sources: dict[str, URIRef]
    certainties: dict[str, URIRef]
    evidence_levels: dict[str, URIRef]
    sections: dict[str, int]
    review: URIRef
    reference_count: int
    design_evidence: dict[str, URIRef]  # design -> its experimental ECO evidence type (where it has one)
    domains: dict[str, frozenset[str]]  # relation -> the entity kinds its subject may have (with their subkinds)
    ranges: dict[str, frozenset[str]]  # relation -> the entity kinds its object may have (with their subkinds)
    declared: dict[tuple[str, str], tuple[str, ...]]  # (relation, "domain"|"range") -> the kinds as declared

    @classmethod
    def from_ontology(cls, g: Graph) -> Vocab:
        def subclasses(root: URIRef) -> frozenset[str]:
            return frozenset(_local(c) for c in g.transitive_subjects(RDFS.subClassOf, root) if isinstance(c, URIRef))

        def members(cls_: URIRef) -> dict[str, URIRef]:
            return {
                str(g.value(i, SKOS.notation) or _local(i)): i
                for i in sorted(i for i in g.subjects(RDF.type, cls_) if isinstance(i, URIRef))
            }

        def kinds_of(prop: URIRef, side: URIRef) -> frozenset[str]:
            out: set[str] = set()
            for c in _classes(g, g.value(prop, side)) or [MSCSLE.Entity]:
                out |= subclasses(c) | {_local(c)}
            return frozenset(out - {"Entity"})

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
            disease_states=members(MSCSLE.DiseaseState),
            populations=members(MSCSLE.Population),
            designs=(designs := members(MSCSLE.StudyDesign)),
            cell_sources=members(MSCSLE.CellSource),
            certainties=members(MSCSLE.Certainty),
            evidence_levels=members(MSCSLE.EvidenceLevel),
            sections=sections,
            review=review,
            reference_count=int(count),
            design_evidence={
                d: eco
                for d, iri in designs.items()
                if isinstance(eco := g.value(iri, MSCSLE.design_evidence_type), URIRef)
            },
            domains={r: kinds_of(MSCSLE[r], RDFS.domain) for r in relations},
            ranges={r: kinds_of(MSCSLE[r], RDFS.range) for r in relations},
            declared={
                (r, side): tuple(_local(c) for c in _classes(g, g.value(MSCSLE[r], prop))) or ("Entity",)
                for r in relations
                for side, prop in (("domain", RDFS.domain), ("range", RDFS.range))
            },
        )
