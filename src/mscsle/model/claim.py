"""The claim model, declared once: every field of a claim with its type, cardinality, RDF property and column.

`Claim` is the record a curator writes (plus the section, taken from the file); each of its fields carries a
`Slot` in its metadata, and the Python annotation gives the type and the cardinality (`str`: exactly one,
`str | None`: at most one, `tuple[int, ...]`: a list, written even when empty, or omitted when the slot is
optional; `at_least_one` makes a list 1..*). `DERIVED` declares the properties that the build adds
to every claim node from the record. The record checks (curation/records.py), the triples (release/graph.py),
the claims-table columns (release/pipeline.py, queries/export/claims-table.rq) and the site (site/data.py) read
what they need from `FIELDS`; tests/test_claim_model.py proves that shapes/claim.shacl.ttl and the stored queries
agree with it field by field.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, URIRef

from mscsle.model.vocab import MSCSLE

SLOT = "mscsle.slot"  # the metadata key of a dataclass field that holds its Slot
# How the review supports a claim (ECO): a statement with a citation is traceable, one without is not.
ECO_TRACEABLE_AUTHOR_STATEMENT = URIRef("http://purl.obolibrary.org/obo/ECO_0000304")
ECO_NON_TRACEABLE_AUTHOR_STATEMENT = URIRef("http://purl.obolibrary.org/obo/ECO_0000303")


@dataclass(frozen=True)
class Slot:
    """What a field means beyond its Python type: its RDF property, its column and where its values come from."""

    property: URIRef
    description: str  # what the field takes, as the record checks tell a curator
    values: str | None = None  # where a value must come from (see VALUE_SOURCES); None: free text
    column: str | None = None  # the claims-table column of the value (its id); None: not in the table
    label_column: str | None = None  # the claims-table column of the value's label, where the table has one
    in_record: bool = True  # False: not written by the curator (the section comes from the file)
    optional: bool = False  # the record may omit it (a list: omitted means empty)
    at_least_one: bool = False  # a list with one value at least


# Where a field's values come from: the Vocab attribute that lists them (None: not a controlled value), and the
# class every value is an instance of in the graph (what the field's SHACL shape checks with sh:class).
VALUE_SOURCES: dict[str, tuple[str | None, URIRef | None]] = {
    "entities": (None, MSCSLE.Entity),  # an id of data/entities.tsv
    "cells": (None, MSCSLE.Cell),  # an id of data/entities.tsv whose kind is mscsle:Cell or below
    "relations": ("relations", None),  # a sub-property of mscsle:relation (shapes: mscsle:RelationShape)
    "claims": (None, MSCSLE.Claim),  # a claim id of data/claims/
    "species": ("species", MSCSLE.SpeciesContext),
    "disease_states": ("disease_states", MSCSLE.DiseaseState),
    "populations": ("populations", MSCSLE.Population),
    "designs": ("designs", MSCSLE.StudyDesign),
    "cell_sources": ("cell_sources", MSCSLE.CellSource),
    "certainties": ("certainties", MSCSLE.Certainty),
    "evidence_levels": ("evidence_levels", MSCSLE.EvidenceLevel),
    "sections": ("sections", MSCSLE.Section),
    "references": (None, MSCSLE.Reference),  # a reference number 1..the review's reference count
}


def slot(
    prop: str,
    description: str,
    *,
    values: str | None = None,
    column: str | None = None,
    label_column: str | None = None,
    in_record: bool = True,
    optional: bool = False,
    many: bool = False,
    at_least_one: bool = False,
) -> Any:
    """A dataclass field declared with its Slot (optional fields default to None, optional lists to ())."""
    if values is not None and values not in VALUE_SOURCES:
        raise ValueError(f"unknown value source {values!r}")
    meta = {SLOT: Slot(MSCSLE[prop], description, values, column, label_column, in_record, optional, at_least_one)}
    if optional:
        return dataclasses.field(default=() if many else None, metadata=meta)
    return dataclasses.field(metadata=meta)


@dataclass(frozen=True, kw_only=True)
class Claim:
    """One claim of the review: what it says (subject, relation, object), in which context, on what evidence.

    The field order is the claims table's column order.
    """

    id: str = slot(
        "claim_id",
        "a claim id unique across data/claims/ (lower-case words and digits joined by '-', e.g. dg-01)",
        column="claim_id",
    )
    subject: str = slot(
        "has_subject",
        "an entity id of data/entities.tsv",
        values="entities",
        column="subject_id",
        label_column="subject",
    )
    relation: str = slot(
        "has_relation",
        "a relation of the ontology (a sub-property of mscsle:relation in ontology/mscsle.ttl, e.g. promotes)",
        values="relations",
        column="relation_id",
        label_column="relation",
    )
    object: str = slot(
        "has_object", "an entity id of data/entities.tsv", values="entities", column="object_id", label_column="object"
    )
    via: tuple[str, ...] = slot(
        "via",
        "a list of entity ids of data/entities.tsv: the mediators of the subject's effect, e.g. [CCL2]",
        values="entities",
        column="via",
        optional=True,
        many=True,
    )
    species: tuple[str, ...] = slot(
        "in_species",
        "a list of species, e.g. [human] or [human, mouse]; [] when not stated",
        values="species",
        column="species",
    )
    disease_state: str | None = slot(
        "in_disease_state",
        "sle, autoimmune_disease or healthy",
        values="disease_states",
        column="disease_state",
        optional=True,
    )
    population: str | None = slot(
        "in_population",
        "sle_patients, healthy_donors, lupus_mice or normal_mice",
        values="populations",
        column="population",
        optional=True,
    )
    model: str | None = slot(
        "in_model",
        "an entity id of data/entities.tsv (the mouse strain or locus)",
        values="entities",
        column="model",
        optional=True,
    )
    design: tuple[str, ...] = slot(
        "has_design",
        "a list of study designs, e.g. [knockdown, in_vitro]",
        values="designs",
        column="design",
        optional=True,
        many=True,
    )
    cell_source: str | None = slot(
        "has_cell_source", "bone_marrow or umbilical_cord", values="cell_sources", column="cell_source", optional=True
    )
    cell_context: str | None = slot(
        "in_cell_context",
        "an entity id of a cell type in data/entities.tsv",
        values="cells",
        column="cell_context",
        optional=True,
    )
    certainty: str = slot("has_certainty", "stated, hedged or speculative", values="certainties", column="certainty")
    hedge: str | None = slot("hedge_cue", "the review's hedging word(s), e.g. may", column="hedge", optional=True)
    evidence_level: str | None = slot(
        "has_evidence_level",
        "direct_evidence or indirect_evidence",
        values="evidence_levels",
        column="evidence_level",
        optional=True,
    )
    references: tuple[int, ...] = slot(
        "cites",
        "a list of the review's reference numbers, e.g. [7, 8], or [] for the review's own statement",
        values="references",
        column="references",
    )
    supported_by: tuple[str, ...] = slot(
        "supported_by",
        "a list of claim ids of the review's text that back this Table 1 row (only in table1.yaml)",
        values="claims",
        column="supported_by",
        optional=True,
        many=True,
    )
    section: str = slot("in_section", "a section of the review", values="sections", column="section", in_record=False)
    quote: tuple[str, ...] = slot(
        "quote",
        "a list of verbatim spans of the review that state the claim (one at least; two when it says it twice)",
        column="quote",
        at_least_one=True,
    )


@dataclass(frozen=True)
class Field:
    """One field of the model, with everything a stage may ask of it: the Slot's attributes, the annotation's
    type and cardinality."""

    name: str
    value_type: type  # of one value: str or int
    min_count: int
    max_count: int | None  # None: any number
    property: URIRef
    description: str
    values: str | None
    column: str | None
    label_column: str | None
    in_record: bool
    optional: bool
    at_least_one: bool
    vocab: str | None  # the Vocab attribute that lists the allowed values (None: entities, references, free text)
    rdf_class: URIRef | None  # the class of every value in the graph (None for a literal, or a relation)
    datatype: URIRef | None  # the datatype of a literal value (None for an IRI value)
    multi: bool  # any number of values (a list in the record)
    required: bool  # a record must hold it: one value, or a list (written [] when empty, never forgotten)


def _cardinality(annotation: Any) -> tuple[type, int, int | None]:
    """(value type, min, max) of a field's annotation: X is 1..1, X | None is 0..1, tuple[X, ...] is 0..*."""
    if typing.get_origin(annotation) is tuple:
        return typing.get_args(annotation)[0], 0, None
    if isinstance(annotation, types.UnionType):
        (value,) = (a for a in typing.get_args(annotation) if a is not type(None))
        return value, 0, 1
    return annotation, 1, 1


