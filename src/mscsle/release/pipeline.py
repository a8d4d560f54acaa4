"""The main job: records + ontology -> validated artifacts in dist/, written atomically."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, URIRef

from mscsle.checks.qc import QCFailed, Violations, counts, release_checks
from mscsle.checks.shacl import Report, load_shapes, validate
from mscsle.curation.input_files import read_bytes, read_turtle
from mscsle.curation.mappings import MappingSet, load_mappings
from mscsle.curation.records import FileClaims, ReadFiles, Records, Registry, load, read_claim_files
from mscsle.curation.review_text import ReviewText
from mscsle.errors import CurationError, Problem, ValidationError
from mscsle.model.claim import FIELDS, TABLE_COLUMNS
from mscsle.model.prefixes import sparql_prologue
from mscsle.model.triples import Triple
from mscsle.model.vocab import Vocab
from mscsle.project import Project
from mscsle.query.stored import load_store, select
from mscsle.release import named_graphs, serialize
from mscsle.release.claims_tsv import LIST_SEPARATOR, claims_tsv
from mscsle.release.graph import Terms, data_lines, ontology_iri, to_graph, version_triples
from mscsle.release.import_modules import link, read_superclasses
from mscsle.release.interop import interop_files
from mscsle.release.memberships import UnsupportedDefinition, memberships
from mscsle.release.memory import give_back_memory, paused_gc
from mscsle.release.named_graphs import DATA, INFERRED, ONTOLOGY, BuiltGraph, file_core
from mscsle.release.plain_view import OPT_IN, view_lines
from mscsle.release.publish import check_output, publish
from mscsle.release.quad_graph import QuadGraph
from mscsle.release.references import TABLE as BIBLIOGRAPHY
from mscsle.release.references import read_bibliography, unlisted_references
from mscsle.release.spool import Spool
from mscsle.release.sssom_tsv import sssom_tsv
from mscsle.release.term_iris import entity_iris, relation_problems, source_labels
from mscsle.release.workers import Beside, default_jobs

_READ = frozenset({str(RDFS.label), str(RDF.type)})  # plain strings: hashed in C, not by rdflib's __hash__
CLAIMS_COLUMNS = TABLE_COLUMNS  # from the claim model; queries/export/claims-table.rq selects the single-valued ones
LIST_COLUMNS = tuple(f.column for f in FIELDS if f.multi and f.column)  # claim-lists.rq, claim-references.rq


ONTOLOGY_FILE = "ontology/mscsle.ttl"
OPT_IN_FILE = "mscsle-opt-in"  # .nq and .trig: the hedged-triples and mouse-only-triples graphs


class ValidationFailed(ValidationError):
    """The built graph does not conform to shapes/; nothing was written."""

    def __init__(self, report: Report):
        self.report = report
        super().__init__(
            "SHACL validation failed (nothing was written; the previous build is unchanged):\n" + report.text
        )


@dataclass
class Built:
    claims: int  # how many claims and entities were built (the records themselves are gone by the build's end)
    entities: int
    merged: BuiltGraph
    report: Report
    files: Mapping[str, bytes]  # artifact name -> its bytes (kept on disk until published: release/spool.py)

    @cached_property
    def graph(self) -> Graph:
        """The merged graph for rdflib (made once, when first asked: for tests and callers; the build itself
        never makes it)."""
        g = Graph()
        g.addN((*serialize.rdflib_triple(t), g) for t in self.merged.quads)
        return g


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


def claims_table(store: ox.Store | bytes, project: Project) -> bytes:
    """The claims table read back from the graph with queries/export/ (a store of it, or its N-Triples): what
    the build's dist/claims.tsv (written from the records, release/claims_tsv.py) must equal."""
    if isinstance(store, bytes):
        store = load_store(store)
    export = project.queries_dir / "export"

    def run(name: str) -> tuple[list[str], list[tuple[str, ...]]]:
        return select(store, sparql_prologue() + (export / f"{name}.rq").read_text(encoding="utf-8"))

    names, rows = run("claims-table")
    lists: dict[tuple[str, str], list[str]] = {}
    for cid, column, value, *_ in run("claim-lists")[1]:
        lists.setdefault((cid, column), []).append(value)
    for cid, n in sorted(run("claim-references")[1], key=lambda r: int(r[1])):
        lists.setdefault((cid, "references"), []).append(n)
    out = []
    for row in rows:
        values = dict(zip(names, row, strict=False))
        cid = values["claim_id"]
        for column in LIST_COLUMNS:
            sep = ", " if column == "references" else LIST_SEPARATOR
            values[column] = sep.join(lists.get((cid, column), []))
        out.append(tuple(values[c] for c in CLAIMS_COLUMNS))
    return serialize.tsv(CLAIMS_COLUMNS, out)


