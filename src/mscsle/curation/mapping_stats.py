"""How much of the review is linked to the biomedical web: the mapped share per kind of entity and term."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, URIRef

from mscsle.curation.mappings import MappingSet
from mscsle.curation.records import Records
from mscsle.model.vocab import ENTITY, MSCSLE

# Ontology terms that the mapping table covers, by group: (label, the terms of the group).
TERM_GROUPS = {
    "cell-type classes": lambda g: set(g.transitive_subjects(RDFS.subClassOf, MSCSLE.Cell)),
    "relations": lambda g: set(g.transitive_subjects(RDFS.subPropertyOf, MSCSLE.relation)),
    "species": lambda g: set(g.subjects(RDF.type, MSCSLE.SpeciesContext)),
    "disease states": lambda g: set(g.subjects(RDF.type, MSCSLE.DiseaseState)),
    "populations": lambda g: set(g.subjects(RDF.type, MSCSLE.Population)),
    "study designs": lambda g: set(g.subjects(RDF.type, MSCSLE.StudyDesign)),
    "cell sources": lambda g: set(g.subjects(RDF.type, MSCSLE.CellSource)),
    "evidence levels": lambda g: set(g.subjects(RDF.type, MSCSLE.EvidenceLevel)),
    "evidence types": lambda g: set(g.subjects(RDF.type, MSCSLE.EvidenceType)),
}


@dataclass(frozen=True)
class Share:
    scope: str  # "entity" (the registry, by top-level kind) or "ontology" (the ontology's own terms)
    group: str
    total: int
    mapped: int  # at least one exact, close, broad or narrow match
    explained: int  # no match, with an unmapped reason

    @property
    def missing(self) -> int:
        return self.total - self.mapped - self.explained

    @property
    def share(self) -> float:
        return self.mapped / self.total if self.total else 0.0


def top_kind(ontology: Graph, kind: str) -> str:
    """The class directly below mscsle:Entity that a kind falls under (e.g. Cytokine -> GeneOrGeneProduct)."""
    tops = set(ontology.subjects(RDFS.subClassOf, MSCSLE.Entity))
    for c in ontology.transitive_objects(MSCSLE[kind], RDFS.subClassOf):
        if c in tops:
            return str(c)[len(str(MSCSLE)) :]
    return kind


def _share(scope: str, group: str, terms: set[URIRef], mapped: set[URIRef], explained: set[URIRef]) -> Share:
    return Share(scope, group, len(terms), len(terms & mapped), len(terms & explained - mapped))


def mapping_shares(ontology: Graph, records: Records, ms: MappingSet) -> list[Share]:
    """One row per top-level entity kind, then one per group of ontology terms; sorted within each scope."""
    mapped = {m.subject for m in ms.mapped}
    explained = {m.subject for m in ms.unmapped}
    by_kind: dict[str, set[URIRef]] = {}
    for e in records.entities.values():
        by_kind.setdefault(top_kind(ontology, e.kind), set()).add(ENTITY[e.id])
    shares = [_share("entity", k, terms, mapped, explained) for k, terms in sorted(by_kind.items())]
    # a value that is itself an external term (NCBITaxon, MONDO, ECO) needs no mapping: it is the mapped term
    external = {t for terms in TERM_GROUPS.values() for t in terms(ontology) if not str(t).startswith(str(MSCSLE))}
    shares += [
        _share("ontology", name, terms(ontology), mapped | external, explained) for name, terms in TERM_GROUPS.items()
    ]
    return shares


def total(shares: list[Share], scope: str) -> Share:
    rows = [s for s in shares if s.scope == scope]
    return Share(scope, "all", *(sum(getattr(s, f) for s in rows) for f in ("total", "mapped", "explained")))


HEADERS = ("scope", "kind", "total", "mapped", "unmapped (reason given)", "missing", "mapped share")


def table(shares: list[Share]) -> list[tuple[str, str, int, int, int, int, str]]:
    """Display rows, with a total line per scope."""
    out = []
    for scope in ("entity", "ontology"):
        for s in [*(s for s in shares if s.scope == scope), total(shares, scope)]:
            out.append((s.scope, s.group, s.total, s.mapped, s.explained, s.missing, f"{s.share:.0%}"))
    return out
