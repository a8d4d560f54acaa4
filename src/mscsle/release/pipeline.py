"""The main job: records + ontology -> validated artifacts in dist/, written atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from mscsle.checks.shacl import Report, load_shapes, validate
from mscsle.curation.input_files import read_bytes, read_turtle
from mscsle.curation.mappings import load_mappings
from mscsle.curation.records import Records, load
from mscsle.curation.review_text import ReviewText
from mscsle.errors import CurationError, Problem, ValidationError
from mscsle.model.claim import TABLE_COLUMNS
from mscsle.model.prefixes import sparql_prologue
from mscsle.model.vocab import Vocab
from mscsle.project import Project
from mscsle.query.stored import load_store, select
from mscsle.release import serialize
from mscsle.release.graph import merged_graph
from mscsle.release.import_modules import link
from mscsle.release.interop import interop_files
from mscsle.release.named_graphs import data_ntriples, quads, split
from mscsle.release.paused_gc import paused_gc
from mscsle.release.publish import check_output, publish
from mscsle.release.sssom_tsv import sssom_tsv

CLAIMS_COLUMNS = TABLE_COLUMNS  # from the claim model; queries/export/claims-table.rq selects them


ONTOLOGY_FILE = "ontology/mscsle.ttl"


class ValidationFailed(ValidationError):
    """The built graph does not conform to shapes/; nothing was written."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(
            "SHACL validation failed (nothing was written; the previous build is unchanged):\n" + report.text
        )


@dataclass
class Built:
    records: Records
    graph: Graph
    report: Report
    files: dict[str, bytes]


def read_ontology(project: Project) -> Graph:
    """The hand-edited ontology; a CurationError names the line of a syntax error."""
    return read_turtle(project.ontology, ONTOLOGY_FILE)


def read_vocab(ontology: Graph) -> Vocab:
    """The controlled vocabularies; a CurationError if the ontology lacks what they are read from."""
    try:
        return Vocab.from_ontology(ontology)
    except (ValueError, TypeError) as e:
        raise CurationError([Problem(ONTOLOGY_FILE, "", "", str(e).removeprefix(f"{ONTOLOGY_FILE}: "))]) from None


def read_source(path: Path) -> ReviewText:
    """The review's text given with --source-text (size-bounded); a CurationError if it is not UTF-8 text."""
    problems: list[Problem] = []
    data = read_bytes(path, str(path), "the review's text (--source-text)", problems)
    if data is None:
        raise CurationError(problems)
    try:
        return ReviewText(path, data.decode("utf-8"))
    except UnicodeDecodeError as e:
        why = f"is not valid UTF-8 (byte {e.start}); save it with the UTF-8 encoding"
    raise CurationError([Problem(str(path), "", "", f"{why}; it must be the review's text (--source-text)")])


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


@paused_gc()
def assemble(project: Project, source: ReviewText | None) -> Built:
    """Everything the build writes, in memory; raises CurationError or ValidationFailed."""
    ontology = read_ontology(project)
    vocab = read_vocab(ontology)
    records = load(project.root, project.entities, project.claims_dir, vocab, source)
    mapping_set = load_mappings(project, ontology, records)
    release = project.settings()["release"]
    graph = serialize.canonical(link(merged_graph(ontology, records, vocab, release), mapping_set))
    report = validate(graph, load_shapes(project.shapes_dir))
    if not report.conforms:
        raise ValidationFailed(report)
    nt = serialize.ntriples(graph)
    named = quads(split(nt, data_ntriples(records, vocab, ontology)))
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
        "mscsle.sssom.tsv": sssom_tsv(mapping_set, graph, release),
        **interop_files(graph, release),
    }
    return Built(records, graph, report, files)


def build(project: Project, out: Path | None = None, source_text: Path | None = None) -> Built:
    """Assemble and publish into `out` (default dist/) in one step; on any error `out` is left as it was."""
    target = out or project.dist
    check_output(target)
    source = read_source(source_text) if source_text else None
    built = assemble(project, source)
    publish(target, built.files)
    return built