def qc_store(merged: BuiltGraph) -> ox.Store:
    """An embedded store of the triples (for the memberships and the QC queries; freed when they are done), filled
    from the N-Triples lines: the quads of the writers are made only after it is gone. Not by `Store.load`, which
    renames blank nodes: a QC row may name one, by the label dist/ has (tests/test_qc_store.py)."""
    store = ox.Store()
    store.bulk_extend(merged.triples())
    return store


def _quality_checks(store: ox.Store, project: Project) -> dict[str, Violations] | CurationError:
    """The QC report, or the CurationError of a stale exceptions file (raised by the caller after SHACL's verdict)."""
    try:
        return release_checks(store, project.queries_dir, project.qc_exceptions)
    except CurationError as e:
        return e


def _tap(triples: Iterator[Triple | bytes], about: set[str], into: Graph) -> Iterator[Triple | bytes]:
    """Pass the triples on, keeping a copy of the labels and types of `about` (the IRIs, as plain strings): what
    the SSSOM table reads of each side (release/sssom_tsv.py). The rest of what the data says of an entity (its
    id, definition, synonyms, plain triples) is not read there, nor by the memberships' compiler, which reads the
    ontology's class and property axioms only."""
    for t in triples:
        if type(t) is not bytes and str(t[1]) in _READ and str(t[0]) in about:  # a line is a claim's (graph.py)
            into.add(t)  # type: ignore[arg-type]
        yield t


def make_graph(
    ontology: Graph, records: Records, vocab: Vocab, mapping_set: MappingSet, release: str, terms: Terms
) -> tuple[BuiltGraph, Graph]:
    """The merged graph in its named graphs, made in one pass; and an rdflib graph of the ontology-sized part
    with what the data says of the mapped entities (for the SSSOM table)."""
    header = ontology_iri(ontology)
    released = (t for t in ontology if not (t[0] == header and t[1] == RDFS.comment))  # editors' note: not released
    core = Graph(bind_namespaces="none")
    core.addN((*t, core) for t in chain(released, version_triples(ontology, release)))
    # blank nodes: ontology, mappings (size of the ontology)
    core = serialize.canonical(link(core, mapping_set, terms.iris, terms.superclasses))
    entities = frozenset(terms.iris.values())
    onto, data_core = file_core(core, entities)
    mapped = {str(m.subject) for m in mapping_set.mappings} | {str(e) for e in entities}
    side = to_graph(core, ontology)
    data = _tap(data_lines(records, vocab, ontology, terms), mapped, side)
    return named_graphs.build({ONTOLOGY: onto, DATA: chain(data_core, data)}), side


def with_memberships(merged: BuiltGraph, ontology: Graph, store: ox.Store) -> BuiltGraph:
    """The release and its `inferred` graph: the members of the defined classes of `ontology` (its class and
    property hierarchies included), evaluated on `store` (which receives them too); a definition the build cannot
    evaluate is a CurationError on the ontology."""
    try:
        inferred = list(memberships(ontology, store))
    except UnsupportedDefinition as e:
        raise CurationError([Problem(ONTOLOGY_FILE, "", "owl:equivalentClass", str(e))]) from None
    store.bulk_extend(ox.Quad(*map(serialize.oxigraph_term, t)) for t in inferred)  # type: ignore[arg-type]
    return named_graphs.with_graph(merged, INFERRED, inferred)


