"""The mapping table, its RDF, the import modules, the SSSOM set and the mapping checks."""

from __future__ import annotations

import csv
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from sssom.parsers import parse_sssom_table
from sssom.validators import validate

from mscsle.checks.qc import release_checks, run_checks
from mscsle.cli import main
from mscsle.curation.mapping_stats import mapping_shares, total
from mscsle.curation.mappings import MATCHES, load_mappings
from mscsle.curation.records import load
from mscsle.errors import CurationError
from mscsle.model.prefixes import converter, sparql_prologue
from mscsle.model.vocab import ENTITY, MSCSLE, Vocab
from mscsle.project import Project
from mscsle.query.stored import load_store
from mscsle.release.import_modules import import_files
from mscsle.release.pipeline import assemble, build, read_ontology, read_terms
from mscsle.release.sssom_tsv import COLUMNS, sssom_tsv
from mscsle.release.term_iris import HAS_DBXREF, XREF_ONLY, entity_iris

from .conftest import FIXTURES, ROOT, make_project

SHARED_TABLE = ROOT / "data" / "reference" / "external-terms.tsv"
OBSOLETE = {"GO:0014065"}  # the reference table's README: obsolete since 2023, replaced by GO:0043491
HGNC = "http://identifiers.org/hgnc/"


def _table(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.fixture(scope="module")
def loaded(project: Project):
    ontology = read_ontology(project)
    records = load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(ontology))
    return ontology, records, load_mappings(project, ontology, records)


@pytest.fixture(scope="module")
def built(dist: Path) -> Graph:
    return Graph().parse(dist / "mscsle.nt", format="nt")


# --- the table against the verified reference -------------------------------------------------------------


def test_mapped_identifiers_are_verified_with_the_same_label(loaded):
    """Every mapped identifier is a verified row of the shared reference table, with the same IRI and label."""
    if not SHARED_TABLE.is_file():
        pytest.skip(
            f"the shared reference table is not at {SHARED_TABLE}; the project's copy of its facts is data/mappings.tsv"
        )
    verified = {r["iri"]: r for r in _table(SHARED_TABLE) if r["status"] == "verified" and r["iri"]}
    _, _, ms = loaded
    wrong = []
    for m in ms.mapped:
        row = verified.get(str(m.object))
        if row is None:
            wrong.append(f"line {m.line}: {m.object_id} ({m.object}) is not a verified row")
        elif row["label"] != m.object_label:
            wrong.append(
                f"line {m.line}: {m.object_id} is labelled {row['label']!r} in the reference, not {m.object_label!r}"
            )
    assert not wrong, "\n".join(wrong)
    assert len(ms.terms()) > 100


def test_no_obsolete_term_is_used(loaded):
    _, _, ms = loaded
    assert not OBSOLETE & set(ms.terms())


def test_every_entity_is_mapped_or_explained(loaded):
    """The table lists every entity of the registry: with a mapping, or unmapped with its reason."""
    _, records, ms = loaded
    assert {ENTITY[e] for e in records.entities} <= ms.subjects()
    for m in ms.unmapped:
        assert m.comment.strip(), f"line {m.line}: unmapped without a reason"
    for m in ms.mapped:
        assert m.match == "exact" or m.comment.strip(), f"line {m.line}: {m.match} match without a justification"


