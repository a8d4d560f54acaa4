"""The imported terms' place in their source's hierarchy: the verified edge table, the modules and the release."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDFS, Graph, URIRef

from mscsle.checks.qc import run_checks
from mscsle.cli import main
from mscsle.curation.mappings import load_mappings
from mscsle.curation.records import load
from mscsle.errors import CurationError
from mscsle.model.prefixes import converter
from mscsle.model.vocab import Vocab
from mscsle.project import Project
from mscsle.query.stored import load_store
from mscsle.release.import_modules import HIERARCHY, HIERARCHY_COLUMNS, read_hierarchy, superclasses
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


def test_the_release_asserts_exactly_the_table_edges_between_imported_terms(built: Graph, mapped: set[str]):
    """Every rdfs:subClassOf between external classes is a row of the edge table, and every row whose two terms
    are imported is in the release (today no edge has to be composed through a term that is not imported)."""
    expected = {
        (_iri(r["child"]), _iri(r["parent"])) for r in _rows(ROOT / HIERARCHY) if {r["child"], r["parent"]} <= mapped
    }
    found = {
        (s, o)
        for s, o in built.subject_objects(RDFS.subClassOf)
        if isinstance(o, URIRef) and str(s).startswith(OBO) and str(o).startswith(OBO)
    }
    assert found == expected
    # 10 edges between imported classes: 9 before the GO tolerance edge
    assert (_iri("CL:0000815"), _iri("CL:0000084")) in expected and len(expected) == 10


def test_the_committed_cl_module_carries_the_edges():
    module = Graph().parse(ROOT / "ontology" / "imports" / "cl_import.ttl", format="turtle")
    assert set(module.objects(_iri("CL:0000792"), RDFS.subClassOf)) == {_iri("CL:0000624")}
    assert set(module.objects(_iri("CL:0000084"), RDFS.subClassOf)) == set()  # a root: lymphocyte is not a term


def test_a_term_whose_table_parent_is_not_imported_reaches_the_nearest_imported_ancestor():
    hierarchy = {"X:1": frozenset({"X:2"}), "X:2": frozenset({"X:3"}), "X:4": frozenset({"X:1", "X:3"})}
    assert superclasses(hierarchy, {"X:1", "X:3", "X:4"}) == {"X:1": ["X:3"], "X:4": ["X:1"]}


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


def test_missing_superclass_covers_imported_obo_classes():
    """The widened rule: an imported OBO root is reported, its subclass and a gene record are not."""
    qc = ROOT / "tests" / "fixtures" / "qc"
    g = Graph().parse(qc / "base.ttl").parse(qc / "missing_superclass.ttl")
    rows = run_checks(load_store(g.serialize(format="nt").encode("utf-8")), ROOT / "queries")["missing_superclass"].rows
    assert {r[0] for r in rows} == {"https://w3id.org/mscsle/C", f"{OBO}CL_0000084"}
