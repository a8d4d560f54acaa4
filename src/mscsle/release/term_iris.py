"""One IRI per thing: an entity's IRI is the external term it matches exactly, or a project IRI where none does.

The mapping table (data/mappings.tsv) decides. An `exact` match to an authority of the entity's kind (CL, GO,
ChEBI, MONDO, NCBITaxon, HGNC for human genes, MGI for mouse genes) makes that external IRI the entity's only
IRI; the review's own name becomes an exact synonym and the curator's definition a scope note (the definition
itself belongs to the source). NCBI Gene and DOID never name a term: they are cross-references
(oboInOwl:hasDbXref and an SSSOM row). Entities without such a match keep their project IRI and their close,
broad or narrow matches. See docs/model.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from rdflib import RDFS, Graph, Literal, URIRef

from mscsle.curation.mappings import MappingSet, mapping_triples
from mscsle.curation.records import Records
from mscsle.errors import CurationError, Problem
from mscsle.model.triples import Triple
from mscsle.model.vocab import ENTITY, IAO_DEFINITION, MSCSLE, Vocab

AUTHORITIES = frozenset({"CL", "GO", "CHEBI", "MONDO", "NCBITaxon", "hgnc", "MGI"})
XREF_ONLY = frozenset({"NCBIGene", "DOID"})  # cross-references, never a second term with the same label
HAS_DBXREF = URIRef("http://www.geneontology.org/formats/oboInOwl#hasDbXref")
TABLE = "data/mappings.tsv"

EntityIris = Mapping[str, URIRef]


def entity_iris(records: Records, ms: MappingSet) -> dict[str, URIRef]:
    """Entity id -> its one IRI. Raises CurationError if two entities would share an IRI or one has two."""
    by_subject = {ENTITY[e]: e for e in records.entities}
    iris: dict[str, URIRef] = {}
    curies: dict[str, str] = {}
    owner: dict[URIRef, tuple[str, int]] = {}
    problems: list[Problem] = []
    for m in ms.mappings:
        eid = by_subject.get(m.subject)
        if eid is None or m.match != "exact" or m.prefix not in AUTHORITIES:
            continue
        rec = f"line {m.line} ({m.subject_id})"
        if eid in iris:
            problems.append(
                Problem(
                    TABLE,
                    rec,
                    "object_id",
                    f"a second exact match for {eid} ({m.object_id}, besides {curies[eid]}); one thing has one "
                    "IRI: keep one exact match and make the other close, broad or narrow",
                )
            )
            continue
        if m.object in owner:
            other, line = owner[m.object]
            problems.append(
                Problem(
                    TABLE,
                    rec,
                    "object_id",
                    f"{m.object_id} is already the IRI of entity {other} (line {line}); two entities cannot be one "
                    "term: merge them in data/entities.tsv, or make one of the matches close, broad or narrow",
                )
            )
            continue
        iris[eid] = m.object
        curies[eid] = m.object_id
        owner[m.object] = (eid, m.line)
    if problems:
        raise CurationError(problems)
    return {e: iris.get(e, ENTITY[e]) for e in records.entities}


def source_labels(ms: MappingSet) -> dict[URIRef, str]:
    """External IRI -> its label as the source spells it."""
    return {m.object: m.object_label for m in ms.mapped}


def linked_mapping_triples(ms: MappingSet, iris: EntityIris) -> Iterator[Triple]:
    """The table's matches on each entity's one IRI: none of a term to itself; NCBI Gene and DOID as xrefs."""
    renamed = {ENTITY[e]: iri for e, iri in iris.items()}
    for m in ms.mappings:
        subject = renamed.get(m.subject, m.subject)
        if m.mapped and m.object == subject:
            continue  # the entity is this term
        if m.mapped and m.prefix in XREF_ONLY:  # an xref where exact; otherwise only the SSSOM row says it
            if m.match == "exact":
                yield subject, HAS_DBXREF, Literal(m.object_id)
            continue
        for s, p, o in mapping_triples(MappingSet((m,), ms.sources)):
            yield (subject if s == m.subject else s), p, (subject if o == m.subject else o)


def relation_links(ms: MappingSet) -> Iterator[Triple]:
    """A relation below an RO relation that it matches exactly or broadly (the RO one is the broader)."""
    for m in ms.mapped:
        if m.prefix == "RO" and m.match in ("exact", "broad"):
            yield m.subject, RDFS.subPropertyOf, m.object


def relation_problems(ontology: Graph, vocab: Vocab) -> list[Problem]:
    """Every entity relation needs a definition: a claim's label and the site read it (exit 2, not a SHACL report)."""
    out = []
    for r in sorted(vocab.relations):
        if ontology.value(MSCSLE[r], IAO_DEFINITION) is None:
            out.append(
                Problem(
                    "ontology/mscsle.ttl",
                    f"relation mscsle:{r}",
                    "obo:IAO_0000115",
                    "is missing; every relation has a definition (what it means between subject and object)",
                )
            )
    return out