def test_expected_identifiers(loaded):
    """Spot checks from the review's own naming (OAZ is ZNF423; p16INK4A is a CDKN2A product; NO and PGE2)."""
    _, _, ms = loaded
    got = {(m.subject_id, m.match, m.object_id) for m in ms.mapped}
    for row in [
        ("mscsle.entity:OAZ", "exact", "hgnc:16762"),
        ("mscsle.entity:OAZ", "exact", "NCBIGene:23090"),
        ("mscsle.entity:p16INK4A", "broad", "hgnc:1787"),
        ("mscsle.entity:Pbx1-d", "broad", "hgnc:8632"),
        ("mscsle.entity:Pbx1-d", "broad", "MGI:97495"),
        ("mscsle.entity:iNOS", "close", "MGI:97361"),
        ("mscsle.entity:nitric-oxide", "exact", "CHEBI:16480"),
        ("mscsle.entity:PGE2", "exact", "CHEBI:15551"),
        ("mscsle.entity:SLE", "exact", "MONDO:0007915"),
        ("mscsle.entity:SLE", "exact", "DOID:9074"),
        ("mscsle.entity:M2", "exact", "CL:0000890"),
        ("mscsle.entity:PI3K-Akt-pathway", "exact", "GO:0043491"),
        ("mscsle.entity:SLE-MSC", "broad", "CL:0000134"),  # species values are the NCBITaxon terms themselves
        ("mscsle.entity:B-cell", "exact", "CL:0000236"),
        ("mscsle:inhibits", "close", "RO:0002212"),
        ("mscsle:expressed_in", "exact", "RO:0002206"),
    ]:
        assert row in got, row


def test_genes_of_mouse_claims_have_their_mgi_gene(loaded):
    """Each gene or variant of a mouse claim has its MGI gene, or its rows say that none is verified."""
    ontology, records, ms = loaded
    mgi = {m.subject for m in ms.mapped if m.prefix == "MGI"}
    explained = {m.subject for m in ms.mappings if "no verified MGI identifier" in m.comment}
    kinds = {*ontology.transitive_subjects(RDFS.subClassOf, MSCSLE.GeneOrGeneProduct), MSCSLE.GeneVariant}
    genes = {ENTITY[e.id] for e in records.entities.values() if MSCSLE[e.kind] in kinds}
    in_mouse = {ENTITY[e] for c in records.claims if "mouse" in c.species for e in (c.subject, c.object, *c.via)}
    assert not (genes & in_mouse) - mgi - explained
    assert {ENTITY["Pbx1-d"], ENTITY["iNOS"]} <= mgi & in_mouse  # the two mouse genes the reference verifies
    assert ENTITY["PD-1"] in explained & in_mouse  # PD-1-deficient mice; mouse Pdcd1 is not in the reference


# --- the table's own checks (bad input) --------------------------------------------------------------------

