"""What the site shows, read from the built graph with the SPARQL queries of queries/site/ (one place for the data).

The site is generated from the artifacts, not from the curated records, so it shows exactly what the RDF says,
including triples that later steps add to the graph (external mappings, for instance).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mscsle.model.prefixes import converter, sparql_prologue
from mscsle.query.stored import select

TABLE1 = "table1"  # the section of the review's Table 1: its subjects are the factors


@dataclass(frozen=True)
class OntologyInfo:
    iri: str
    title: str
    description: str
    license: str
    creator: str
    version: str
    version_iri: str
    source: str
    review_label: str
    citation: str
    doi: str
    pmid: str
    reference_count: int


@dataclass(frozen=True)
class Relation:
    id: str
    label: str
    definition: str
    polarity: str  # promotes | inhibits | neutral


@dataclass(frozen=True)
class Mapping:
    """An external identifier: a SKOS mapping or a database cross-reference."""

    predicate: str  # CURIE of the mapping property
    predicate_label: str
    target: str  # CURIE where the prefix map knows the IRI, else the IRI or the literal
    href: str  # the IRI to link to ("" for a literal)


@dataclass(frozen=True)
class Entity:
    id: str
    label: str
    definition: str
    kind: str
    kind_label: str
    category: str  # the kind's top-level class, a direct subclass of mscsle:Entity
    category_label: str
    iri: str = ""  # the entity's one IRI: an external term's, or the project's
    synonyms: tuple[str, ...] = ()
    mappings: tuple[Mapping, ...] = ()


@dataclass(frozen=True)
class Claim:
    id: str
    subject: str
    relation: str
    object: str
    species: str
    species_label: str
    condition: str
    condition_label: str
    certainty: str
    certainty_label: str
    hedge: str
    evidence_level: str
    evidence_level_label: str
    evidence_type_label: str
    section: str
    section_label: str
    section_order: int
    quote: str
    cell_context: str
    via: str
    model: str
    references: tuple[int, ...] = ()

    @property
    def hedged(self) -> bool:
        return self.certainty == "hedged"

    @property
    def entities(self) -> tuple[str, ...]:
        """The entities the claim is about: its subject and object."""
        return (self.subject, self.object)

    @property
    def context_entities(self) -> tuple[tuple[str, str], ...]:
        """(role, entity id) of the entities that qualify the claim: cell context, mediator, model."""
        roles = (("in cell", self.cell_context), ("via", self.via), ("in model", self.model))
        return tuple((role, e) for role, e in roles if e)


@dataclass(frozen=True)
class Value:
    """A controlled value of a claim (species, condition, ...) or a section of the review."""

    set: str
    set_label: str
    id: str
    label: str
    definition: str


@dataclass(frozen=True)
class Factor:
    """A row of the review's Table 1: a factor, its evidence level, immunological effects and references."""

    entity: str
    evidence_level: str
    evidence_level_label: str
    claims: tuple[Claim, ...]

    @property
    def references(self) -> tuple[int, ...]:
        return tuple(sorted({n for c in self.claims for n in c.references}))


@dataclass
class SiteData:
    ontology: OntologyInfo
    entities: dict[str, Entity]
    relations: dict[str, Relation]
    claims: list[Claim]
    values: list[Value] = field(default_factory=list)

    def claims_with_subject(self, entity: str) -> list[Claim]:
        return [c for c in self.claims if c.subject == entity]

    def claims_with_object(self, entity: str) -> list[Claim]:
        return [c for c in self.claims if c.object == entity]

    def neighbourhood(self, entity: str) -> list[Claim]:
        """Every claim with the entity as subject or object."""
        return [c for c in self.claims if entity in c.entities]

    def claims_in_context(self, entity: str) -> list[Claim]:
        """Claims that name the entity as cell context, mediator or model."""
        return [c for c in self.claims if any(e == entity for _, e in c.context_entities)]

    def factors(self) -> list[Factor]:
        """Table 1 in the review's order: direct evidence first, then indirect; rows in claim order."""
        rows: dict[str, list[Claim]] = {}
        for c in self.claims:
            if c.section == TABLE1:
                rows.setdefault(c.subject, []).append(c)
        out = []
        for entity, claims in rows.items():
            level = next((c for c in claims if c.evidence_level), claims[0])
            out.append(Factor(entity, level.evidence_level, level.evidence_level_label, tuple(claims)))
        order = {lvl: i for i, lvl in enumerate(("direct_evidence", "indirect_evidence"))}
        return sorted(out, key=lambda f: order.get(f.evidence_level, len(order)))

    def used_entities(self) -> list[str]:
        """Entities that a claim names as subject or object, in label order."""
        used = {e for c in self.claims for e in c.entities}
        return [e for e in self.entities if e in used]


def _query(project_queries: Path, name: str) -> str:
    return sparql_prologue() + (project_queries / f"{name}.rq").read_text(encoding="utf-8")


def _rows(store: ox.Store, queries: Path, name: str) -> list[dict[str, str]]:
    names, rows = select(store, _query(queries, name))
    return [dict(zip(names, row, strict=False)) for row in rows]


def _mapping(row: dict[str, str]) -> Mapping:
    conv = converter()
    pred = conv.compress(row["predicate"]) or row["predicate"]
    label = row["predicate_label"] or pred.split(":")[-1]
    if row["is_iri"] == "true":
        return Mapping(pred, label, conv.compress(row["target"]) or row["target"], row["target"])
    return Mapping(pred, label, row["target"], "")


def _grouped(rows: Iterable[dict[str, str]], key: str, value: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row[value])
    return out


def read_site_data(store: ox.Store, queries_dir: Path) -> SiteData:
    """Run the site queries (queries_dir/site/*.rq) over the built graph, loaded in a store."""
    queries = queries_dir / "site"
    (o,) = _rows(store, queries, "ontology")
    ontology = OntologyInfo(
        **{k: v for k, v in o.items() if k != "reference_count"}, reference_count=int(o["reference_count"])
    )
    synonyms = _grouped(_rows(store, queries, "synonyms"), "id", "synonym")
    mappings: dict[str, list[Mapping]] = {}
    for row in _rows(store, queries, "mappings"):
        mappings.setdefault(row["id"], []).append(_mapping(row))
    entities = {
        r["id"]: Entity(**r, synonyms=tuple(synonyms.get(r["id"], ())), mappings=tuple(mappings.get(r["id"], ())))
        for r in _rows(store, queries, "entities")
    }
    relations = {r["id"]: Relation(**r) for r in _rows(store, queries, "relations")}
    refs = _grouped(_rows(store, queries_dir / "export", "claim-references"), "claim_id", "number")
    claims = []
    for r in _rows(store, queries, "claims"):
        values = {k.removesuffix("_id") if k != "claim_id" else "id": v for k, v in r.items()}
        values["section_order"] = int(values["section_order"])
        claims.append(Claim(**values, references=tuple(sorted(int(n) for n in refs.get(r["claim_id"], ())))))
    values = [Value(**{k: v for k, v in r.items() if k != "order"}) for r in _rows(store, queries, "values")]
    return SiteData(ontology, entities, relations, claims, values)
