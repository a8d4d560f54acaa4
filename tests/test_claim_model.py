"""The claim model (model/claim.py) is the one declaration: shapes, queries, record checks, triples and the site agree.

The SHACL shapes and the .rq files stay hand-written; these tests prove, field by field, that they say what the
model says, so that changing a field in one place and not the other fails here.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

from mscsle.curation.records import OPTIONAL, REQUIRED, load
from mscsle.errors import CurationError
from mscsle.model import claim as model
from mscsle.model.prefixes import sparql_prologue
from mscsle.model.vocab import CLAIM, MSCSLE, Vocab
from mscsle.project import Project
from mscsle.release.graph import Terms, claim_triples
from mscsle.release.pipeline import LIST_COLUMNS, read_ontology
from mscsle.site.data import LABELLED, LIST_LABELLED

from .conftest import FIXTURES, ROOT, make_project

CLAIM_SHAPES = ROOT / "shapes" / "claim.shacl.ttl"
OBO = "http://purl.obolibrary.org/obo/"
NCBITAXON_9606, NCBITAXON_10090 = URIRef(f"{OBO}NCBITaxon_9606"), URIRef(f"{OBO}NCBITaxon_10090")
MONDO_SLE, ECO_KNOCKDOWN, ECO_IN_VITRO = (
    URIRef(f"{OBO}MONDO_0007915"),
    URIRef(f"{OBO}ECO_0000015"),  # mutant phenotype evidence: a knock-down whose means is not named
    URIRef(f"{OBO}ECO_0000181"),
)
EVERY_FIELD = model.FIELDS + model.DERIVED


def claim_property_shapes() -> dict[URIRef, URIRef]:
    """sh:path -> property shape, for the property shapes that target every mscsle:Claim."""
    g = Graph().parse(CLAIM_SHAPES, format="turtle")
    shapes: dict[URIRef, URIRef] = {}
    for shape in g.subjects(SH.targetClass, MSCSLE.Claim):
        path = g.value(shape, SH.path)
        assert isinstance(path, URIRef), f"{shape}: the claim's property shapes have a plain property as path"
        assert path not in shapes, f"{path} has two property shapes: {shapes[path]} and {shape}"
        shapes[path] = shape
    return shapes


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(CLAIM_SHAPES, format="turtle")


def _int(g: Graph, shape: URIRef, p: URIRef) -> int | None:
    v = g.value(shape, p)
    return int(v) if isinstance(v, Literal) else None


@pytest.mark.parametrize("field", EVERY_FIELD, ids=lambda f: f.name)
def test_shape_agrees_with_the_model(field: model.Field | model.Derived, shapes: Graph):
    """Each model field has a property shape on the claim with its path, cardinality and class/datatype/values."""
    shape = claim_property_shapes().get(field.property)
    assert shape is not None, f"no property shape with sh:path <{field.property}> targets mscsle:Claim"
    assert (_int(shapes, shape, SH.minCount) or 0) == field.min_count, f"{shape}: sh:minCount"
    assert _int(shapes, shape, SH.maxCount) == field.max_count, f"{shape}: sh:maxCount"
    assert shapes.value(shape, SH["class"]) == field.rdf_class, f"{shape}: sh:class"
    assert shapes.value(shape, SH.datatype) == field.datatype, f"{shape}: sh:datatype"
    allowed = shapes.value(shape, SH["in"])
    one_of = getattr(field, "one_of", ())
    assert (set(Collection(shapes, allowed)) if allowed is not None else set()) == set(one_of), f"{shape}: sh:in"
    if getattr(field, "values", None) == "relations":  # no class: a relation is a property below mscsle:relation
        relation = next(shapes.subjects(SH.targetObjectsOf, field.property))
        assert shapes.value(relation, SH.hasValue) == MSCSLE.relation


def test_shapes_have_no_claim_property_the_model_lacks():
    assert set(claim_property_shapes()) == {f.property for f in EVERY_FIELD}


def test_every_model_property_is_declared_in_the_ontology():
    ontology = read_ontology(Project(ROOT))
    kinds = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    for f in EVERY_FIELD:
        if f.property == RDFS.label:  # an annotation property of RDF Schema itself
            continue
        declared = set(ontology.objects(f.property, RDF.type)) & kinds
        expected = model.owl_kind(f)
        assert declared == {expected}, f"{f.name}: <{f.property}> is declared {declared} in ontology/mscsle.ttl"


# --- queries ---------------------------------------------------------------------------------------------------------


def _select_variables(path: Path) -> list[str]:
    query = prepareQuery(sparql_prologue() + path.read_text(encoding="utf-8"))
    return [str(v) for v in query.algebra["PV"]]


def _patterns(node: object, optional: bool = False) -> list[tuple[URIRef, bool]]:
    """(predicate, inside an OPTIONAL) of every triple pattern of a query's algebra."""
    out: list[tuple[URIRef, bool]] = []
    if isinstance(node, CompValue):
        if node.name == "BGP":
            out += [(p, optional) for _, p, _ in node["triples"] if isinstance(p, URIRef)]
        for key, child in node.items():
            out += _patterns(child, optional or (node.name == "LeftJoin" and key == "p2"))
    elif isinstance(node, list | tuple):
        for child in node:
            out += _patterns(child, optional)
    return out