HEADER = "subject_id\tmatch\tobject_id\tobject_label\tcomment\n"
BAD_TABLES = {
    "unknown prefix, with the standard spelling": (
        "mscsle.entity:OAZ\texact\tHGNC:16762\tZNF423\t\n",
        "data/mappings.tsv: line 2 (mscsle.entity:OAZ): field 'object_id': unknown prefix 'HGNC'; the prefix map writes it 'hgnc': hgnc:16762",
    ),
    "non-exact without justification": (
        "mscsle.entity:OAZ\tclose\thgnc:16762\tZNF423\t\n",
        "data/mappings.tsv: line 2 (mscsle.entity:OAZ): field 'comment': is empty; a close match needs a one-line justification",
    ),
    "unmapped with an identifier": (
        "mscsle.entity:OAZ\tunmapped\thgnc:16762\t\tno term\n",
        "data/mappings.tsv: line 2 (mscsle.entity:OAZ): field 'object_id': must be empty when match is 'unmapped'",
    ),
    "unmapped without reason": (
        "mscsle.entity:OAZ\tunmapped\t\t\t\n",
        "data/mappings.tsv: line 2 (mscsle.entity:OAZ): field 'comment': is empty; an unmapped row says why there is no verified term",
    ),
    "unknown subject": (
        "mscsle.entity:OAZZ\texact\thgnc:16762\tZNF423\t\n",
        "data/mappings.tsv: line 2 (mscsle.entity:OAZZ): field 'subject_id': mscsle.entity:OAZZ is neither an entity of data/entities.tsv nor a term of the ontology",
    ),
    "unknown match": (
        "mscsle.entity:OAZ\trelated\thgnc:16762\tZNF423\tx\n",
        "data/mappings.tsv: line 2 (mscsle.entity:OAZ): field 'match': unknown match 'related'; expected one of exact, close, broad, narrow, unmapped",
    ),
    "missing label": (
        "mscsle.entity:OAZ\texact\thgnc:16762\t\t\n",
        "data/mappings.tsv: line 2 (mscsle.entity:OAZ): field 'object_label': is empty; copy the term's label from its source",
    ),
    "two labels for one term": (
        "mscsle.entity:OAZ\texact\thgnc:16762\tZNF423\t\nmscsle.entity:CCL2\tclose\thgnc:16762\tOAZ\tx\n",
        "data/mappings.tsv: line 3 (mscsle.entity:CCL2): field 'object_label': 'OAZ' differs from 'ZNF423' on line 2",
    ),
    "duplicate": (
        "mscsle.entity:OAZ\texact\thgnc:16762\tZNF423\t\nmscsle.entity:OAZ\tbroad\thgnc:16762\tZNF423\tx\n",
        "data/mappings.tsv: line 3 (mscsle.entity:OAZ): field 'object_id': duplicate mapping of mscsle.entity:OAZ to hgnc:16762 (also line 2)",
    ),
    "mapped and unmapped": (
        "mscsle.entity:OAZ\texact\thgnc:16762\tZNF423\t\nmscsle.entity:OAZ\tunmapped\t\t\tnone\n",
        "data/mappings.tsv: line 3 (mscsle.entity:OAZ): field 'match': is 'unmapped' but other lines map the same subject",
    ),
    "a source without a line in mapping-sources": (
        "mscsle.entity:OAZ\texact\tGO:0006914\tautophagy\t\n",
        "data/mappings.tsv: line 2 (mscsle.entity:OAZ): field 'object_id': prefix 'GO' has no line in data/mapping-sources.tsv",
    ),
    "a mapping to mscsle itself": (
        "mscsle.entity:OAZ\texact\tmscsle.entity:CCL2\tCCL2\t\n",
        "data/mappings.tsv: line 2 (mscsle.entity:OAZ): field 'object_id': mscsle.entity:CCL2 is a term of mscsle itself; a mapping points to an external source",
    ),
    "not a CURIE": (
        "OAZ\texact\thgnc:16762\tZNF423\t\n",
        "data/mappings.tsv: line 2 (OAZ): field 'subject_id': 'OAZ' is not a CURIE (prefix:identifier)",
    ),
}


@pytest.mark.parametrize("case", BAD_TABLES, ids=list(BAD_TABLES))
def test_bad_mapping_table_is_reported(case: str, mini: Project, tmp_path: Path):
    out = tmp_path / "dist"
    build(mini, out)
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    rows, message = BAD_TABLES[case]
    mini.mappings.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(CurationError) as err:
        build(mini, out)
    assert message in str(err.value).splitlines()
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_missing_sources_file_is_reported(mini: Project):
    mini.mapping_sources.unlink()
    with pytest.raises(CurationError, match="data/mapping-sources.tsv: file not found; data/mappings.tsv needs it"):
        assemble(mini, None)


def test_no_table_means_no_mappings(mini: Project):
    mini.mappings.unlink()
    built = assemble(mini, None)
    assert not list(built.graph.triples((None, SKOS.exactMatch, None)))
    body = [line for line in built.files["mscsle.sssom.tsv"].decode("utf-8").splitlines() if not line.startswith("#")]
    assert body == ["\t".join(COLUMNS)]


def test_sssom_table_reads_the_same_from_the_build_as_from_the_whole_graph(project: Project, dist: Path, built: Graph):
    """The build keeps, of the data, only the labels and types of the mapped entities for the SSSOM table
    (pipeline._tap): the table is what the whole released graph gives."""
    ontology = read_ontology(project)
    records = load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(ontology))
    ms = load_mappings(project, ontology, records)
    release = project.settings()["release"]
    whole = sssom_tsv(ms, built, release, read_terms(project, records, ms).iris)
    assert whole == (dist / "mscsle.sssom.tsv").read_bytes()
    assert len(whole.splitlines()) > 100


# --- the RDF ---------------------------------------------------------------------------------------------


