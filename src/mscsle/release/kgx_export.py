"""dist/kgx/: the claims as a KGX graph (nodes.tsv, edges.tsv) with Biolink categories, predicates and qualifiers.

One node per entity that a claim names (its Biolink category from the entity's mscsle class, its label, its exact
external matches as xrefs) and one edge per claim: the Biolink predicate nearest to the claim's relation, the
relation itself as `original_predicate` (so no meaning is lost), species as `species_context_qualifier` (the
claim's NCBITaxon terms), evidence as `has_evidence` (the claim's ECO evidence types and its evidence level), certainty as `has_confidence_level`, `knowledge_level` knowledge_assertion and `agent_type`
manual_agent (every claim is a statement of the review, curated by hand). Ids are the project's CURIEs.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from typing import cast

from rdflib import RDF, RDFS, SKOS, Graph, Namespace, URIRef
from rdflib.term import Node

from mscsle.model.prefixes import prefix_map

MSCSLE = Namespace(prefix_map()["mscsle"])
NODES = "kgx/nodes.tsv"
EDGES = "kgx/edges.tsv"
# the top mscsle classes of entities -> Biolink category
CATEGORIES = {
    "BiologicalProcess": "biolink:BiologicalProcess",
    "Cell": "biolink:Cell",
    "CellularComponent": "biolink:CellularComponent",
    "Disease": "biolink:Disease",
    "GeneOrGeneProduct": "biolink:Gene",
    "GeneVariant": "biolink:SequenceVariant",
    "Locus": "biolink:NucleicAcidEntity",
    "MouseStrain": "biolink:PopulationOfIndividualOrganisms",
    "Organism": "biolink:OrganismTaxon",
    "Pathway": "biolink:Pathway",
    "SmallMolecule": "biolink:SmallMolecule",
    "Therapy": "biolink:Treatment",
}
# mscsle relation -> the nearest Biolink predicate (the relation itself is kept as original_predicate)
PREDICATES = {
    "ameliorates": "biolink:ameliorates_condition",
    "associated_with": "biolink:associated_with",
    "contributes_to": "biolink:contributes_to",
    "decreased_in": "biolink:associated_with",
    "differentially_expressed_in": "biolink:associated_with",
    "differentiates_into": "biolink:develops_into",
    "downregulates_expression_of": "biolink:regulates",
    "expressed_in": "biolink:expressed_in",
    "has_deletion_of": "biolink:related_to",
    "has_impaired_effect_on": "biolink:affects",
    "increased_in": "biolink:associated_with",
    "induces": "biolink:causes",
    "inhibits": "biolink:affects",
    "interacts_with": "biolink:interacts_with",
    "located_in": "biolink:located_in",
    "overexpressed_in": "biolink:associated_with",
    "participates_in": "biolink:participates_in",
    "promotes": "biolink:affects",
    "regulates": "biolink:regulates",
    "secretes": "biolink:produces",
    "susceptibility_gene_for": "biolink:gene_associated_with_condition",
    "transfers_to": "biolink:related_to",
    "underexpressed_in": "biolink:associated_with",
    "upregulates_expression_of": "biolink:regulates",
    "variant_of": "biolink:is_sequence_variant_of",
}
NODE_COLUMNS = ("id", "category", "name", "xref", "provided_by")
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "original_predicate",
    "category",
    "species_context_qualifier",
    "has_evidence",
    "has_confidence_level",
    "knowledge_level",
    "agent_type",
    "publications",
    "provided_by",
)
PROVIDED_BY = "mscsle"
DOI = "https://doi.org/"
MULTI = "|"  # KGX's separator of multivalued fields in TSV


class KgxMappingMissing(ValueError):
    """A class or relation of the ontology has no Biolink counterpart in this module's tables."""


# (URI prefix, prefix), longest URI first: the CURIE of an IRI, without importing curies into the build
_BY_LENGTH = sorted(((u, p) for p, u in prefix_map().items()), key=lambda up: -len(up[0]))


# Where Biolink's JSON-LD context spells a prefix otherwise than the project's (Bioregistry's OBO) prefix map
BIOLINK_PREFIXES = {"hgnc": "HGNC"}


