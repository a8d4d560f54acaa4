"""The main job: records + ontology -> validated artifacts in dist/, written atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from mscsle.checks.qc import QCFailed, counts, run_checks
from mscsle.checks.shacl import Report, load_shapes, validate
from mscsle.curation.mappings import load_mappings
from mscsle.curation.records import Records, load
from mscsle.curation.review_text import ReviewText
from mscsle.errors import CurationError
from mscsle.model.prefixes import sparql_prologue
from mscsle.model.vocab import Vocab
from mscsle.project import Project
from mscsle.query.stored import load_store, select
from mscsle.release import serialize
from mscsle.release.graph import Terms, merged_graph
from mscsle.release.import_modules import link
from mscsle.release.named_graphs import data_ntriples, quads, split
from mscsle.release.paused_gc import paused_gc
from mscsle.release.publish import check_output, publish
from mscsle.release.references import TABLE as BIBLIOGRAPHY
from mscsle.release.references import read_bibliography, unlisted_references
from mscsle.release.sssom_tsv import sssom_tsv
from mscsle.release.term_iris import entity_iris, relation_problems, source_labels

CLAIMS_COLUMNS = (
    "claim_id",
    "subject",
    "subject_id",
    "relation",
    "relation_id",
    "object",
    "object_id",
    "species",
    "condition",
    "cell_context",
    "certainty",
    "evidence_level",
    "references",
    "section",
    "quote",
    "hedge",
    "via",
    "model",
)


class ValidationFailed(Exception):
    """The built graph does not conform to shapes/; nothing was written."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.text)


@dataclass
class Built:
    records: Records
    graph: Graph
    report: Report
    files: dict[str, bytes]


def read_ontology(project: Project) -> Graph:
    return Graph().parse(project.ontology, format="turtle")


def claims_table(nt: bytes, project: Project) -> bytes:
    """dist/claims.tsv, read back from the graph itself (so the table shows what the RDF says)."""
    store = load_store(nt)
    export = project.queries_dir / "export"
    names, rows = select(store, sparql_prologue() + (export / "claims-table.rq").read_text(encoding="utf-8"))
    _, refs = select(store, sparql_prologue() + (export / "claim-references.rq").read_text(encoding="utf-8"))
    cited: dict[str, list[int]] = {}
    for cid, n in refs:
        cited.setdefault(cid, []).append(int(n))
    out = []
    for row in rows:
        values = dict(zip(names, row, strict=False))
        values["references"] = ", ".join(str(n) for n in sorted(cited.get(values["claim_id"], [])))
        out.append(tuple(values[c] for c in CLAIMS_COLUMNS))
    return serialize.tsv(CLAIMS_COLUMNS, out)


def project_entity_iris(project: Project) -> dict[str, URIRef]:
    """Entity id -> its one IRI in the build of `project` (for tests, the site and users of the records)."""
    ontology = read_ontology(project)
    records = load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(ontology))
    return entity_iris(records, load_mappings(project, ontology, records))


@paused_gc()
def assemble(project: Project, source: ReviewText | None) -> Built:
    """Everything the build writes, in memory; raises CurationError or ValidationFailed."""
    ontology = read_ontology(project)
    vocab = Vocab.from_ontology(ontology)
    if problems := relation_problems(ontology, vocab):
        raise CurationError(problems)
    records = load(project.root, project.entities, project.claims_dir, vocab, source)
    mapping_set = load_mappings(project, ontology, records)
    release = project.settings()["release"]
    bibliography = read_bibliography(project.root / BIBLIOGRAPHY)
    if bibliography and (problems := unlisted_references(records, bibliography, project.claims_dir)):
        raise CurationError(problems)
    terms = Terms(entity_iris(records, mapping_set), source_labels(mapping_set), bibliography)
    graph = serialize.canonical(link(merged_graph(ontology, records, vocab, release, terms), mapping_set, terms.iris))
    report = validate(graph, load_shapes(project.shapes_dir))
    if not report.conforms:
        raise ValidationFailed(report)
    nt = serialize.ntriples(graph)
    qc = run_checks(load_store(nt), project.queries_dir)
    if counts(qc)["ERROR"]:
        raise QCFailed(qc)
    named = quads(split(nt, data_ntriples(records, vocab, ontology, terms)))
    files = {
        "mscsle.ttl": serialize.turtle_from_ntriples(nt),
        "mscsle.nt": nt,
        "mscsle.nq": serialize.nquads(named),
        "mscsle.trig": serialize.trig(named),
        "mscsle.owl": serialize.rdfxml(nt),
        "mscsle.jsonld": serialize.jsonld(graph),
        "context.jsonld": serialize.context_file(),
        "claims.tsv": claims_table(nt, project),
        "shacl-report.ttl": serialize.turtle(serialize.canonical(report.graph)),
        "mscsle.sssom.tsv": sssom_tsv(mapping_set, graph, release, terms.iris),
    }
    return Built(records, graph, report, files)


def build(project: Project, out: Path | None = None, source_text: Path | None = None) -> Built:
    """Assemble and publish into `out` (default dist/) in one step; on any error `out` is left as it was."""
    target = out or project.dist
    owned = target.resolve() == project.dist.resolve()  # dist/ is the build's; another folder must carry the marker
    check_output(target, owned)
    source = ReviewText.read(source_text) if source_text else None
    built = assemble(project, source)
    publish(target, built.files, owned)
    return built