def test_every_row_is_in_the_graph(loaded, built: Graph):
    """Each mapped row is a SKOS triple whose target is declared with its label; each unmapped row a reason."""
    _, records, ms = loaded
    iris = {ENTITY[e]: iri for e, iri in entity_iris(records, ms).items()}
    assert ms.mapped and ms.unmapped  # the loops below check something
    for m in ms.mapped:
        subject = iris.get(m.subject, m.subject)
        if m.prefix in XREF_ONLY:  # NCBI Gene, DOID: an xref where exact, never a term
            assert (subject, HAS_DBXREF, Literal(m.object_id)) in built or m.match != "exact", m
            assert not set(built.triples((m.object, None, None))), m.object_id
            continue
        if subject != m.object:  # else the entity is this very term
            assert (subject, MATCHES[m.match], m.object) in built, m
        assert (m.object, RDFS.label, Literal(m.object_label, lang="en")) in built, m.object_id
        declared = {t for t in (OWL.Class, OWL.ObjectProperty) if (m.object, RDF.type, t) in built}
        assert len(declared) == 1, f"{m.object_id} declared as {declared}"
    for m in ms.unmapped:
        assert (m.subject, MSCSLE.unmapped_reason, Literal(m.comment, lang="en")) in built


def test_justifications_are_axiom_annotations(built: Graph):
    q = """SELECT ?why WHERE { ?a a owl:Axiom ; owl:annotatedSource mscsle.entity:p16INK4A ;
             owl:annotatedProperty skos:broadMatch ; owl:annotatedTarget <http://identifiers.org/hgnc/1787> ;
             rdfs:comment ?why }"""
    rows = list(built.query(sparql_prologue() + q))
    assert [str(r.why) for r in rows] == ["p16INK4A is one product of CDKN2A, which also encodes p14ARF"]


def test_released_graph_merges_its_imports(built: Graph):
    """The artifact is self-contained: no owl:imports left, the external labels merged, one ontology header."""
    assert not list(built.triples((None, OWL.imports, None)))  # the table's sources make all 8 modules
    assert list(built.subjects(RDF.type, OWL.Ontology)) == [URIRef("https://w3id.org/mscsle/mscsle.owl")]
    assert (
        URIRef("http://purl.obolibrary.org/obo/CL_0000890"),
        RDFS.label,
        Literal("M2 macrophage", lang="en"),
    ) in built
    for p in (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, MSCSLE.unmapped_reason):
        assert (p, RDF.type, OWL.AnnotationProperty) in built


def test_no_quality_check_fails_on_the_release(dist: Path, project: Project):
    results = release_checks(load_store((dist / "mscsle.nt").read_bytes()), project.queries_dir, project.qc_exceptions)
    assert "unmapped_term" in results
    failing = {name: v.rows for name, v in results.items() if v.rows and v.level != "INFO"}
    assert not failing
    result = CliRunner().invoke(main, ["--root", str(project.root), "check", "--dist", str(dist)])
    assert result.exit_code == 0 and "0 ERROR, 0 WARN" in result.output


def test_unmapped_check_fires(tmp_path: Path):
    """An entity left out of the table is a violation; the mapped ones and the explained class are not."""
    project = make_project(tmp_path, FIXTURES / "mini")
    rows = [
        r for r in project.mappings.read_text(encoding="utf-8").splitlines() if not r.startswith("mscsle.entity:CCL2")
    ]
    project.mappings.write_text("\n".join(rows) + "\n", encoding="utf-8")
    build(project, tmp_path / "out")
    results = run_checks(load_store((tmp_path / "out" / "mscsle.nt").read_bytes()), project.queries_dir)
    flagged = {row[0] for row in results["unmapped_term"].rows}
    assert f"{ENTITY}CCL2" in flagged
    assert {f"{ENTITY}OAZ", f"{ENTITY}MSC", f"{MSCSLE}Cell"}.isdisjoint(flagged)
    assert f"{MSCSLE}BCell" in flagged and f"{MSCSLE}inhibits" in flagged  # the mini table maps no ontology term
    result = CliRunner().invoke(main, ["--root", str(project.root), "check", "--dist", str(tmp_path / "out")])
    assert result.exit_code == 0  # a WARN: reported, not fatal
    assert f"{ENTITY}CCL2" in result.output and "WARN unmapped_term: " in result.output


