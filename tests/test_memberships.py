"""The members of the defined classes that the build materialises (graph `inferred`) are exactly what HermiT infers
from the release without them; a triplestore without a reasoner answers "which factors have direct evidence"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, Graph, URIRef

from mscsle.checks.reason import Reasoned, _imports, inferred_graph, run_hermit
from mscsle.cli import main
from mscsle.model.prefixes import sparql_prologue
from mscsle.model.vocab import MSCSLE
from mscsle.project import Project
from mscsle.release.catalog import read_catalog
from mscsle.release.memberships import UnsupportedDefinition, defined_classes, membership_query, memberships
from mscsle.release.named_graphs import DATA, INFERRED, ONTOLOGY, graph_iri, read_nquads
from mscsle.release.pipeline import project_entity_iris

from .conftest import FIXTURES, ROOT, make_project


@pytest.fixture(scope="module")
def graphs(dist: Path) -> dict[str, bytes]:
    return read_nquads((dist / "mscsle.nq").read_bytes())


@pytest.fixture(scope="module")
def ontology(project) -> Graph:
    return Graph().parse(project.ontology)


@pytest.fixture(scope="module")
def hermit(project, graphs) -> Reasoned:
    """HermiT on the ontology and data graphs of the release (the materialised memberships left out)."""
    if shutil.which("java") is None:
        pytest.skip("HermiT needs Java on PATH (the README's set-up assumes Java 17)")
    nt = graphs[ONTOLOGY] + graphs[DATA]
    asserted = Graph().parse(data=nt, format="nt")
    header = asserted.value(predicate=RDF.type, object=OWL.Ontology)
    assert isinstance(header, URIRef)
    imports = _imports(asserted, read_catalog(project.catalog))
    answers = run_hermit(nt, "ntriples", str(header), imports)
    for _, g in imports:
        asserted += g
    return Reasoned(asserted, inferred_graph(asserted, answers, header), 0.0)


def test_materialised_members_are_what_hermit_infers(hermit, graphs, ontology):
    materialised = Graph().parse(data=graphs[INFERRED], format="nt")
    defined = defined_classes(ontology)
    assert len(defined) >= 8
    for cls in defined:
        assert set(materialised.subjects(RDF.type, cls)) == hermit.members(cls), cls
    assert set(materialised.predicates()) == {RDF.type}
    assert set(materialised.objects()) <= set(defined)


def test_the_inferred_graph_is_not_asserted_elsewhere(graphs):
    inferred = set(graphs[INFERRED].splitlines())
    assert len(inferred) > 100
    assert not inferred & (set(graphs[DATA].splitlines()) | set(graphs[ONTOLOGY].splitlines()))


def test_a_plain_store_answers_which_factors_have_direct_evidence(dist: Path):
    """Table 1, "With direct evidence": OAZ, Pbx1-d and p16INK4A; from the N-Triples, with no reasoner."""
    store = ox.Store()
    store.bulk_load(path=dist / "mscsle.nt", format=ox.RdfFormat.N_TRIPLES)
    rows = store.query(sparql_prologue() + "SELECT ?f WHERE { ?f a mscsle:FactorWithDirectEvidence }")
    iris = project_entity_iris(Project(ROOT))
    assert {URIRef(r["f"].value) for r in rows} == {iris["OAZ"], iris["Pbx1-d"], iris["p16INK4A"]}


def test_a_blank_node_is_never_a_member(ontology):
    """A member is a named individual, an IRI: a blank node typed owl:NamedIndividual that meets a definition gives no
    membership triple (the store's label of the node would otherwise be read back as an IRI into dist/)."""
    store = ox.Store()
    over, sle_msc = ox.NamedNode(MSCSLE.overexpressed_in), ox.NamedNode("https://w3id.org/mscsle/entity/SLE-MSC")
    for node in (ox.NamedNode("https://w3id.org/mscsle/entity/X"), ox.BlankNode("hb1")):
        store.add(ox.Quad(node, over, sle_msc))
        store.add(ox.Quad(node, ox.NamedNode(RDF.type), ox.NamedNode(OWL.NamedIndividual)))
    assert list(memberships(ontology, store)) == [
        (URIRef("https://w3id.org/mscsle/entity/X"), RDF.type, MSCSLE.FactorOverexpressedInSLEMSC)
    ]


def test_the_query_of_a_definition_reads_the_property_hierarchy(ontology):
    """`regulates` in a definition also matches its sub-properties (promotes, inhibits ...) and the inverse."""
    query = membership_query(ontology, MSCSLE.ImmuneCellRegulatedByMSC)
    assert f"^<{MSCSLE.regulates}>" in query and f"^<{MSCSLE.inhibits}>" in query
    assert f"<{MSCSLE.has_subject}>" in membership_query(ontology, MSCSLE.FactorWithDirectEvidence)


def test_a_definition_without_a_sparql_reading_is_refused(ontology):
    g = Graph() + ontology
    g.parse(
        data="""@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix m: <https://w3id.org/mscsle/> .
        m:Odd a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty m:has_subject ;
            owl:allValuesFrom m:Entity ] .""",
        format="turtle",
    )
    with pytest.raises(UnsupportedDefinition):
        membership_query(g, MSCSLE.Odd)
    assert graph_iri(INFERRED) == "https://w3id.org/mscsle/graph/inferred"


def test_build_refuses_a_definition_it_cannot_materialise(tmp_path: Path):
    """Bad input, not a traceback: exit 2, one message naming the ontology file and the class; nothing written."""
    project = make_project(tmp_path, FIXTURES / "mini")
    (project.root / "ontology").unlink()
    shutil.copytree(ROOT / "ontology", project.root / "ontology")
    with open(project.ontology, "a", encoding="utf-8") as fh:
        fh.write(
            '\nmscsle:OnlyEntitySubjects a owl:Class ; rdfs:label "only entity subjects"@en ;\n'
            '    obo:IAO_0000115 "A claim whose subjects are all entities."@en ;\n'
            "    owl:equivalentClass [ a owl:Restriction ; owl:onProperty mscsle:has_subject ;"
            " owl:allValuesFrom mscsle:Entity ] .\n"
        )
    result = CliRunner().invoke(main, ["--root", str(project.root), "build"])
    assert result.exit_code == 2, result.output
    assert "ontology/mscsle.ttl" in result.output and f"{MSCSLE}OnlyEntitySubjects" in result.output
    assert "Traceback" not in result.output
    assert not project.dist.exists()