def _fields() -> tuple[Field, ...]:
    hints = typing.get_type_hints(Claim)
    out = []
    for f in dataclasses.fields(Claim):
        value_type, lo, hi = _cardinality(hints[f.name])
        declared: Slot = f.metadata[SLOT]
        vocab, rdf_class = VALUE_SOURCES[declared.values] if declared.values else (None, None)
        out.append(
            Field(
                f.name,
                value_type,
                1 if declared.at_least_one else lo,
                hi,
                **dataclasses.asdict(declared),
                vocab=vocab,
                rdf_class=rdf_class,
                datatype=XSD.string if declared.values is None else None,
                multi=hi is None,
                required=not declared.optional,
            )
        )
    return tuple(out)


FIELDS: tuple[Field, ...] = _fields()


def owl_kind(f: Field | Derived) -> URIRef:
    """How the field's property is declared in the ontology: a datatype property for a literal, an annotation
    property for the relation (its value is itself a property: an object property would pun it as an individual),
    else an object property."""
    if f.datatype is not None:
        return OWL.DatatypeProperty
    if getattr(f, "values", None) in ("relations", "claims"):  # a property or a claim (also on plain-triple axioms)
        return OWL.AnnotationProperty
    return OWL.ObjectProperty


RECORD_FIELDS = tuple(f for f in FIELDS if f.in_record)
BY_NAME = {f.name: f for f in FIELDS}
ENTITY_FIELDS = tuple(f for f in FIELDS if f.values in ("entities", "cells"))
# A claim's key: two claims with the same values of these fields state the same thing (one claim, several quotes).
KEY_FIELDS = (
    "subject",
    "relation",
    "object",
    "via",
    "species",
    "disease_state",
    "population",
    "model",
    "design",
    "cell_source",
    "cell_context",
)


