"""The imported terms' place in their source's hierarchy: the verified chains and edge tables, the modules and the
release."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from mscsle.checks.qc import run_checks
from mscsle.cli import main
from mscsle.curation.mappings import load_mappings
from mscsle.curation.records import load
from mscsle.errors import CurationError
from mscsle.model.prefixes import converter
from mscsle.model.vocab import Vocab
from mscsle.project import Project
from mscsle.query.stored import load_store
from mscsle.release.ancestry import ANCESTRY, ANCESTRY_COLUMNS, Ancestry, read_ancestry
from mscsle.release.import_modules import HIERARCHY, HIERARCHY_COLUMNS, read_hierarchy, read_superclasses
from mscsle.release.pipeline import read_ontology

from .conftest import FIXTURES, ROOT, make_project

OBO = "http://purl.obolibrary.org/obo/"
TERMS = ROOT / "data" / "reference" / "external-terms.tsv"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _iri(curie: str) -> URIRef:
    return URIRef(converter().expand_strict(curie))


@pytest.fixture(scope="module")
def built(dist: Path) -> Graph:
    return Graph().parse(dist / "mscsle.nt", format="nt")


@pytest.fixture(scope="module")
def mapped(project: Project) -> set[str]:
    ontology = read_ontology(project)
    records = load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(ontology))
    return set(load_mappings(project, ontology, records).terms())


def test_every_edge_joins_two_verified_terms_of_one_source_with_its_evidence():
    """No new external id: both ends are verified rows of the reference table with the labels given there; the
    intermediate classes of the source appear only in the is_a path."""
    table = {r["curie"]: r for r in _rows(TERMS) if r["status"] == "verified"}
    rows = _rows(ROOT / HIERARCHY)
    assert rows and tuple(rows[0]) == HIERARCHY_COLUMNS
    for r in rows:
        assert table[r["child"]]["label"] == r["child_label"] and table[r["parent"]]["label"] == r["parent_label"]
        path = r["is_a_path"].split(" > ")
        assert path[0] == r["child"] and path[-1] == r["parent"] and len(set(path)) == len(path)
        assert {p.split(":")[0] for p in path} == {r["child"].split(":")[0]}
        assert r["verified_in"].count(":") == 1 and "@" in r["verified_in"]


def test_the_regulatory_t_cell_reaches_the_t_cell_in_the_release(built: Graph):
    """T cell subsets under the T cell term (rdfs:subClassOf+), M2 under macrophage."""
    ask = "ASK { ?sub rdfs:subClassOf+ ?sup }"
    for sub, sup in [
        ("CL:0000815", "CL:0000084"),  # regulatory T cell -> T cell
        ("CL:0000792", "CL:0000084"),  # CD4+CD25+ regulatory T cell -> CD4+ alpha-beta T cell -> T cell
        # (Th17 and bone marrow MSC left with schema v2: no claim used Th17; bone marrow is a cell source now)
        ("CL:0000890", "CL:0000235"),  # M2 macrophage -> macrophage
        ("GO:0042098", "GO:0042110"),  # T cell proliferation -> T cell activation
    ]:
        assert built.query(ask, initBindings={"sub": _iri(sub), "sup": _iri(sup)}).askAnswer, (sub, sup)
    assert not built.query(ask, initBindings={"sub": _iri("CL:0000084"), "sup": _iri("CL:0000815")}).askAnswer


def test_the_t_cell_chain_reaches_the_cl_root_in_the_release(dist: Path):
    """T cell under lymphocyte under leukocyte under hematopoietic cell under cell, each with its CL label, in the
    released Turtle; cell (CL:0000000) is CL's root, under nothing."""
    ttl = Graph().parse(dist / "mscsle.ttl", format="turtle")
    chain = [
        ("CL:0000084", "T cell"),
        ("CL:0000542", "lymphocyte"),
        ("CL:0000738", "leukocyte"),
        ("CL:0000988", "hematopoietic cell"),
        ("CL:0000000", "cell"),
    ]
    for (sub, label), (sup, _) in zip(chain, chain[1:], strict=False):
        assert list(ttl.objects(_iri(sub), RDFS.subClassOf)) == [_iri(sup)], sub
        assert list(ttl.objects(_iri(sub), RDFS.label)) == [Literal(label, lang="en")]
    assert list(ttl.objects(_iri("CL:0000000"), RDFS.label)) == [Literal("cell", lang="en")]
    assert (_iri("CL:0000000"), RDFS.subClassOf, None) not in ttl
    # the regulatory T cell reaches it through mature T cell; GO and ChEBI terms reach their roots too
    ask = "ASK { ?sub rdfs:subClassOf+ ?sup }"
    for sub, sup in [
        ("CL:0000815", "CL:0000000"),
        ("GO:0042098", "GO:0008150"),
        ("GO:0006914", "GO:0008150"),  # autophagy: decided from MP's 2017 copy of uPheno's GO import
        ("CHEBI:16480", "CHEBI:24431"),
        ("MONDO:0007915", "MONDO:0007179"),  # SLE under lupus erythematosus under autoimmune disease
    ]:
        assert ttl.query(ask, initBindings={"sub": _iri(sub), "sup": _iri(sup)}).askAnswer, (sub, sup)


