"""What the site shows, read from the built graph with the SPARQL queries of queries/site/ (one place for the data).

The site is generated from the artifacts, not from the curated records, so it shows exactly what the RDF says,
including triples that later steps add to the graph (external mappings, for instance).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mscsle.model import claim as model
from mscsle.model.prefixes import converter, sparql_prologue
from mscsle.query.stored import select

LABELLED = (*(f.name for f in model.FIELDS if f.vocab and f.vocab != "relations"), "evidence_type")  # have labels
LIST_LABELLED = ("species", "design", "evidence_type")  # labelled lists: labels from export/claim-lists.rq
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
    target_label: str = ""  # the external term's label in the graph (a gene symbol, for instance)


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


@dataclass(frozen=True, kw_only=True)
class Claim(model.Claim):
    """A claim as the site shows it: the model's fields, the labels of its controlled values and its section's rank."""

    section_order: int
    labels: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # field name -> value's label

    @property
    def hedged(self) -> bool:
        return self.certainty == "hedged"

    @property
    def entities(self) -> tuple[str, ...]:
        """The entities the claim is about: its subject and object."""
        return (self.subject, self.object)

    @property
    def all_entities(self) -> tuple[str, ...]:
        """Every entity the claim names, in any role: subject, object, cell context, mediator, model."""
        return tuple(dict.fromkeys((*self.entities, *(e for _, e in self.context_entities))))

    @property
    def context_entities(self) -> tuple[tuple[str, str], ...]:
        """(role, entity id) of the entities that qualify the claim: cell context, mediator, model."""
        roles = (("in cell", self.cell_context), *(("via", v) for v in self.via), ("in model", self.model))
        return tuple((role, e) for role, e in roles if e)


@dataclass(frozen=True)
class Reference:
    """One of the review's numbered references, with whatever the graph says of it as a publication."""

    number: int
    title: str = ""
    creators: tuple[str, ...] = ()
    journal: str = ""
    year: str = ""
    doi: str = ""
    pmid: str = ""

    @property
    def short_title(self) -> str:
        """The title cut at a word to about 60 characters, for tables."""
        if len(self.title) <= 60:
            return self.title
        return self.title[:60].rsplit(" ", 1)[0].rstrip(",;:") + "…"

    @property
    def citation(self) -> str:
        """Authors, title, journal and year as one line ("" when the graph knows only the number)."""
        authors = ", ".join(self.creators)
        parts = [p for p in (authors, self.title, self.journal, self.year) if p]
        return ". ".join(parts)


@dataclass(frozen=True)
class Section:
    id: str
    label: str
    heading: str
    order: int


@dataclass(frozen=True)
class Value:
    """A controlled value of a claim (species, population, design, ...) or a section of the review."""

    set: str
    set_label: str
    id: str  # as a record writes it
    iri: str
    label: str
    definition: str

    @property
    def curie(self) -> str:
        return converter().compress(self.iri, passthrough=True)