@dataclass(frozen=True)
class Derived:
    """A property that the build adds to every claim node, computed from the record (not written by a curator)."""

    name: str
    property: URIRef
    min_count: int
    max_count: int | None
    description: str
    rdf_class: URIRef | None = None
    one_of: tuple[URIRef, ...] = ()  # the values allowed (sh:in)
    datatype: URIRef | None = None


DERIVED: tuple[Derived, ...] = (
    Derived("label", RDFS.label, 1, 1, "subject label, relation label, object label", datatype=RDF.langString),
    Derived("asserted_in", MSCSLE.asserted_in, 1, 1, "the review", rdf_class=MSCSLE.Review),
    Derived(
        "evidence_type",
        MSCSLE.has_evidence_type,
        1,
        None,
        "ECO traceable author statement (ECO:0000304) when the claim cites a reference, else non-traceable author "
        "statement (ECO:0000303); and the experimental ECO type of each study design (the ontology's "
        "mscsle:design_evidence_type)",
        rdf_class=MSCSLE.EvidenceType,
    ),
)


def table_columns() -> tuple[str, ...]:
    """The columns of dist/claims.tsv, in order: per field, its label column (if any), then its id column."""
    out: list[str] = []
    for f in FIELDS:
        if f.label_column:
            out.append(f.label_column)
        if f.column:
            out.append(f.column)
    return tuple(out)


TABLE_COLUMNS = table_columns()
