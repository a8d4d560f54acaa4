"""The competency queries: each one's complete expected answer (tests/competency_answers.yaml, read from the review's
text), every query answered somewhere, and together they cover every section of the review and every entity kind."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from mscsle.curation.records import load
from mscsle.model.prefixes import converter, sparql_prologue
from mscsle.model.vocab import MSCSLE, Vocab
from mscsle.project import Project
from mscsle.query.engines import Engine, embedded
from mscsle.query.stored import stored_queries
from mscsle.release.pipeline import read_ontology

from .conftest import ROOT, entity_id

ENTITY = "https://w3id.org/mscsle/entity/"
ANSWERS: dict[str, dict] = yaml.safe_load((ROOT / "tests" / "competency_answers.yaml").read_text(encoding="utf-8"))
QUERIES = stored_queries(ROOT / "queries")
Row = tuple[str, ...]


def short(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    """The answer file's spelling of a value: entity id, mscsle: local name, another external term's CURIE
    (NCBITaxon:9606), literal text, "" if unbound."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        if entity_id(term.value) != term.value:
            return entity_id(term.value)
        local = term.value[len(str(MSCSLE)) :]
        if term.value.startswith(str(MSCSLE)) and "/" not in local:
            return local
        return converter().compress(term.value, passthrough=True)
    return term.value


def rows_of(entry: dict, key: str) -> list[Row]:
    return sorted(tuple("" if v is None else str(v) for v in row) for row in entry.get(key) or [])


@pytest.fixture(scope="module")
def engine(dist: Path) -> Engine:
    return embedded(dist)


@pytest.fixture(scope="module")
def answers(engine: Engine) -> dict[str, list[tuple[ox.NamedNode | ox.Literal | None, ...]]]:
    """Every stored query's rows on the built graph."""
    return {name: list(engine.run(q.sparql).rows) for name, q in QUERIES.items()}


def section_counts(project: Project) -> list[Row]:
    """claims-per-section, computed from the curated records (not from the graph): claims, hedged, own statements."""
    ontology = read_ontology(project)
    records = load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(ontology))
    by_section: dict[str, Counter] = {}
    for c in records.claims:
        n = by_section.setdefault(c.section, Counter())
        n["claims"] += 1
        n["hedged"] += c.certainty == "hedged"
        n["own"] += not c.references
    heading = {str(s): str(h) for s, h in ontology.subject_objects(MSCSLE.heading)}
    return sorted(
        (f"section_{s}", heading[f"{MSCSLE}section_{s}"], str(n["claims"]), str(n["hedged"]), str(n["own"]))
        for s, n in by_section.items()
    )


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_expected_answer(name: str, engine: Engine, project: Project):
    entry = ANSWERS[name]
    assert name in QUERIES, f"tests/competency_answers.yaml answers {name!r}, which is not in queries/"
    results = engine.run(QUERIES[name].sparql)
    assert list(results.variables) == entry["columns"]
    got = sorted(tuple(short(t) for t in row) for row in results.rows)
    expected = section_counts(project) if entry["rows"] == "from-records" else rows_of(entry, "rows")
    now_answered = set(rows_of(entry, "missing")) & set(got)
    assert not now_answered, f"the data now gives {sorted(now_answered)}: move them from `missing` to `rows`"
    assert got == expected


def _answered_elsewhere() -> set[str]:
    """Queries whose answers another competency test module asserts (the foundation's, by `ask("name")`)."""
    names = set()
    for f in (ROOT / "tests").glob("test_competency*.py"):
        names |= set(re.findall(r'ask\("([a-z0-9-]+)"\)', f.read_text(encoding="utf-8")))
    return names


def test_every_query_has_its_expected_answer_asserted():
    unanswered = set(QUERIES) - set(ANSWERS) - _answered_elsewhere()
    assert not unanswered, f"no expected answer for {sorted(unanswered)}: add it to tests/competency_answers.yaml"


def _entities_in_text(sparql: str) -> set[str]:
    """The entity IRIs a query names: project IRIs and the external terms that are entities."""
    conv = converter()
    found = {ENTITY + m for m in re.findall(r"mscsle\.entity:([A-Za-z0-9_-]+)", sparql)}
    found |= {conv.expand(c) for c in re.findall(r"\b(?:CL|GO|CHEBI|MONDO|NCBITaxon|hgnc|MGI):[A-Za-z0-9_]+", sparql)}
    return found


def _claim_entities(engine: Engine) -> dict[str, list[set[str]]]:
    """section local name -> for each claim, the entities it names (subject, object, mediator)."""
    q = (
        sparql_prologue()
        + """SELECT ?section ?claim ?e WHERE {
        ?claim mscsle:in_section ?section . { ?claim mscsle:has_subject ?e } UNION { ?claim mscsle:has_object ?e }
        UNION { ?claim mscsle:via ?e } }"""
    )
    claims: dict[tuple[str, str], set[str]] = {}
    for section, claim, e in engine.run(q).rows:
        claims.setdefault((short(section).removeprefix("section_"), claim.value), set()).add(e.value)
    out: dict[str, list[set[str]]] = {}
    for (section, _), entities in claims.items():
        out.setdefault(section, []).append(entities)
    return out


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_declared_sections_are_part_of_the_answer(name: str, engine: Engine, answers):
    """Each section a query claims to be about has a claim that names an entity of the answer (or of the query),
    or the section itself is in the answer."""
    iris = {t.value for row in answers[name] for t in row if isinstance(t, ox.NamedNode)}
    entities = (iris | _entities_in_text(QUERIES[name].text)) - {"http://purl.obolibrary.org/obo/CL_0000134"}  # MSC
    claims = _claim_entities(engine)
    for section in ANSWERS[name]["sections"]:
        assert section in claims, f"{name}: unknown section {section!r}"
        in_answer = f"{MSCSLE}section_{section}" in iris or any(c & entities for c in claims[section])
        assert in_answer, f"{name} is declared to be about section {section!r}, but none of its claims is in the answer"


def test_queries_cover_every_section(project):
    vocab = Vocab.from_ontology(read_ontology(project))
    covered = {s for entry in ANSWERS.values() for s in entry["sections"]}
    assert covered == set(vocab.sections)


def test_queries_cover_every_kind_of_entity(engine: Engine, answers):
    """Every entity class that the registry uses has at least one of its entities in some competency answer."""
    q = (
        sparql_prologue()
        + "SELECT ?e ?kind WHERE { ?kind rdfs:subClassOf+ mscsle:Entity . ?e a owl:NamedIndividual , ?kind }"
    )
    kind_of = {e.value: short(k) for e, k in engine.run(q).rows}
    used = set(kind_of.values())
    answered = {
        kind_of[t.value]
        for rows in answers.values()
        for row in rows
        for t in row
        if isinstance(t, ox.NamedNode) and t.value in kind_of
    }
    assert used - answered == set(), f"entity kinds that no competency query answers with: {sorted(used - answered)}"
    assert len(used) >= 25  # the cell kinds that only mirrored one cell type are gone (docs/model.md)