# --- import modules and catalog ------------------------------------------------------------------------------


def test_import_modules_are_generated_from_the_table(loaded, project: Project):
    """`mscsle imports` would write exactly the committed modules and catalog (they are never stale)."""
    ontology, _, ms = loaded
    expected = import_files(project, ontology, ms)
    committed = {str(p.relative_to(ROOT / "ontology")) for p in (ROOT / "ontology" / "imports").glob("*")}
    assert committed == {n for n in expected if n != project.catalog.name}
    for name, data in expected.items():
        assert (ROOT / "ontology" / name).read_bytes() == data, f"ontology/{name} is stale: run `mscsle imports`"


def test_catalog_resolves_every_import(project: Project):
    """Each owl:imports of the ontology maps, through catalog-v001.xml, to a local module with that IRI."""
    header = Graph().parse(project.ontology, format="turtle")
    imports = set(header.objects(None, OWL.imports))
    # NCBI Gene and DOID are cross-references only; ECO and NCBITaxon values are typed in the ontology
    assert len(imports) == 7
    ns = {"c": "urn:oasis:names:tc:entity:xmlns:xml:catalog"}
    entries = {u.get("name"): u.get("uri") for u in ET.parse(project.catalog).getroot().findall("c:uri", ns)}
    assert entries.pop("https://w3id.org/mscsle/mscsle.owl") == "mscsle.ttl"
    assert set(entries) == {str(i) for i in imports}
    for iri, local in entries.items():
        module = Graph().parse(ROOT / "ontology" / local, format="turtle")
        assert list(module.subjects(RDF.type, OWL.Ontology)) == [URIRef(iri)]
        assert list(module.subjects(RDFS.label, None))


def test_imports_command_writes_the_modules(tmp_path: Path):
    for name in ("data", "ontology"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "pyproject.toml").symlink_to(ROOT / "pyproject.toml")
    shutil.rmtree(tmp_path / "ontology" / "imports")
    (tmp_path / "ontology" / "catalog-v001.xml").unlink()
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "imports"])
    assert result.exit_code == 0, result.output
    for path in [*(ROOT / "ontology" / "imports").glob("*.ttl"), ROOT / "ontology" / "catalog-v001.xml"]:
        assert (tmp_path / path.relative_to(ROOT)).read_bytes() == path.read_bytes()


# --- SSSOM ------------------------------------------------------------------------------------------------


def test_sssom_is_valid_and_complete(dist: Path, loaded):
    """sssom-py parses and validates the mapping set; every table row is in it, unmapped ones as NoTermFound."""
    msdf = parse_sssom_table(dist / "mscsle.sssom.tsv")
    reports = validate(msdf, fail_on_error=False)
    assert {k.name: [r.message for r in v.results] for k, v in reports.items()} == {k.name: [] for k in reports}
    meta = msdf.metadata
    assert meta["mapping_set_id"] == "https://w3id.org/mscsle/mscsle.sssom.tsv"
    assert meta["license"] == "https://creativecommons.org/licenses/by/4.0/"
    _, records, ms = loaded
    iris = {ENTITY[e]: iri for e, iri in entity_iris(records, ms).items()}
    conv = converter()

    def subject_id(m):
        return conv.compress(str(iris.get(m.subject, m.subject)))

    kept = [m for m in ms.mappings if not (m.mapped and iris.get(m.subject) == m.object)]  # not a term to itself
    df = msdf.df
    assert len(df) == len(kept)
    assert set(df["mapping_justification"]) == {"semapv:ManualMappingCuration"}
    no_term = df[df["object_id"] == "sssom:NoTermFound"]
    assert set(no_term["subject_id"]) == {subject_id(m) for m in ms.unmapped}
    mapped = df[df["object_id"] != "sssom:NoTermFound"]
    predicate = {v: f"skos:{str(k).split('#')[1]}" for v, k in MATCHES.items()}
    assert {
        tuple(r) for r in mapped[["subject_id", "predicate_id", "object_id", "object_label"]].itertuples(index=False)
    } == {(subject_id(m), predicate[m.match], m.object_id, m.object_label) for m in kept if m.mapped}
    oaz = df[df["subject_id"] == "hgnc:16762"]  # OAZ is HGNC:16762; its NCBI Gene row remains
    assert set(oaz["subject_label"]) == {"ZNF423"} and set(oaz["object_id"]) == {"NCBIGene:23090"}