@cache
def curie(iri: URIRef) -> str:
    """The IRI as a CURIE of the one prefix map (the longest matching URI prefix), spelt as Biolink spells the
    prefix (KGX refuses others), or the IRI as it is."""
    text = str(iri)
    return next((f"{BIOLINK_PREFIXES.get(p, p)}:{text[len(u) :]}" for u, p in _BY_LENGTH if text.startswith(u)), text)


def publication(iri: URIRef) -> str:
    """A DOI as Biolink writes it (doi:...), any other IRI as it is."""
    return "doi:" + str(iri)[len(DOI) :] if str(iri).startswith(DOI) else str(iri)


def _iri(graph: Graph, claim: Node, prop: str) -> URIRef:
    """The claim's one value of a property that shapes/claim.shacl.ttl requires once, as an IRI (sh:class)."""
    return cast(URIRef, graph.value(claim, MSCSLE[prop]))


def _exact(graph: Graph, term: URIRef) -> list[str]:
    return sorted(curie(m) for m in graph.objects(term, SKOS.exactMatch))


def category(graph: Graph, entity: URIRef) -> str:
    """The Biolink category of an entity: that of the first mscsle class up its class hierarchy that has one."""
    todo = [t for t in graph.objects(entity, RDF.type) if isinstance(t, URIRef)]
    seen: set[URIRef] = set()
    while todo:
        cls = todo.pop(0)
        if cls in seen:
            continue
        seen.add(cls)
        name = str(cls)[len(str(MSCSLE)) :] if str(cls).startswith(str(MSCSLE)) else ""
        if name in CATEGORIES:
            return CATEGORIES[name]
        todo.extend(p for p in graph.objects(cls, RDFS.subClassOf) if isinstance(p, URIRef))
    raise KgxMappingMissing(f"no Biolink category for {curie(entity)} (its classes: {sorted(map(curie, seen))})")


def _tsv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def kgx_files(graph: Graph) -> dict[str, bytes]:
    """dist/kgx/nodes.tsv and edges.tsv, rows sorted by id."""
    edges, entities = [], set()
    for claim in graph.subjects(RDF.type, MSCSLE.Claim):
        s, r, o = (_iri(graph, claim, p) for p in ("has_subject", "has_relation", "has_object"))
        entities |= {s, o}
        relation = str(r)[len(str(MSCSLE)) :]
        if relation not in PREDICATES:
            raise KgxMappingMissing(f"no Biolink predicate for the relation {curie(r)}")
        species = sorted(curie(t) for t in graph.objects(claim, MSCSLE.in_species))  # NCBITaxon terms themselves
        evidence = [*graph.objects(claim, MSCSLE.has_evidence_type), graph.value(claim, MSCSLE.has_evidence_level)]
        evidence_ids = sorted(
            {curie(e) for e in evidence if e} | {m for e in evidence if e for m in _exact(graph, cast(URIRef, e))}
        )
        edges.append(
            {
                "id": curie(claim),
                "subject": curie(s),
                "predicate": PREDICATES[relation],
                "object": curie(o),
                "original_predicate": curie(r),
                "category": "biolink:Association",
                "species_context_qualifier": MULTI.join(species),
                "has_evidence": MULTI.join(evidence_ids),
                "has_confidence_level": curie(graph.value(claim, MSCSLE.has_certainty)),
                "knowledge_level": "knowledge_assertion",
                "agent_type": "manual_agent",
                "publications": publication(_iri(graph, claim, "asserted_in")),
                "provided_by": PROVIDED_BY,
            }
        )
    nodes = [
        {
            "id": curie(e),
            "category": category(graph, e),
            "name": min((str(label) for label in graph.objects(e, RDFS.label)), default=""),
            "xref": MULTI.join(_exact(graph, e)),
            "provided_by": PROVIDED_BY,
        }
        for e in entities
    ]
    return {
        NODES: _tsv(NODE_COLUMNS, sorted(nodes, key=lambda n: n["id"])),
        EDGES: _tsv(EDGE_COLUMNS, sorted(edges, key=lambda e: e["id"])),
    }
