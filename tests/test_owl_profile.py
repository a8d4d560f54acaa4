"""OWL 2 DL, as Protégé sees it: the OWL API (Debian's libowlapi-java, the library Protégé is built on) parses every
OWL artifact with no unparsed triple and no OWL 2 DL profile violation (tests/java/ProfileCheck.java); the catalog
resolves imports offline; the RDF/XML carries the ontology's prefixes; every term has a label and a definition."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from mscsle.model.vocab import IAO_DEFINITION, MSCSLE
from mscsle.release.catalog import read_catalog

from .conftest import FIXTURES, ROOT
from .java_tools import OWLAPI, compile_checker, owlapi_jars

CHECKER = ROOT / "tests" / "java" / "ProfileCheck.java"
CATALOG = ROOT / "ontology" / "catalog-v001.xml"


@pytest.fixture(scope="session")
def owlapi(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., subprocess.CompletedProcess]:
    """ProfileCheck compiled against the system's OWL API: call it with OWL files (and optionally a catalog)."""
    java = compile_checker(CHECKER, owlapi_jars(), tmp_path_factory.mktemp("profilecheck"), OWLAPI)

    def run(*files: Path, catalog: Path | None = None) -> subprocess.CompletedProcess:
        args = [*java, "ProfileCheck"]
        if catalog:
            args += ["--catalog", str(catalog)]
        return subprocess.run([*args, *map(str, files)], capture_output=True, text=True, timeout=600)

    return run


def test_every_owl_artifact_is_owl2_dl(owlapi, dist: Path, reasoned):
    _, inferred = reasoned
    files = [ROOT / "ontology" / "mscsle.ttl", dist / "mscsle.owl", dist / "mscsle.ttl", dist / "mscsle.nt", inferred]
    run = owlapi(*files, catalog=CATALOG)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("FILE ") == len(files)
    assert run.stdout.rstrip().endswith("OK")


def test_checker_reports_each_kind_of_defect(owlapi):
    run = owlapi(FIXTURES / "owl" / "not-dl.ttl")
    assert run.returncode == 1, run.stdout + run.stderr
    out = run.stdout
    assert "UNPARSED " in out and "AllDisjointClasses" in out
    assert "VIOLATION Use of undeclared class: <https://example.org/not-dl/UndeclaredCell>" in out
    assert "VIOLATION Cannot pun between properties: <https://example.org/not-dl/regulates>" in out
    assert "FAILED: 4 problem(s)" in out


def test_catalog_resolves_the_ontology_offline(owlapi, tmp_path: Path):
    """An ontology that imports mscsle loads through the catalog; without it the import fails, never downloads."""
    importer = tmp_path / "importer.ttl"
    importer.write_text(
        "<https://example.org/importer> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
        "  <http://www.w3.org/2002/07/owl#imports> <https://w3id.org/mscsle/mscsle.owl> .\n",
        encoding="utf-8",
    )
    run = owlapi(importer, catalog=CATALOG)
    assert run.returncode == 0, run.stdout + run.stderr
    offline = owlapi(importer)
    assert offline.returncode == 2
    assert "is not mapped to a local file in the catalog" in offline.stdout


def test_catalog_maps_iris_to_local_relative_files():
    mapping = read_catalog(CATALOG)
    ontology = Graph().parse(ROOT / "ontology" / "mscsle.ttl").value(predicate=RDF.type, object=OWL.Ontology)
    assert mapping[str(ontology)] == (ROOT / "ontology" / "mscsle.ttl").resolve()
    for element in ET.parse(CATALOG).getroot().iter():
        if element.tag.endswith("}uri"):
            target = element.get("uri")
            assert "://" not in target and not target.startswith("/"), f"{target} is not a relative path"
            assert (CATALOG.parent / target).is_file(), f"{target} does not exist"


def _namespaces(xml: Path) -> list[tuple[int, str, str]]:
    """(depth, prefix, uri) of every namespace declaration of an XML file."""
    found, depth, pending = [], 0, []
    for event, item in ET.iterparse(xml, events=("start-ns", "start", "end")):
        if event == "start-ns":
            pending.append(item)
        elif event == "start":
            found += [(depth, prefix, uri) for prefix, uri in pending]
            pending, depth = [], depth + 1
        else:
            depth -= 1
    return found


def test_rdfxml_uses_the_ontologys_prefixes(dist: Path):
    """Protégé takes its prefixes from the RDF/XML: those of ontology/mscsle.ttl, all declared on the root element."""
    ontology = Graph(bind_namespaces="none").parse(ROOT / "ontology" / "mscsle.ttl")
    declared = _namespaces(dist / "mscsle.owl")
    assert {depth for depth, _, _ in declared} == {0}, "namespaces declared below the root element (xmlns=...)"
    root = {prefix: uri for _, prefix, uri in declared}
    nt = (dist / "mscsle.nt").read_text(encoding="utf-8")
    used = {p: str(u) for p, u in ontology.namespaces() if f"<{u}" in nt}
    assert {"mscsle", "obo", "owl", "rdfs", "dcterms"} <= set(used)
    for prefix, uri in used.items():
        assert root.get(prefix) == uri, f"xmlns:{prefix} is not declared as <{uri}> in mscsle.owl"


def test_every_term_has_a_label_and_a_definition():
    """Every class, property and named individual of ontology/mscsle.ttl: one English label; its own terms also
    one definition (obo:IAO_0000115)."""
    g = Graph().parse(ROOT / "ontology" / "mscsle.ttl")
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
    terms = {t for k in kinds for t in g.subjects(RDF.type, k) if isinstance(t, URIRef)}
    assert len(terms) > 140
    problems = []
    for t in sorted(terms):
        labels = [lab for lab in g.objects(t, RDFS.label) if getattr(lab, "language", None) == "en"]
        if len(labels) != 1:
            problems.append(f"{t}: {len(labels)} English labels")
        if str(t).startswith(str(MSCSLE)) and len(list(g.objects(t, IAO_DEFINITION))) != 1:
            problems.append(f"{t}: no single definition")
    assert not problems, "\n".join(problems)


def test_the_owl_api_reads_the_claims_behind_each_plain_triple(owlapi, dist: Path):
    """Protégé's library turns every plain triple of the release, with its owl:Axiom node, into one property
    assertion annotated with mscsle:supported_by (issue 14: the claims behind a plain triple, readable in Protégé)."""
    g = Graph().parse(dist / "mscsle.ttl", format="turtle")
    axioms = {
        (g.value(a, OWL.annotatedSource), g.value(a, OWL.annotatedProperty), g.value(a, OWL.annotatedTarget))
        for a in g.subjects(MSCSLE.supported_by, None)
        if (a, RDF.type, OWL.Axiom) in g  # Table 1 claims name their text claims with the same property
    }
    assert len(axioms) > 100 and all(t in g for t in axioms)
    run = owlapi(dist / "mscsle.owl", dist / "mscsle.ttl", catalog=CATALOG)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(f" supported={len(axioms)}\n") == 2, run.stdout