def opt_in_files(records: Records, terms: Terms) -> dict[str, bytes]:
    """dist/mscsle-opt-in.nq and .trig: the plain triples of hedged and of mouse-only claims, each view in its named
    graph, kept out of every other artifact so that nobody takes them as stated fact by accident."""
    # one build per view: a triple that a hedged and a stated mouse-only claim both give belongs in both graphs
    views = [named_graphs.build({view: view_lines(records.claims, terms.iris, view)}) for view in OPT_IN]
    graphs = {iri: quads for v in views for iri, quads in v.graphs.items()}
    names = b" ".join(f"<{iri}>".encode() for iri in graphs)
    prefixes = serialize.used_prefixes(b"".join(v.nt for v in views)) | serialize.used_prefixes(names)
    return {
        OPT_IN_FILE + ".nq": b"".join(serialize.nquads(v.lines()) for v in views),
        OPT_IN_FILE + ".trig": serialize.trig(graphs, prefixes),
    }


def project_entity_iris(project: Project) -> dict[str, URIRef]:
    """Entity id -> its one IRI in the build of `project` (for tests, the site and users of the records)."""
    ontology = read_ontology(project)
    records = load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(ontology))
    return entity_iris(records, load_mappings(project, ontology, records))


def read_terms(project: Project, records: Records, mapping_set: MappingSet) -> Terms:
    """Each entity's one IRI, the source labels of the external terms, the verified bibliography and the verified
    source ancestors of the external terms; a cited reference number without a bibliography row is a CurationError."""
    bibliography = read_bibliography(project.root / BIBLIOGRAPHY)
    if bibliography and (problems := unlisted_references(records, bibliography, project.claims_dir)):
        raise CurationError(problems)
    ancestry = read_superclasses(project.root)
    return Terms(entity_iris(records, mapping_set), source_labels(mapping_set), bibliography, ancestry)


def validated_writers(merged: BuiltGraph, shapes: Path, files: Spool) -> Report:
    """SHACL's report on the merged graph; if it conforms, also the report's file and the RDF files (`rdf_files`),
    written after SHACL's engine gave back its memory."""
    report = validate(merged.nt, load_shapes(shapes))
    give_back_memory()  # what SHACL's engine held
    if report.conforms:
        files["shacl-report.ttl"] = serialize.turtle(serialize.canonical(report.graph))
        rdf_files(merged, files)
    return report


def record_tables(records: Records, ontology: Graph, terms: Terms, sections: Mapping[str, int], files: Spool) -> None:
    """dist/claims.tsv and the opt-in views, the artifacts made from the records themselves (a job of the second
    process, beside the graph: the records then leave the first process as soon as the graph is made)."""
    files.update(opt_in_files(records, terms))
    files["claims.tsv"] = claims_tsv(records, ontology, terms, sections)


def _read_claims_job(
    paths: Sequence[Path], root: Path, vocab: Vocab, registry: Registry | None, source: ReviewText | None, files: Spool
) -> list[FileClaims]:
    """`read_claim_files` as a job of the second process (it makes no artifact: `files` stays empty)."""
    return read_claim_files(paths, root, vocab, registry, source)


def _shared_reader(beside: Beside) -> ReadFiles:
    """`load`'s reader of the claim files: every other file read by the second process, the rest here (at 100k
    claims each reads half of the records' 6 s); the files' results in their order, as one process gives them."""

    def read(
        paths: Sequence[Path], root: Path, vocab: Vocab, registry: Registry | None, source: ReviewText | None
    ) -> list[FileClaims]:
        beside.start(_read_claims_job, paths[1::2], root, vocab, registry, source)
        mine = read_claim_files(paths[0::2], root, vocab, registry, source)
        theirs = beside.result(Spool())
        out = [*mine, *theirs]
        out[0::2], out[1::2] = mine, theirs
        return out

    return read


@paused_gc()
def assemble(project: Project, source: ReviewText | None, jobs: int | None = None, spool: Path | None = None) -> Built:
    """Everything the build writes (each artifact in a temporary file once made); raises CurationError or
    ValidationFailed. With `jobs` 2 (the default where the system can fork, on two cores or more) a second process
    (release/workers.py) reads half of the claim files, then makes the tables of the records while this one makes
    the graph, then SHACL and the RDF files (`validated_writers`) while this one runs the QC queries and writes the
    rest, nanopublications and KGX included; with 1 everything runs here, one step after the other. The same bytes
    either way. The artifacts wait in temporary files in the folder `spool` (default: the system's temporary folder;
    `build` gives the output's parent, where publishing can name them instead of copying them)."""
    with Beside(default_jobs() if jobs is None else jobs, spool) as beside:  # forked now, before anything is read
        return _assemble(project, source, beside, spool)


