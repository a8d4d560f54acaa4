"""dist/claims.tsv written straight from the records: the answer of queries/export/claims-table.rq without the join.

The table's columns come from the claim model (`FIELDS`): per field its label column (if any), then its value
column. A value column holds what the export query reads back from the graph: an entity's id, a controlled
value's local name, a section's name, a literal's text; a label column the node's rdfs:label in the graph (an
external term's source label, or the review's name). The values of a list field are joined with " | " in sorted
order (references with ", ", by number), as queries/export/claim-lists.rq and claim-references.rq give them. tests/test_build.py proves that this table equals the query's answer on the review graph,
and tests/test_properties.py on random records; at 100k claims it costs a second where the join costs many.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

from rdflib import RDFS, Graph, URIRef

from mscsle.curation.records import Records
from mscsle.model.claim import FIELDS, TABLE_COLUMNS
from mscsle.model.vocab import MSCSLE
from mscsle.release import serialize
from mscsle.release.graph import Terms

_ENTITY_VALUES = ("entities", "cells")
LIST_SEPARATOR = " | "  # between the values of a list column (references: ", ")


def _labeller(records: Records, ontology: Graph, terms: Terms) -> Callable[[str | None, Any], str]:
    """(value source, record value) -> the rdfs:label of its node in the graph."""
    cache: dict[tuple[str | None, Any], str] = {}

    def label(values: str | None, v: Any) -> str:
        key = (values, v)
        hit = cache.get(key)
        if hit is None:
            if values in _ENTITY_VALUES:
                iri = terms.iris[v]
                hit = terms.source_labels.get(iri) or records.entities[v].label
            else:
                node = MSCSLE[f"section_{v}" if values == "sections" else v]
                hit = str(ontology.value(URIRef(node), RDFS.label) or "")
            cache[key] = hit
        return hit

    return label


def rows(records: Records, ontology: Graph, terms: Terms, section_order: Mapping[str, int]) -> list[tuple[str, ...]]:
    """One row per claim in the table's column order, sorted by section order and claim id (as the query).

    A list field's values are written as the export queries read them back: one triple per distinct value, sorted
    (by number for the references). Made column by column: one pass over the claims per field."""
    label = _labeller(records, ontology, terms)
    claims = sorted(records.claims, key=lambda c: (section_order[c.section], c.id))
    columns: list[list[str]] = []
    for f in FIELDS:
        if not (f.column or f.label_column):
            continue
        values = list(map(attrgetter(f.name), claims))
        kind = f.values
        if f.multi:
            if f.label_column:
                columns.append(
                    [LIST_SEPARATOR.join(sorted({label(kind, v) for v in value})) if value else "" for value in values]
                )
            if f.column:
                separator = ", " if f.column == "references" else LIST_SEPARATOR
                columns.append([separator.join(map(str, sorted(set(value)))) if value else "" for value in values])
        else:
            if f.label_column:
                columns.append(["" if v is None else label(kind, v) for v in values])
            if f.column:
                columns.append([v if type(v) is str else "" if v is None else str(v) for v in values])
    return list(zip(*columns, strict=True))


def claims_tsv(records: Records, ontology: Graph, terms: Terms, section_order: Mapping[str, int]) -> bytes:
    return serialize.tsv(TABLE_COLUMNS, rows(records, ontology, terms, section_order))