# --- shares per kind and the federation queries ----------------------------------------------------------


def test_mapped_share_per_kind(loaded):
    ontology, records, ms = loaded
    shares = {(s.scope, s.group): s for s in mapping_shares(ontology, records, ms)}
    entities = total(list(shares.values()), "entity")
    assert entities.total == len(records.entities) and entities.missing == 0
    assert shares["entity", "SmallMolecule"].share == 1.0  # nitric oxide and PGE2
    cell = shares["entity", "Cell"]
    assert cell.explained == 1  # 'immune cell' has no verified CL term (multipotent stem cell: no claim, removed)
    assert shares["ontology", "evidence levels"].share == 0.0  # the review's own axis, never mapped onto ECO
    assert shares["ontology", "cell-type classes"].missing == 0
    # the species, SLE and ECO values are the external terms themselves; project values say why they are unmapped
    assert shares["ontology", "species"].share == shares["ontology", "evidence types"].share == 1.0
    assert all(s.missing == 0 for (scope, _), s in shares.items() if scope == "ontology")


def test_share_counts_the_missing(mini: Project):
    ontology = read_ontology(mini)
    records = load(mini.root, mini.entities, mini.claims_dir, Vocab.from_ontology(ontology))
    mini.mappings.write_text(
        HEADER + "mscsle.entity:OAZ\texact\thgnc:16762\tZNF423\t\nmscsle.entity:MSC\tunmapped\t\t\tfor the test\n",
        encoding="utf-8",
    )
    shares = {
        s.group: s
        for s in mapping_shares(ontology, records, load_mappings(mini, ontology, records))
        if s.scope == "entity"
    }
    genes, cells = shares["GeneOrGeneProduct"], shares["Cell"]
    assert (genes.total, genes.mapped, genes.explained, genes.missing, genes.share) == (2, 1, 0, 1, 0.5)
    assert (cells.total, cells.mapped, cells.explained, cells.missing) == (1, 0, 1, 0)


def test_stats_command_prints_the_shares(project: Project):
    result = CliRunner().invoke(main, ["--root", str(project.root), "stats", "--mappings"])
    assert result.exit_code == 0, result.output
    lines = {tuple(line.split()[:2]): line for line in result.output.splitlines()}
    assert lines["entity", "SmallMolecule"].split()[-1] == "100%"
    assert "missing" in result.output


def test_federation_joins_an_external_graph(dist: Path):
    """The HGNC IRIs join the claims with another graph that uses them (here a two-triple stand-in)."""
    store = load_store((dist / "mscsle.nt").read_bytes())
    other = ox.NamedNode("https://example.org/other-graph")
    locus = ox.NamedNode("https://example.org/chromosome")
    store.add(ox.Quad(ox.NamedNode(f"{HGNC}16762"), locus, ox.Literal("16q12.1"), other))
    store.add(ox.Quad(ox.NamedNode(f"{HGNC}1787"), locus, ox.Literal("9p21.3"), other))
    q = """SELECT ?label ?where WHERE {
             ?factor rdfs:label ?label ; (skos:exactMatch|skos:broadMatch)? ?gene .
             GRAPH <https://example.org/other-graph> { ?gene <https://example.org/chromosome> ?where } }"""
    rows = {(s["label"].value, s["where"].value) for s in store.query(sparql_prologue() + q)}
    # OAZ is HGNC:16762 itself; p16INK4A is a project term broadly matching CDKN2A (which joins as itself too)
    assert rows == {("ZNF423", "16q12.1"), ("p16INK4A", "9p21.3"), ("CDKN2A", "9p21.3")}
