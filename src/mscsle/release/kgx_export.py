"""dist/kgx/: the claims as a KGX graph (nodes.tsv, edges.tsv) with Biolink categories, predicates and qualifiers.

One node per entity that a claim names (its Biolink category from the entity's mscsle class, its label, its exact
external matches as xrefs) and one edge per claim: the Biolink predicate nearest to the claim's relation, the
relation itself as `original_predicate` (so no meaning is lost), species as `species_context_qualifier` (the
claim's NCBITaxon term; Biolink allows one, so a claim of several species lists them in `qualifiers` instead), evidence as `has_evidence` (the claim's ECO evidence types and its evidence level), certainty as `has_confidence_level`, `knowledge_level` knowledge_assertion and `agent_type`
manual_agent (every claim is a statement of the review, curated by hand). Ids are the project's CURIEs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from functools import cache

from mscsle.model.prefixes import prefix_map
from mscsle.release.quad_graph import QuadGraph
from mscsle.release.turtle_terms import Namespaces

MSCSLE = prefix_map()["mscsle"]
_RDFS, _SKOS = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2004/02/skos/core#"
# predicates as N-Triples text (what QuadGraph reads)
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_LABEL, _SUBCLASS_OF = f"<{_RDFS}label>", f"<{_RDFS}subClassOf>"
_EXACT_MATCH = f"<{_SKOS}exactMatch>"
_SPECIES, _EVIDENCE_TYPE, _EVIDENCE_LEVEL = (
    f"<{MSCSLE}{p}>" for p in ("in_species", "has_evidence_type", "has_evidence_level")
)
_ONE = ("has_subject", "has_relation", "has_object", "asserted_in", "has_certainty")
_PROP = {p: f"<{MSCSLE}{p}>" for p in _ONE}
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
    "qualifiers",
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


# the CURIE of an IRI, without importing curies into the build: the namespaces it lies under, longest first
_NAMESPACES = Namespaces(prefix_map())


# Where Biolink's JSON-LD context spells a prefix otherwise than the project's (Bioregistry's OBO) prefix map
BIOLINK_PREFIXES = {"hgnc": "HGNC"}


@cache
def curie(iri: str) -> str:
    """The IRI as a CURIE of the one prefix map (the longest matching URI prefix), spelt as Biolink spells the
    prefix (KGX refuses others), or the IRI as it is."""
    found = _NAMESPACES.of(iri)
    if not found:
        return iri
    p, u = found[0]
    return f"{BIOLINK_PREFIXES.get(p, p)}:{iri[len(u) :]}"


def publication(iri: str) -> str:
    """A DOI as Biolink writes it (doi:...), any other IRI as it is."""
    return "doi:" + iri[len(DOI) :] if iri.startswith(DOI) else iri


def _iri(term: str) -> str:
    """The IRI of a term written as in N-Triples (`<iri>`)."""
    return term[1:-1]


def _exact(graph: QuadGraph, term: str) -> list[str]:
    return sorted(curie(_iri(m)) for m in graph.objects(f"<{term}>", _EXACT_MATCH))


def category(graph: QuadGraph, entity: str) -> str:
    """The Biolink category of an entity: that of the first mscsle class up its class hierarchy that has one."""
    todo = [_iri(t) for t in graph.objects(f"<{entity}>", _TYPE) if t.startswith("<")]
    seen: set[str] = set()
    while todo:
        cls = todo.pop(0)
        if cls in seen:
            continue
        seen.add(cls)
        name = cls[len(MSCSLE) :] if cls.startswith(MSCSLE) else ""
        if name in CATEGORIES:
            return CATEGORIES[name]
        todo.extend(_iri(p) for p in graph.objects(f"<{cls}>", _SUBCLASS_OF) if p.startswith("<"))
    raise KgxMappingMissing(f"no Biolink category for {curie(entity)} (its classes: {sorted(map(curie, seen))})")


def _tsv(columns: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> bytes:
    """The rows (in column order) sorted by their first column, the id."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    ordered = sorted(rows, key=lambda row: row[0])
    w.writerows(ordered)
    return buf.getvalue().encode("utf-8")


def kgx_files(graph: QuadGraph) -> dict[str, bytes]:
    """dist/kgx/nodes.tsv and edges.tsv, rows sorted by id."""
    edges: list[tuple[str, ...]] = []
    entities = set()
    exact = cache(lambda term: _exact(graph, term))  # a few evidence terms, named by every claim
    for claim in graph.members(f"<{MSCSLE}Claim>"):
        about = graph.about(claim)
        first = dict(reversed(about))  # predicate -> its first object
        species, types = [], []
        for p, o in about:
            if p == _SPECIES:
                species.append(curie(_iri(o)))  # NCBITaxon terms themselves
            elif p == _EVIDENCE_TYPE:
                types.append(_iri(o))
        # the properties that shapes/claim.shacl.ttl requires once, IRIs (sh:class)
        s, r, o, source, certainty = (_iri(first[_PROP[p]]) for p in _ONE)
        entities |= {s, o}
        relation = r[len(MSCSLE) :]
        if relation not in PREDICATES:
            raise KgxMappingMissing(f"no Biolink predicate for the relation {curie(r)}")
        species.sort()
        level = first.get(_EVIDENCE_LEVEL)
        evidence = [*types, _iri(level)] if level else types
        evidence_ids = sorted({curie(e) for e in evidence} | {m for e in evidence for m in exact(e)})
        edges.append(
            (
                curie(_iri(claim)),
                curie(s),
                PREDICATES[relation],
                curie(o),
                curie(r),
                "biolink:Association",
                species[0] if len(species) == 1 else "",
                MULTI.join(species) if len(species) > 1 else "",
                MULTI.join(evidence_ids),
                curie(certainty),
                "knowledge_assertion",
                "manual_agent",
                publication(source),
                PROVIDED_BY,
            )
        )
    nodes = [
        (
            curie(e),
            category(graph, e),
            min(graph.literals(f"<{e}>", _LABEL), default=""),
            MULTI.join(_exact(graph, e)),
            PROVIDED_BY,
        )
        for e in entities
    ]
    return {NODES: _tsv(NODE_COLUMNS, nodes), EDGES: _tsv(EDGE_COLUMNS, edges)}
