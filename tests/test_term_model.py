"""Issue 13, one IRI per thing: the term model of the release, the OBO QC report, and the bad input it refuses."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from mscsle.checks.qc import counts, qc_rules, release_checks, run_checks
from mscsle.cli import main
from mscsle.curation.records import load
from mscsle.model.claim import BY_NAME, KEY_FIELDS
from mscsle.model.vocab import ENTITY, EXACT_SYNONYM, MSCSLE, Vocab
from mscsle.project import Project
from mscsle.query.stored import load_store
from mscsle.release.pipeline import project_entity_iris, read_ontology
from mscsle.release.term_iris import HAS_DBXREF

from .conftest import FIXTURES, ROOT, make_project

QC = FIXTURES / "qc"
HGNC = "http://identifiers.org/hgnc/"
NCBIGENE = "http://identifiers.org/ncbigene/"


@pytest.fixture(scope="module")
def graph(dist: Path) -> Graph:
    return Graph().parse(dist / "mscsle.nt", format="nt")


@pytest.fixture(scope="module")
def store(dist: Path) -> ox.Store:
    return load_store((dist / "mscsle.nt").read_bytes())


def _by_label(graph: Graph, label: str) -> set[str]:
    return {str(s) for s, o in graph.subject_objects(RDFS.label) if str(o) == label}


def test_t_cell_is_one_term(store: ox.Store):
    """The issue's example: three "T cell"s before; now only CL's, typed 'en'."""
    rows = list(store.query('SELECT ?x WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> "T cell"@en }'))
    assert [r["x"].value for r in rows] == ["http://purl.obolibrary.org/obo/CL_0000084"]


def test_every_entity_resolves_to_exactly_one_term_by_its_names(project: Project, graph: Graph):
    """Every cell type, gene, process ... of the registry: its label finds exactly its one IRI, and the review's
    name finds it too (as the label, or as an exact synonym of an external term)."""
    iris = project_entity_iris(project)
    ontology = read_ontology(project)
    records = load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(ontology))
    for eid, e in records.entities.items():
        iri = iris[eid]
        (label,) = graph.objects(iri, RDFS.label)
        assert label.language == "en", eid
        assert _by_label(graph, str(label)) == {str(iri)}, eid
        named = {s for s in graph.subjects(RDFS.label, Literal(e.label, lang="en"))}
        named |= {s for s in graph.subjects(EXACT_SYNONYM, Literal(e.label, lang="en"))}
        assert named == {iri} or str(label).casefold() == e.label.casefold(), eid


def test_external_iris_replace_project_iris(project: Project, graph: Graph):
    iris = project_entity_iris(project)
    assert iris["T-cell"] == URIRef("http://purl.obolibrary.org/obo/CL_0000084")
    assert iris["OAZ"] == URIRef(HGNC + "16762") and iris["SLE"] == URIRef(
        "http://purl.obolibrary.org/obo/MONDO_0007915"
    )
    assert iris["CD4-T-cell"] == ENTITY["CD4-T-cell"]  # only a close match: a project term with skos:closeMatch
    assert (ENTITY["CD4-T-cell"], SKOS.closeMatch, URIRef("http://purl.obolibrary.org/obo/CL_0000624")) in graph
    for eid, iri in iris.items():
        if iri != ENTITY[eid]:
            assert not set(graph.triples((ENTITY[eid], None, None))), f"{eid} has a second, project IRI"
    assert (URIRef(HGNC + "16762"), EXACT_SYNONYM, Literal("OAZ", lang="en")) in graph


def test_ncbi_gene_is_only_a_cross_reference(graph: Graph):
    assert (URIRef(HGNC + "16762"), HAS_DBXREF, Literal("NCBIGene:23090")) in graph
    assert not [t for t in graph if any(str(x).startswith(NCBIGENE) for x in t)]
    assert not list(graph.subjects(RDFS.label, Literal("ZNF423"))) or set(
        graph.subjects(RDFS.label, Literal("ZNF423", lang="en"))
    ) == {URIRef(HGNC + "16762")}


def test_kind_classes_are_not_mirrored_and_relations_are_never_individuals(graph: Graph):
    assert (MSCSLE.TCell, RDFS.label, Literal("T cell type", lang="en")) in graph
    assert not list(graph.triples((MSCSLE.NKCell, None, None)))  # a kind that only mirrored "natural killer cell"
    relations = set(graph.transitive_subjects(RDFS.subPropertyOf, MSCSLE.relation))
    assert len(relations) > 25
    for r in relations:
        assert (r, RDF.type, OWL.NamedIndividual) not in graph, r
        assert (r, RDF.type, OWL.ObjectProperty) in graph, r
        for p in (RDFS.label, RDFS.domain, RDFS.range, URIRef("http://purl.obolibrary.org/obo/IAO_0000115")):
            assert graph.value(r, p) is not None, (r, p)
    assert (MSCSLE.secretes, RDFS.subPropertyOf, URIRef("http://purl.obolibrary.org/obo/RO_0003000")) in graph
    assert (MSCSLE.has_relation, RDF.type, OWL.AnnotationProperty) in graph


def test_claim_labels_are_generated_and_unique(graph: Graph, claim_ids: set[str]):
    claims = set(graph.subjects(RDF.type, MSCSLE.Claim))
    labels = [str(graph.value(c, RDFS.label)) for c in claims]
    assert len(labels) == len(set(labels)) == len(claim_ids)
    for c, label in zip(claims, labels, strict=True):
        cid = str(graph.value(c, MSCSLE.claim_id))
        assert label.endswith(f" [{cid}]") and label.count(" – ") == 2, label
    assert any(lab.startswith("OAZ – is over-expressed in – SLE mesenchymal stem cell (human) [") for lab in labels)
    assert any(lab.endswith("(human, mouse) [ir-10]") for lab in labels)  # a claim in patients and in mice


# --- the OBO QC report -----------------------------------------------------------------------------------------


def _qc_store(fixture: Path) -> ox.Store:
    g = Graph().parse(QC / "base.ttl")
    text = fixture.read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("# remove: "):
            g.remove((None, URIRef(line.removeprefix("# remove: ").strip()), None))
    g.parse(data=text, format="turtle")
    return load_store(g.serialize(format="nt").encode("utf-8"))


def test_the_clean_fixture_breaks_no_rule():
    results = run_checks(load_store(Graph().parse(QC / "base.ttl").serialize(format="nt").encode()), ROOT / "queries")
    assert {n for n, v in results.items() if v.rows} == set()


RULES = sorted(qc_rules(ROOT / "queries"))


def test_every_rule_has_a_fixture_and_a_robot_level():
    assert {p.stem for p in QC.glob("*.ttl")} - {"base"} == set(RULES)
    levels = {n: r.level for n, r in qc_rules(ROOT / "queries").items()}
    assert levels["duplicate_label"] == levels["missing_label"] == levels["multiple_labels"] == "ERROR"
    assert levels["missing_definition"] == levels["invalid_xref"] == levels["duplicate_exact_synonym"] == "WARN"
    assert levels["missing_superclass"] == "INFO"


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_fires_on_exactly_its_defect(rule: str):
    results = run_checks(_qc_store(QC / f"{rule}.ttl"), ROOT / "queries")
    assert {n for n, v in results.items() if v.rows} == {rule}


def test_duplicate_claim_and_unused_entity_name_exactly_the_culprits():
    """Claims that differ in one species or one design are not duplicates; an entity used only as a mediator is used."""
    dup = run_checks(_qc_store(QC / "duplicate_claim.ttl"), ROOT / "queries")["duplicate_claim"].rows
    assert [(e, v) for e, _, v in dup] == [(f"{MSCSLE}c2", f"{MSCSLE}c1")]
    unused = run_checks(_qc_store(QC / "unused_entity.ttl"), ROOT / "queries")["unused_entity"].rows
    assert [e for e, _, _ in unused] == [f"{MSCSLE}e2"]


def test_duplicate_claim_compares_the_context_of_the_claim_model():
    """The query lists the context properties twice (one NOT EXISTS each way); both lists are the claim model's key
    fields beyond subject, relation and object, so a field added to the model cannot be forgotten in either."""
    text = (ROOT / "queries" / "qc" / "duplicate_claim.rq").read_text(encoding="utf-8")
    lists = [
        {f"{MSCSLE}{name}" for name in re.findall(r"mscsle:(\w+)", block)}
        for block in re.findall(r"VALUES \?p \{([^}]*)\}", text)
    ]
    context = {str(BY_NAME[f].property) for f in KEY_FIELDS if f not in ("subject", "relation", "object")}
    assert lists == [context, context]


def test_release_has_no_error_and_no_warning(store: ox.Store):
    results = release_checks(store, ROOT / "queries", ROOT / "data" / "qc-exceptions.tsv")  # explained ones apart
    assert counts(results)["ERROR"] == counts(results)["WARN"] == 0
    info = {(n, row[0]) for n, v in results.items() for row in v.rows}
    roots = {f"{MSCSLE}{r}" for r in ("Entity", "Claim", "Reference", "Review", "Section", "ValueSet", "DiseaseState")}
    # the imported OBO classes without a verified chain of source ancestors, and the sources' roots
    modules = Graph()
    for module in (ROOT / "ontology" / "imports").glob("*_import.ttl"):
        modules.parse(module, format="turtle")
    obo = {str(c) for c in modules.subjects(RDF.type, OWL.Class) if str(c).startswith("http://purl.obolibrary.org/")}
    placed = {str(c) for c in modules.subjects(RDFS.subClassOf, None)}
    # 44 imported terms and 74 ancestors; 110 placed (10 before the chains: 41 INFO then)
    assert len(obo) == 118 and len(placed) == 110
    source_roots = {f"http://purl.obolibrary.org/obo/{c}" for c in ("CL_0000000", "GO_0008150", "CHEBI_24431")}
    assert source_roots <= obo - placed
    assert info == {("missing_superclass", r) for r in roots | (obo - placed)}  # justified in docs/model.md
    # 7 mscsle roots, 3 source roots, MONDO's "human disease" (its parent "disease" is left out: mscsle:Disease has
    # that label) and 4 GO terms whose ancestry no stored file gives
    assert len(info) == 15


def test_check_prints_the_table_and_build_fails_on_an_error(dist: Path, tmp_path: Path):
    result = CliRunner().invoke(main, ["--root", str(ROOT), "check", "--dist", str(dist)])
    assert result.exit_code == 0, result.output
    assert "0 ERROR, 0 WARN, 15 INFO" in result.output
    assert "ERROR    duplicate_label" in result.output


# --- references as publications ----------------------------------------------------------------------------------

FABIO = "http://purl.org/spar/fabio/"
PRISM = "http://prismstandard.org/namespaces/basic/2.0/"
REVIEW = URIRef("https://doi.org/10.1186/s13287-018-0898-x")


def test_references_are_journal_articles_with_only_their_verified_fields(graph: Graph):
    ref4 = URIRef(f"{MSCSLE}reference/4")
    assert (ref4, RDF.type, URIRef(FABIO + "JournalArticle")) in graph
    assert (ref4, URIRef(PRISM + "doi"), Literal("10.3727/096368912X662417")) in graph
    assert (ref4, URIRef(PRISM + "publicationName"), Literal("Cell Transplant")) in graph
    assert str(graph.value(ref4, RDFS.label)).startswith("[4] Allogeneic mesenchymal stem cell transplantation")
    assert graph.value(ref4, URIRef(FABIO + "hasPubMedId")) is None  # the row has no PMID: none is guessed
    ref1 = URIRef(f"{MSCSLE}reference/1")
    assert graph.value(ref1, URIRef("http://purl.org/dc/terms/title")) is None
    assert (
        ref1,
        MSCSLE.reference_number,
        Literal(1, datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
    ) in graph
    assert len(set(graph.objects(REVIEW, URIRef("http://purl.org/spar/cito/cites")))) == 64
    assert (REVIEW, URIRef(PRISM + "doi"), Literal("10.1186/s13287-018-0898-x")) in graph
    assert (REVIEW, URIRef(FABIO + "hasPubMedId"), Literal("29793537")) in graph


def test_a_relation_without_definition_is_bad_input(tmp_path: Path):
    project = make_project(tmp_path, FIXTURES / "mini")
    (project.root / "ontology").unlink()
    shutil.copytree(ROOT / "ontology", project.root / "ontology")
    text = project.ontology.read_text(encoding="utf-8")
    cut = '    obo:IAO_0000115 "The subject cell produces and releases the object molecule."@en ;\n'
    assert cut in text
    project.ontology.write_text(text.replace(cut, ""), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["--root", str(project.root), "build", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "ontology/mscsle.ttl: relation mscsle:secretes: field 'obo:IAO_0000115': is missing" in result.stderr
    assert not out.exists()


# --- release metadata and import modules ---------------------------------------------------------------------------

DCT = "http://purl.org/dc/terms/"


def test_release_metadata_and_no_editor_comment(graph: Graph):
    header = URIRef("https://w3id.org/mscsle/mscsle.owl")
    assert graph.value(header, OWL.versionIRI) is not None
    assert graph.value(header, URIRef(DCT + "license")) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert graph.value(header, RDFS.comment) is None  # the edit file's note to editors stays in the edit file


FOAF = "http://xmlns.com/foaf/0.1/"


def test_creators_are_agent_nodes_never_strings(graph: Graph):
    """The ontology's creator is the team (an organisation node: no person is on record); the review's creators are
    its two authors as person nodes, named as the citation names them, with no invented ORCID."""
    header = URIRef("https://w3id.org/mscsle/mscsle.owl")
    review = URIRef("https://doi.org/10.1186/s13287-018-0898-x")
    (team,) = graph.objects(header, URIRef(DCT + "creator"))
    assert isinstance(team, URIRef) and (team, RDF.type, URIRef(FOAF + "Organization")) in graph
    authors = set(graph.objects(review, URIRef(DCT + "creator")))
    assert {str(graph.value(a, URIRef(FOAF + "name"))) for a in authors} == {"Zhu Y", "Feng X"}
    assert all((a, RDF.type, URIRef(FOAF + "Person")) in graph for a in authors)
    assert not any("orcid" in str(o) for a in authors for o in graph.objects(a, None))


def test_import_modules_state_title_source_version_licence_and_date():
    modules = sorted((ROOT / "ontology" / "imports").glob("*_import.ttl"))
    assert {m.stem for m in modules} == {
        f"{p}_import"
        for p in ("chebi", "cl", "go", "hgnc", "mgi", "mondo", "ro")  # NCBITaxon: values in mscsle.ttl
    }
    for m in modules:
        g = Graph().parse(m, format="turtle")
        (iri,) = g.subjects(RDF.type, OWL.Ontology)
        for p in ("title", "source", "license", "date"):
            assert g.value(iri, URIRef(DCT + p)) is not None, (m.name, p)
        assert g.value(iri, OWL.versionInfo) is not None, m.name
        labels = [o for s, o in g.subject_objects(RDFS.label) if s != iri]
        assert labels and all(lab.language == "en" for lab in labels), m.name


def test_inferred_file_carries_the_licence(reasoned):
    _, path = reasoned
    g = Graph().parse(path, format="turtle")
    (iri,) = g.subjects(RDF.type, OWL.Ontology)
    assert g.value(iri, URIRef(DCT + "license")) == URIRef("https://creativecommons.org/licenses/by/4.0/")