def test_claims_table_query_selects_the_model_columns():
    """The export query selects every single-valued column of the model, in the model's order, and reads each field
    through its property: inside OPTIONAL exactly when the field is optional. The list query gives every list
    column but the references (fetched apart), each through its property."""
    path = ROOT / "queries" / "export" / "claims-table.rq"
    single = [f for f in model.FIELDS if not f.multi]
    assert _select_variables(path) == [c for c in model.TABLE_COLUMNS if c not in LIST_COLUMNS]
    patterns = _patterns(prepareQuery(sparql_prologue() + path.read_text(encoding="utf-8")).algebra)
    for f in single:
        found = {optional for p, optional in patterns if p == f.property}
        where = "only inside OPTIONAL" if f.min_count == 0 else "outside OPTIONAL"
        assert found == {f.min_count == 0}, f"{f.name}: <{f.property}> must be read {where}"
    lists = ROOT / "queries" / "export" / "claim-lists.rq"
    text = lists.read_text(encoding="utf-8")
    read = {p for p, _ in _patterns(prepareQuery(sparql_prologue() + text).algebra)}
    for f in model.FIELDS:
        if f.multi and f.name != "references":
            assert f.property in read and f'"{f.column}"' in text, f"{f.name}: not in claim-lists.rq"


def test_site_query_selects_the_model_columns_and_their_labels():
    names = _select_variables(ROOT / "queries" / "site" / "claims.rq")
    columns = [f.column for f in model.FIELDS if f.column and not f.multi]
    assert set(columns) <= set(names), f"missing: {set(columns) - set(names)}"
    assert {f"{n}_label" for n in LABELLED if n not in LIST_LABELLED} <= set(names)


def test_claims_table_columns_come_from_the_model():
    from mscsle.release.pipeline import CLAIMS_COLUMNS

    assert CLAIMS_COLUMNS == model.TABLE_COLUMNS
    assert CLAIMS_COLUMNS[:3] == ("claim_id", "subject", "subject_id")  # a label column precedes its id column


# --- record checks and triples ---------------------------------------------------------------------------------------


def test_record_fields_are_the_model_fields():
    assert (*REQUIRED, *OPTIONAL) == tuple(f.name for f in model.FIELDS if f.in_record and f.required) + tuple(
        f.name for f in model.FIELDS if f.in_record and not f.required
    )
    assert set(REQUIRED) | set(OPTIONAL) == {f.name for f in dataclasses.fields(model.Claim)} - {"section"}
    assert "references" in REQUIRED and "hedge" in OPTIONAL  # a list is always written; at most one is optional