def _assemble(project: Project, source: ReviewText | None, beside: Beside, spool: Path | None) -> Built:
    """`assemble`'s steps, with the second process (or its serial stand-in) that runs the jobs given to `beside`."""
    ontology = read_ontology(project)
    vocab = read_vocab(ontology)
    if problems := relation_problems(ontology, vocab):
        raise CurationError(problems)
    records = load(project.root, project.entities, project.claims_dir, vocab, source, _shared_reader(beside))
    mapping_set = load_mappings(project, ontology, records)
    release = project.settings()["release"]
    terms = read_terms(project, records, mapping_set)
    made = len(records.claims), len(records.entities)
    files = Spool(spool)  # each artifact leaves memory as soon as it is made
    beside.start(record_tables, records, ontology, terms, vocab.sections)
    merged, side = make_graph(ontology, records, vocab, mapping_set, release, terms)
    beside.result(files)  # serially: the tables are made now
    del records
    give_back_memory()  # the records' few hundred megabytes (at 100k claims): gone before the QC store
    store = qc_store(merged)
    merged = with_memberships(merged, side, store)  # side: the ontology with its imports and mapped relations
    beside.start(validated_writers, merged, project.shapes_dir)
    qc = _quality_checks(store, project)
    del store  # serially: gone before SHACL's own copy of the graph is made
    give_back_memory()
    if not beside.forked:  # one process: SHACL and the RDF files now, before interop takes memory
        report = beside.result(files)
    files["mscsle.nt"] = merged.nt
    files["context.jsonld"] = serialize.context_file()
    files["mscsle.sssom.tsv"] = sssom_tsv(mapping_set, side, release, terms.iris)
    del side
    give_back_memory()
    interop_files(QuadGraph(merged.nt), release, files)  # nanopublications and KGX, read by subject
    if beside.forked:
        report = beside.result(files)
    if not report.conforms:
        raise ValidationFailed(report)  # SHACL's verdict comes first, as if the QC had not run yet
    if isinstance(qc, CurationError):
        raise qc
    if counts(qc)["ERROR"]:
        raise QCFailed(qc)
    return Built(*made, merged, report, files)


def rdf_files(merged: BuiltGraph, files: Spool, size: int = serialize.CHUNK) -> None:
    """dist/mscsle.nq, .ttl, .trig, .owl and .jsonld, written in one pass over the graph's sorted N-Triples lines
    (the build's own form of the graph, not a file read back), `size` bytes of them at a time, each chunk parsed
    once for all five writers (release/serialize.py `chunks`): a few megabytes of quads alive at once, not a million
    (at 100k claims the list of 2M quads and the whole files in memory set the build's peak)."""
    graph_names = b" ".join(f"<{iri}>".encode() for iri in merged.iris)
    used = serialize.used_prefixes(merged.nt)  # one search of the N-Triples for every writer
    writers: list[serialize.Writer] = [
        serialize.NQuads(merged.iris, files.open("mscsle.nq")),
        serialize.Turtle(merged.nt, used, files.open("mscsle.ttl")),
        serialize.TriG(merged.iris, used | serialize.used_prefixes(graph_names), files.open("mscsle.trig")),
        serialize.rdfxml_writer(used, files.open("mscsle.owl")),
        serialize.jsonld_writer(files.open("mscsle.jsonld")),
    ]
    serialize.write(serialize.chunks(merged.nt, merged.graph_of, size, serialize.Turtle.BREAKS), writers)
    give_back_memory()  # the writers' buffers, a few megabytes at a time but many times over


def build(project: Project, out: Path | None = None, source_text: Path | None = None, jobs: int | None = None) -> Built:
    """Assemble (in `jobs` processes, see `assemble`) and publish into `out` (default dist/) in one step; on any
    error `out` is left as it was."""
    target = out or project.dist
    check_output(target)
    source = read_source(source_text) if source_text else None
    built = assemble(project, source, jobs, Path(os.path.abspath(target)).parent)  # check_output made the folder
    publish(target, built.files)
    return built