@dataclass(frozen=True)
class Factor:
    """A row of the review's Table 1: a factor, its evidence level, immunological effects and references."""

    entity: str
    evidence_level: str | None
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
    references: dict[int, Reference] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)

    @cached_property
    def _by_role(self) -> dict[str, dict[str, list[Claim]]]:
        """role -> entity id -> its claims in claim order, indexed once: the site asks for every entity's claims, and
        a pass over all claims per entity would be quadratic (at 100k claims naming 10k entities: billions of tests)."""
        by: dict[str, dict[str, list[Claim]]] = {r: {} for r in ("subject", "object", "either", "any", "context")}
        for c in self.claims:
            roles = (
                ("subject", (c.subject,)),
                ("object", (c.object,)),
                ("either", c.entities),
                ("any", c.all_entities),
                ("context", tuple(e for _, e in c.context_entities)),
            )
            for role, entities in roles:
                for e in dict.fromkeys(entities):  # a claim once per entity, whatever its roles
                    by[role].setdefault(e, []).append(c)
        return by

    def claims_with_subject(self, entity: str) -> list[Claim]:
        return list(self._by_role["subject"].get(entity, ()))

    def claims_with_object(self, entity: str) -> list[Claim]:
        return list(self._by_role["object"].get(entity, ()))

    def neighbourhood(self, entity: str) -> list[Claim]:
        """Every claim with the entity as subject or object."""
        return list(self._by_role["either"].get(entity, ()))

    def claims_naming(self, entity: str) -> list[Claim]:
        """Every claim that names the entity in any role (subject, object, cell context, mediator, model)."""
        return list(self._by_role["any"].get(entity, ()))

    def claims_in_context(self, entity: str) -> list[Claim]:
        """Claims that name the entity as cell context, mediator or model."""
        return list(self._by_role["context"].get(entity, ()))

    def factors(self) -> list[Factor]:
        """Table 1 in the review's order: direct evidence first, then indirect; rows in claim order."""
        rows: dict[str, list[Claim]] = {}
        for c in self.claims:
            if c.section == TABLE1:
                rows.setdefault(c.subject, []).append(c)
        out = []
        for entity, claims in rows.items():
            level = next((c for c in claims if c.evidence_level), claims[0])
            out.append(Factor(entity, level.evidence_level, level.labels.get("evidence_level", ""), tuple(claims)))
        order = {lvl: i for i, lvl in enumerate(("direct_evidence", "indirect_evidence"))}
        return sorted(out, key=lambda f: order.get(f.evidence_level or "", len(order)))

    def used_entities(self) -> list[str]:
        """Entities that a claim names in any role, in label order."""
        used = {e for c in self.claims for e in c.all_entities}
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
        target = conv.compress(row["target"]) or row["target"]
        return Mapping(pred, label, target, row["target"], row.get("target_label") or "")
    return Mapping(pred, label, row["target"], "")


def _grouped(rows: Iterable[dict[str, str]], key: str, value: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row[value])
    return out


def _references(rows: list[dict[str, str]]) -> dict[int, Reference]:
    """One Reference per number; several dcterms:creator values are kept in the order the query gives."""
    grouped: dict[int, list[dict[str, str]]] = {}
    for row in rows:
        grouped.setdefault(int(row["number"]), []).append(row)
    out = {}
    for n, group in sorted(grouped.items()):
        first = group[0]
        year = first["year"][:4] if first["year"] else ""
        creators = tuple(dict.fromkeys(r["creator"] for r in group if r["creator"]))
        out[n] = Reference(n, first["title"], creators, first["journal"], year, first["doi"], first["pmid"])
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
    lists: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _rows(store, queries_dir / "export", "claim-lists"):
        lists.setdefault((row["claim_id"], row["column"]), []).append(row)
    claims = []
    for r in _rows(store, queries, "claims"):
        cid = r["claim_id"]
        given: dict[str, Any] = {f.name: r[f.column] or None for f in model.FIELDS if f.column and not f.multi}
        given |= {
            f.name: tuple(v["value"] for v in lists.get((cid, f.column), ()))
            for f in model.FIELDS
            if f.multi and f.column and f.name != "references"
        }
        labels = {name: r[f"{name}_label"] for name in LABELLED if r.get(f"{name}_label")}
        labels |= {n: ", ".join(v["label"] for v in lists[(cid, n)]) for n in LIST_LABELLED if (cid, n) in lists}
        refs_of = tuple(sorted(int(n) for n in refs.get(cid, ())))
        claims.append(Claim(**given, references=refs_of, section_order=int(r["section_order"]), labels=labels))
    values = [Value(**{k: v for k, v in r.items() if k != "order"}) for r in _rows(store, queries, "values")]
    references = _references(_rows(store, queries, "references"))
    sections = [
        Section(r["section"], r["label"], r["heading"], int(r["order"])) for r in _rows(store, queries, "sections")
    ]
    return SiteData(ontology, entities, relations, claims, values, references, sections)