def _records_project(tmp: Path, claim: dict) -> tuple[Project, Vocab]:
    tmp.mkdir(parents=True, exist_ok=True)
    project = make_project(tmp, FIXTURES / "mini")
    for f in project.claims_dir.glob("*.yaml"):
        f.unlink()
    text = yaml.safe_dump({"section": "table1", "claims": [claim]}, sort_keys=False)  # supported_by: Table 1 only
    (project.claims_dir / "one.yaml").write_text(text, encoding="utf-8")
    return project, Vocab.from_ontology(read_ontology(project))


GOOD = {
    "id": "dg-01",
    "subject": "OAZ",
    "relation": "overexpressed_in",
    "object": "MSC",
    "via": ["CCL2"],
    "species": ["human", "mouse"],
    "disease_state": "sle",
    "population": "sle_patients",
    "model": "OAZ",
    "design": ["knockdown", "in_vitro"],
    "cell_source": "bone_marrow",
    "cell_context": "MSC",
    "certainty": "hedged",
    "hedge": "may",
    "evidence_level": "direct_evidence",
    "references": [41],
    "supported_by": ["dg-01"],
    "quote": ["OAZ is over-expressed in MSCs from SLE patients", "The effect of OAZ is mediated by the chemokine CCL2"],
}
LISTS = {f.name for f in model.FIELDS if f.multi}


def test_a_record_with_every_field_loads_into_the_model_claim(tmp_path: Path):
    project, vocab = _records_project(tmp_path, GOOD)
    (c,) = load(project.root, project.entities, project.claims_dir, vocab).claims
    assert isinstance(c, model.Claim)
    assert {f.name: getattr(c, f.name) for f in model.FIELDS} == {
        **{k: tuple(v) if k in LISTS else v for k, v in GOOD.items()},
        "section": "table1",
    }


@pytest.mark.parametrize("field", [f for f in model.FIELDS if f.in_record], ids=lambda f: f.name)
def test_record_checks_follow_the_model(field: model.Field, tmp_path: Path):
    """Leaving a required field out, or giving a field a value from outside its source, names that field."""
    bad = {**GOOD, field.name: [] if not field.multi else "41"}  # a list where one value belongs, or the reverse
    if field.vocab or field.values in ("entities", "cells"):
        bad[field.name] = "no_such_value" if not field.multi else [9999]
    project, vocab = _records_project(tmp_path / "bad", bad)
    with pytest.raises(CurationError) as e:
        load(project.root, project.entities, project.claims_dir, vocab)
    assert {p.field for p in e.value.problems} == {field.name}, str(e.value)
    if field.required:
        project, vocab = _records_project(tmp_path / "missing", {k: v for k, v in GOOD.items() if k != field.name})
        with pytest.raises(CurationError, match=f"field '{field.name}': is missing; it is required"):
            load(project.root, project.entities, project.claims_dir, vocab)


def test_claim_triples_write_every_field_through_its_property(tmp_path: Path):
    project, vocab = _records_project(tmp_path, GOOD)
    records = load(project.root, project.entities, project.claims_dir, vocab)
    (c,) = records.claims
    node = CLAIM[c.id]
    iris = Terms.own(records).iris  # every entity under its project IRI
    triples = [(p, o) for s, p, o in claim_triples(c, vocab, "a label", iris) if s == node and p != RDF.type]
    props = [p for p, _ in triples]
    per_value = [f.property for f in model.FIELDS for _ in (getattr(c, f.name) if f.multi else [f.name])]
    assert sorted(props) == sorted(per_value + [d.property for d in model.DERIVED] + [MSCSLE.has_evidence_type] * 2)
    values = {o for p, o in triples}
    assert {NCBITAXON_9606, NCBITAXON_10090, MONDO_SLE} <= values  # the external terms are the values themselves
    assert {ECO_KNOCKDOWN, ECO_IN_VITRO, model.ECO_TRACEABLE_AUTHOR_STATEMENT} <= values  # each design's ECO type