def test_the_release_asserts_exactly_the_chain_steps_of_the_imported_terms(built: Graph, mapped: set[str]):
    """Every rdfs:subClassOf between external classes is a step of a chain that starts at an imported term, and
    every such step is in the release; so each class has one superclass, and every edge of the edge table between
    imported terms is entailed through the chain."""
    ancestry = read_ancestry(ROOT)
    needed = ancestry.closure(mapped)
    expected = {(_iri(c), _iri(p)) for c, p in ancestry.parent.items() if c in needed}
    found = {
        (s, o)
        for s, o in built.subject_objects(RDFS.subClassOf)
        if isinstance(o, URIRef) and str(s).startswith(OBO) and str(o).startswith(OBO)
    }
    assert found == expected
    # 110 steps (10 edges between imported terms before the chains): CL 42, GO 47, ChEBI 16, MONDO 5
    assert len(expected) == 110 and len({s for s, _ in found}) == len(found)
    ask = "ASK { ?sub rdfs:subClassOf+ ?sup }"
    for r in _rows(ROOT / HIERARCHY):
        if {r["child"], r["parent"]} <= mapped:
            assert built.query(ask, initBindings={"sub": _iri(r["child"]), "sup": _iri(r["parent"])}).askAnswer, r


def test_every_ancestor_row_is_in_its_module_with_both_labels(mapped: set[str]):
    """Each chain step that an imported term needs is in its source's module: both ends declared, labelled as the
    row says (a mapped term as the reference table has it), the step asserted; no class beyond the chains."""
    modules = Graph()
    for module in (ROOT / "ontology" / "imports").glob("*_import.ttl"):
        modules.parse(module, format="turtle")
    ancestry = read_ancestry(ROOT)
    needed = ancestry.closure(mapped)
    table = {r["curie"]: r["label"] for r in _rows(TERMS) if r["status"] == "verified"}
    rows = [r for r in _rows(ROOT / ANCESTRY) if r["child"] in needed]
    assert len(rows) == 110
    for r in rows:
        child, parent = _iri(r["child"]), _iri(r["parent"])
        assert (child, RDFS.subClassOf, parent) in modules, r["child"]
        for curie, label in ((r["child"], r["child_label"]), (r["parent"], r["parent_label"])):
            want = table[curie] if curie in mapped else label
            assert list(modules.objects(_iri(curie), RDFS.label)) == [Literal(want, lang="en")], curie
            assert (_iri(curie), RDF.type, OWL.Class) in modules
    obo = {str(c) for c in modules.subjects(RDF.type, OWL.Class) if str(c).startswith(OBO)}
    assert obo == {str(_iri(c)) for c in needed if c.split(":")[0] in {"CL", "GO", "CHEBI", "MONDO"}}  # classes


def test_every_ancestor_that_is_a_table_term_has_the_table_label():
    """Where a chain passes through a verified term of the reference table, the row's label is the table's."""
    table = {r["curie"]: r["label"] for r in _rows(TERMS) if r["status"] == "verified"}
    rows = _rows(ROOT / ANCESTRY)
    assert rows and tuple(rows[0]) == ANCESTRY_COLUMNS
    for r in rows:
        assert r["parent"] not in table or table[r["parent"]] == r["parent_label"], r
        assert r["verified_in"].count(":") == 1 and "@" in r["verified_in"] and r["source"]


def test_the_committed_cl_module_carries_the_chains():
    module = Graph().parse(ROOT / "ontology" / "imports" / "cl_import.ttl", format="turtle")
    assert set(module.objects(_iri("CL:0000792"), RDFS.subClassOf)) == {_iri("CL:0000624")}
    assert set(module.objects(_iri("CL:0000084"), RDFS.subClassOf)) == {_iri("CL:0000542")}  # lymphocyte
    assert module.value(_iri("CL:0000542"), RDFS.label) == Literal("lymphocyte", lang="en")
    assert set(module.objects(_iri("CL:0000000"), RDFS.subClassOf)) == set()  # CL's root
    (header,) = module.subjects(RDF.type, OWL.Ontology)
    versions = {str(v) for v in module.objects(header, OWL.versionInfo)}
    assert "superclasses as checked in: obophenotype/cell-ontology:src/ontology/cl-edit.owl@fd61b954" in versions


def test_one_chain_per_term():
    assert Ancestry({"X:1": "X:2", "X:2": "X:3"}, {}).chain("X:1") == ["X:2", "X:3"]
    assert Ancestry({"X:1": "X:2", "X:2": "X:3"}, {}).closure({"X:2", "X:4"}) == {"X:2", "X:3", "X:4"}


def test_a_cycle_in_the_edge_table_is_bad_input(tmp_path: Path):
    """Exit 2, one message naming the file, the term and the field; nothing built."""
    project = make_project(tmp_path, FIXTURES / "mini")
    table = project.root / HIERARCHY
    table.parent.mkdir(parents=True)
    path = "GO:0042098 > GO:0042110"
    lines = ["\t".join(HIERARCHY_COLUMNS), f"GO:0042098\ta\tGO:0042110\tb\tGO\tx/y:f@1\t{path}\tSubClassOf"]
    lines.append("GO:0042110\tb\tGO:0042098\ta\tGO\tx/y:f@1\tGO:0042110 > GO:0042098\tSubClassOf")
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--root", str(project.root), "build", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{HIERARCHY}: GO:0042098: field 'parent': the is_a edges form a cycle" in result.output
    assert "Traceback" not in result.output and not out.exists()
    table.write_text("child\tparent\n", encoding="utf-8")
    with pytest.raises(CurationError, match="header must be the columns child, child_label"):
        read_hierarchy(project.root)


STEP = "CL:0000134\tmesenchymal stem cell\tCL:0000048\tmulti fate stem cell\tCL\tx/y:f.owl@fd61b954\tSubClassOf\t"


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (STEP.replace("CL:0000048", "XX:0000048"), "line 3: field 'parent': 'XX:0000048' is not a CURIE"),
        (STEP.replace("multi fate stem cell", ""), "line 3: field 'parent_label': missing"),
        (STEP.replace("x/y:f.owl@fd61b954", "cl-edit.owl"), "line 3: field 'verified_in': must be owner/repo"),
        (STEP.replace("CL:0000048", "GO:0000048"), "line 3: field 'parent': 'GO:0000048' is not another term"),
        (STEP.replace("CL:0000048\tmulti", "CL:0000000\tmulti"), "line 3: field 'child': 'CL:0000134' already"),
        (
            STEP.replace(
                "CL:0000134\tmesenchymal stem cell\tCL:0000048\tmulti fate stem cell",
                "CL:0000048\tmulti fate stem cell\tCL:0000134\tmesenchymal stem cell",
            ),
            "line 3: field 'parent': the chain of 'CL:0000048' comes back",
        ),
    ],
)
def test_a_malformed_ancestry_row_is_bad_input(tmp_path: Path, row: str, where: str):
    """Exit 2 and one message naming the file, the line and the field; nothing built."""
    project = make_project(tmp_path, FIXTURES / "mini")
    table = project.root / ANCESTRY
    table.parent.mkdir(parents=True)
    table.write_text("\t".join(ANCESTRY_COLUMNS) + "\n" + STEP + "\n" + row + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--root", str(project.root), "build", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{ANCESTRY}: {where}" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_the_good_ancestry_row_builds_its_step_into_the_mini_release(tmp_path: Path):
    """The same fixture row, well formed: the mini build places MSC under multi fate stem cell, labelled."""
    project = make_project(tmp_path, FIXTURES / "mini")
    table = project.root / ANCESTRY
    table.parent.mkdir(parents=True)
    table.write_text("\t".join(ANCESTRY_COLUMNS) + "\n" + STEP + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--root", str(project.root), "build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    g = Graph().parse(out / "mscsle.ttl", format="turtle")
    assert (_iri("CL:0000134"), RDFS.subClassOf, _iri("CL:0000048")) in g
    assert g.value(_iri("CL:0000048"), RDFS.label) == Literal("multi fate stem cell", lang="en")


def test_an_edge_off_its_chain_is_bad_input(tmp_path: Path):
    """The edge table and the chains were read in the same files: an edge whose parent is not on its child's chain
    is refused, naming the edge table, the child and the field."""
    project = make_project(tmp_path, FIXTURES / "mini")
    (project.root / ANCESTRY).parent.mkdir(parents=True)
    (project.root / ANCESTRY).write_text("\t".join(ANCESTRY_COLUMNS) + "\n" + STEP + "\n", encoding="utf-8")
    edge = "CL:0000134\ta\tCL:0000037\tb\tCL\tx/y:f@1\tCL:0000134 > CL:0000037\tSubClassOf"
    (project.root / HIERARCHY).write_text("\t".join(HIERARCHY_COLUMNS) + "\n" + edge + "\n", encoding="utf-8")
    with pytest.raises(CurationError, match="CL:0000134: field 'parent': 'CL:0000037' is not on the chain"):
        read_superclasses(project.root)


def test_missing_superclass_covers_imported_obo_classes():
    """The widened rule: an imported OBO root is reported, its subclass and a gene record are not."""
    qc = ROOT / "tests" / "fixtures" / "qc"
    g = Graph().parse(qc / "base.ttl").parse(qc / "missing_superclass.ttl")
    rows = run_checks(load_store(g.serialize(format="nt").encode("utf-8")), ROOT / "queries")["missing_superclass"].rows
    assert {r[0] for r in rows} == {"https://w3id.org/mscsle/C", f"{OBO}CL_0000084"}
