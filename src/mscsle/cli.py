"""The `mscsle` command: a thin layer over the library (exit 0 ok, 1 validation failed, 2 bad input).

Every command lets the library's errors (mscsle.errors.MscsleError) through; the group prints the message and exits
with the error's code, in one place.
"""

from __future__ import annotations

import shutil
import signal
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mscsle.errors import GivenInputError, MscsleError, ValidationError
from mscsle.project import Project
from mscsle.query import sparql_http as protocol
from mscsle.query.engines import EMBEDDED, FORMATS
from mscsle.query.user_data import DEFAULT_MAX_BYTES, MIB
from mscsle.query.user_data import FORMATS as DATA_FORMATS
from mscsle.release.named_graphs import GRAPH_BASE
from mscsle.serve.guard import DEFAULT_MAX_ROWS
from mscsle.serve.oxigraph_server import DEFAULT_HOST, DEFAULT_PORT, LOOPBACK, ServerError

if TYPE_CHECKING:
    from rdflib import Graph

    from mscsle.curation.records import Records

# Each command imports what only it uses when it runs (`mscsle build` needs neither the query tables, the
# statistics nor the server): the modules above give the options' choices and defaults.

F = TypeVar("F", bound=Callable[..., Any])


def tabulate(rows: Any, headers: Any) -> str:
    """tabulate's table, imported on use (`mscsle build` never prints one)."""
    from tabulate import tabulate as table_text

    return table_text(rows, headers=headers)


def dist_option(help: str = "The built artifacts (default: dist/).") -> Callable[[F], F]:
    """The --dist option of every command that reads the build."""
    return click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default=None, help=help)


def _project(ctx: click.Context) -> Project:
    return ctx.obj


def _source_text(project: Project, given: Path | None) -> Path | None:
    """The review text given, else the one beside the checkout where it exists."""
    return given or (project.default_source_text if project.default_source_text.is_file() else None)


@contextmanager
def _working(message: str, animate: bool = True) -> Iterator[Callable[[str], None]]:
    """A spinner with the step under way on stderr (shown only on a terminal); yields a function to name the next step.
    Not animated, it is drawn on each step only, without the thread that animates it: the build forks a second
    process, which may not inherit other threads (release/workers.py)."""
    from rich.console import Console
    from rich.live import Live
    from rich.spinner import Spinner

    def spinner(text: str) -> Spinner:
        return Spinner("dots", text=text, style="status.spinner")

    console = Console(stderr=True)
    with Live(spinner(message), console=console, transient=True, auto_refresh=animate) as live:
        yield lambda step: live.update(spinner(f"{message}: {step}"), refresh=True)


def _previous_build(target: Path) -> list[str]:
    """What a folder that a build is about to replace holds (top-level names, folders with a slash)."""
    if not target.is_dir():
        return []
    return sorted(p.name + ("/" if p.is_dir() else "") for p in target.iterdir() if not p.name.startswith("."))


def _shown(path: Path) -> str:
    """The path relative to the working folder where it lies under it (as the user typed it), else as it is."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _replaced(target: Path, before: list[str], written: set[str]) -> str:
    """Says what the build replaced, naming what was there and is not any more (dist/docs, for instance)."""
    if not before:
        return f"created {_shown(target)}/"
    gone = [name for name in before if name.rstrip("/") not in written]
    if not gone:
        return f"replaced {_shown(target)}/ (the previous build)"
    names = ", ".join(f"{_shown(target / g)}{'/' if g.endswith('/') else ''}" for g in gone)
    return f"replaced {_shown(target)}/ (the previous build, incl. {names}, which a build does not write)"


def _list_queries(queries: dict, width: int = 100) -> str:
    """The stored queries, one name and its question wrapped to fit `width` columns."""
    name_width = min(max(len(n) for n in queries), 32) if queries else 0
    lines = [f"{'query':<{name_width}}  question", f"{'-' * name_width}  {'-' * (width - name_width - 2)}"]
    for name, q in queries.items():
        wrapped = textwrap.wrap(q.question, width - name_width - 2) or [""]
        if len(name) > name_width:  # a long name on a line of its own
            lines.append(name)
            wrapped.insert(0, "")
        lines.append(f"{name if len(name) <= name_width else '':<{name_width}}  {wrapped[0]}".rstrip())
        lines += [f"{'':<{name_width}}  {more}" for more in wrapped[1:]]
    return "\n".join(lines)


def _no_such_query(name: str, names: list[str]) -> click.UsageError:
    import difflib

    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return click.UsageError(
        f"no stored query {name!r} and no such file{hint} (`mscsle query --list` lists the stored ones)"
    )


class Group(click.Group):
    """The command group that maps the library's errors to their exit codes: the only place that does."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MscsleError as e:
            click.echo(e.message(), err=True)
            ctx.exit(e.exit_code)


@click.group(cls=Group)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The project checkout (default: the one this package is installed from).",
)
@click.version_option(package_name="mscsle")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """mscsle: the review of Zhu & Feng 2018 (MSC dysfunction in SLE) as an ontology and knowledge graph."""
    ctx.obj = Project(root) if root else Project.default()


@main.command("build")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (default: dist/)."
)
@click.option(
    "--source-text",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The review's text: every quote is verified against it (default: data/review/review.txt).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 2),
    default=None,
    help="Processes the build uses: 1 (one step after the other) or 2 (default where the system can fork and "
    "has two cores); the artifacts are the same bytes either way.",
)
@click.pass_context
def build_cmd(ctx: click.Context, out: Path | None, source_text: Path | None, jobs: int | None) -> None:
    """Build all artifacts into dist/, validated against shapes/."""
    from mscsle.release.pipeline import build

    project = _project(ctx)
    source_text = _source_text(project, source_text)
    target = out or project.dist
    before = _previous_build(target)
    with _working("building dist/", animate=False):
        built = build(project, out, source_text, jobs)
    checked = f"quotes verified against {source_text}" if source_text else "quotes NOT verified (no --source-text)"
    click.echo(
        f"built {built.claims} claims, {built.entities} entities, "
        f"{len(built.merged)} triples into {target}; SHACL: conforms; {checked}"
    )
    for name in sorted(built.files):
        click.echo(f"  {target / name}")
    click.echo(_replaced(target, before, {n.split("/")[0] for n in built.files}))


@main.command("docs")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder (default: dist/docs/; `mscsle build` replaces dist/ as a whole, so run docs after it).",
)
@dist_option("The built artifacts to document (default: dist/); run `mscsle build` first.")
@click.option(
    "--png",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the network picture as PNG to this file (the README's is docs/network.png).",
)
@click.pass_context
def docs_cmd(ctx: click.Context, out: Path | None, dist: Path | None, png: Path | None) -> None:
    """Write the documentation site of the built graph (ontology reference, claims browser, network pictures);
    it opens offline."""
    with _working("writing the documentation site") as step:
        from mscsle.site import build_site  # on use: the site's templates and renderers cost a tenth of a second

        site = build_site(_project(ctx), out, png, dist, step)
    pages = sum(1 for name in site.files if name.endswith(".html"))
    click.echo(
        f"wrote {pages} pages and {len(site.files) - pages} other files into {site.out}; "
        f"open {site.out / 'index.html'} in a browser"
    )
    if png is not None:
        click.echo(f"network picture: {png}")


def _query_file(path: Path) -> str:
    """A query file's text; one that cannot be read as UTF-8 ends the command with exit 2 and the reason."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        why = e.strerror
    except UnicodeDecodeError as e:
        why = f"not UTF-8 (byte {e.start})"
    raise GivenInputError(f"{path}: cannot be read as a query ({why})")


@main.command("query")
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the stored competency queries with their questions.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table (for people), or a SPARQL 1.1 result format: json, csv, tsv, xml; nt or ttl for CONSTRUCT/DESCRIBE.",
)
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="Query this SPARQL 1.1 endpoint over HTTP instead of the built graph (for Oxigraph: http://HOST:PORT/query).",
)
@click.option(
    "--default-graph",
    "default_graphs",
    metavar="IRI",
    multiple=True,
    help="With --endpoint: a graph to query as the default graph (repeatable; for stores without a union default graph).",
)
@click.option(
    "--engine",
    type=click.Choice(sorted(EMBEDDED)),
    default="oxigraph",
    show_default=True,
    help="The embedded engine for the built graph.",
)
@click.option(
    "--timeout",
    type=float,
    default=protocol.DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds a query may run: an embedded engine is stopped then; with --endpoint, seconds to wait.",
)
@dist_option()
@click.option(
    "--data",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Query this RDF file instead of the build (repeatable; read safely: nothing is fetched).",
)
@click.option(
    "--data-format",
    type=click.Choice(sorted(DATA_FORMATS)),
    default=None,
    help="The format of the --data files (default: from their extension).",
)
@click.option(
    "--max-data-size",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES // MIB,
    show_default=True,
    help="The most MiB of --data to read.",
)
@click.pass_context
def query_cmd(
    ctx: click.Context,
    name: str | None,
    list_: bool,
    fmt: str,
    endpoint: str | None,
    default_graphs: tuple[str, ...],
    engine: str,
    timeout: float,
    dist: Path | None,
    data: tuple[Path, ...],
    data_format: str | None,
    max_data_size: int,
) -> None:
    """Run a stored query (by NAME) or a .rq FILE on the built graph, on RDF files (--data) or on a remote SPARQL endpoint."""
    from mscsle.query.engines import EndpointEngine, Engine, embedded
    from mscsle.query.labelled_table import labelled_table
    from mscsle.query.prefix_prologue import with_prologue
    from mscsle.query.sparql_guard import safe_query
    from mscsle.query.stored import stored_queries
    from mscsle.query.time_limit import run_within
    from mscsle.query.user_data import nquads as user_nquads

    project = _project(ctx)
    queries = stored_queries(project.queries_dir)
    if list_ or not name:
        click.echo(_list_queries(queries, min(100, shutil.get_terminal_size((100, 24)).columns)))
        return
    if name in queries:
        sparql = queries[name].sparql
    elif Path(name).is_file():
        sparql = with_prologue(_query_file(Path(name)))
    else:
        raise _no_such_query(name, list(queries))
    if endpoint and data:
        raise click.UsageError("--data and --endpoint exclude each other: query your files here, or the endpoint")
    safe_query(sparql)  # refused before anything is loaded; each engine checks again what it runs
    runner: Engine
    if endpoint:
        runner = EndpointEngine(endpoint, default_graphs, timeout)
    else:
        runner = (
            EMBEDDED[engine](user_nquads(data, data_format, max_data_size * MIB))
            if data
            else embedded(dist or project.dist, engine)
        )

    def answer() -> bytes:
        results = runner.run(sparql)
        return (labelled_table(results, runner) + "\n").encode("utf-8") if fmt == "table" else results.serialize(fmt)

    with _working("running the query"):
        output = answer() if endpoint else run_within(timeout, answer)  # an embedded engine cannot be interrupted
    click.echo(output if output.endswith(b"\n") else output + b"\n", nl=False)


@main.command("load")
@click.option(
    "--endpoint",
    metavar="URL",
    required=True,
    help="The SPARQL 1.1 Graph Store HTTP Protocol endpoint (for Oxigraph: http://HOST:PORT/store).",
)
@click.option(
    "--graph",
    "base",
    metavar="IRI",
    default=GRAPH_BASE,
    show_default=True,
    help="Base IRI of the named graphs: the ontology goes to <IRI>ontology, the data to <IRI>data.",
)
@click.option(
    "--timeout", type=float, default=protocol.DEFAULT_TIMEOUT, show_default=True, help="Seconds to wait for each graph."
)
@dist_option()
@click.pass_context
def load_cmd(ctx: click.Context, endpoint: str, base: str, timeout: float, dist: Path | None) -> None:
    """Load the built graph into a triplestore: each named graph replaces the one of the same IRI."""
    from mscsle.serve.upload import load as load_graphs

    with _working(f"loading the graphs into {endpoint}"):
        loaded = load_graphs(dist or _project(ctx).dist, endpoint, base, timeout)
    for g in loaded:
        click.echo(f"loaded {g.triples} triples into <{g.graph}>")


@main.command("serve")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="The address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True, help="The TCP port.")
@click.option(
    "--timeout",
    "timeout_s",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Stop a query (and answer 503) after this many seconds.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_ROWS,
    show_default=True,
    help="The most rows one answer may have: a larger LIMIT is refused, a query without LIMIT gets this one.",
)
@dist_option()
@click.pass_context
def serve_cmd(ctx: click.Context, host: str, port: int, timeout_s: int, max_rows: int, dist: Path | None) -> None:
    """Serve the built graph as a read-only SPARQL endpoint (Oxigraph behind a guard: no updates, no SERVICE or
    FROM, bounded query size, nesting, rows and time) until interrupted (Ctrl-C)."""
    from mscsle.serve.guard import guarded, query_url

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the server and delete its store on `kill` too
    if host not in LOOPBACK:
        click.echo(f"warning: listening on {host}: other machines can reach this endpoint", err=True)
    try:
        with guarded(dist or _project(ctx).dist, host, port, timeout_s, max_rows) as guard:
            url = query_url(guard)
            click.echo(
                f"SPARQL endpoint (read-only): {url}\n"
                f"  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE {{ ?s ?p ?o }} LIMIT 3' {url}\n"
                "Ctrl-C stops it."
            )
            while True:
                signal.pause()  # until SIGINT or SIGTERM
    except OSError as e:
        raise ServerError(str(e)) from e
    except KeyboardInterrupt:
        pass


@main.command("stats")
@click.option("--mappings", "mappings_only", is_flag=True, help="Only the mapped share per kind of entity and term.")
@click.option(
    "--source-text",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="The review's text, to list the paragraphs without claims (default: data/review/review.txt).",
)
@click.pass_context
def stats_cmd(ctx: click.Context, source_text: Path | None, mappings_only: bool) -> None:
    """Claims by section, species, disease state, population, design, cell source, certainty, evidence level and
    relation; per Table 1 row, its claims and the text claims that support them; mapped share per kind; paragraphs
    without claims."""
    from mscsle.curation.claim_stats import claim_counts, coverage
    from mscsle.curation.records import load
    from mscsle.curation.table1_stats import HEADERS as TABLE1_HEADERS
    from mscsle.curation.table1_stats import table1_rows, table1_table
    from mscsle.release.pipeline import read_ontology, read_source, read_vocab
    from mscsle.release.plain_view import view_counts

    project = _project(ctx)
    source_text = _source_text(project, source_text)
    ontology = read_ontology(project)
    vocab = read_vocab(ontology)
    records = load(project.root, project.entities, project.claims_dir, vocab)
    if mappings_only:
        _echo_mappings(project, ontology, records)
        return
    click.echo(f"{len(records.claims)} claims, {len(records.entities)} entities\n")
    for dim, counts in claim_counts(records, vocab).items():
        click.echo(tabulate(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])), headers=(dim, "claims")) + "\n")
    click.echo(tabulate(view_counts(records.claims), headers=("plain-triple view", "claims", "plain triples")) + "\n")
    click.echo(tabulate(table1_table(table1_rows(records)), headers=TABLE1_HEADERS) + "\n")
    _echo_mappings(project, ontology, records)
    click.echo()
    if source_text is None:
        click.echo("paragraph coverage: needs the review text (--source-text)")
        return
    cov = coverage(project, ontology, records, read_source(source_text))
    click.echo(
        f"paragraphs: {len(cov.paragraphs)}; without any claim: {len(cov.silent)}; "
        f"citing a reference, without a claim and not excluded: {len(cov.uncovered)}"
    )
    for p in cov.silent:
        flag = "UNCOVERED" if p in cov.uncovered else ("cites" if p.cites else "no citation")
        click.echo(f"  [{p.number}] {p.section}: {p.opening}... ({flag})")


def _echo_mappings(project: Project, ontology: Graph, records: Records) -> None:
    from mscsle.curation.mapping_stats import HEADERS, mapping_shares, table
    from mscsle.curation.mappings import load_mappings

    mapping_set = load_mappings(project, ontology, records)
    click.echo(tabulate(table(mapping_shares(ontology, records, mapping_set)), headers=HEADERS))


@main.command("imports")
@click.pass_context
def imports_cmd(ctx: click.Context) -> None:
    """Regenerate the MIREOT import modules (ontology/imports/) and ontology/catalog-v001.xml from data/mappings.tsv."""
    from mscsle.curation.mappings import load_mappings
    from mscsle.curation.records import load
    from mscsle.release.import_modules import write_imports
    from mscsle.release.pipeline import read_ontology, read_vocab

    project = _project(ctx)
    ontology = read_ontology(project)
    records = load(project.root, project.entities, project.claims_dir, read_vocab(ontology))
    mapping_set = load_mappings(project, ontology, records)
    for path in write_imports(project, ontology, mapping_set):
        click.echo(f"  {path}")


@main.command("queries")
@click.option(
    "--write-prefixes",
    "write_prefixes_",
    is_flag=True,
    help="Rewrite each file's PREFIX lines (exactly the prefixes it uses).",
)
@click.pass_context
def queries_cmd(ctx: click.Context, write_prefixes_: bool) -> None:
    """Check (or with --write-prefixes rewrite) that every queries/**/*.rq declares its own prefixes, from the one map."""
    from mscsle.query.prefix_prologue import PrologueError, write_prefixes

    try:
        stale = write_prefixes(_project(ctx).queries_dir, write=write_prefixes_)
    except PrologueError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    for path in stale:
        click.echo(f"  {'rewrote' if write_prefixes_ else 'stale prologue'}: {path}")
    if stale and not write_prefixes_:
        click.echo("run `mscsle queries --write-prefixes` to rewrite them", err=True)
        sys.exit(1)


@main.command("check")
@dist_option()
@click.pass_context
def check_cmd(ctx: click.Context, dist: Path | None) -> None:
    """The OBO QC report (queries/qc/<rule>.rq, ROBOT rule names and levels) on the built graph, as a table by
    rule and level, then the violations and those data/qc-exceptions.tsv explains; exit 1 on any unexplained ERROR."""
    from mscsle.checks.qc import LEVELS, qc_table, release_checks
    from mscsle.checks.qc import counts as qc_counts
    from mscsle.query.stored import load_store
    from mscsle.release.artifacts import built

    project = _project(ctx)
    nt = built(project, dist, "mscsle.nt")
    results = release_checks(load_store(nt.read_bytes()), project.queries_dir, project.qc_exceptions)
    click.echo(tabulate(qc_table(results), headers=["level", "rule", "violations", "explained"]))
    total = qc_counts(results)
    click.echo("\n" + ", ".join(f"{total[level]} {level}" for level in LEVELS))
    for name, v in results.items():
        if v.rows:
            click.echo(f"\n{v.level} {name}: {v.check.question}\n" + tabulate(v.rows, headers=v.columns))
    for name, v in results.items():
        if v.explained:
            rows = [(*row, reason) for row, reason in v.explained]
            click.echo(
                f"\nexplained ({len(rows)}, data/qc-exceptions.tsv) {name}: {v.check.question}\n"
                + tabulate(rows, headers=[*v.columns, "reason"])
            )
    if total["ERROR"]:
        raise ValidationError(f"the QC report has {total['ERROR']} ERROR(s); fix them (see above)")


@main.command("reason")
@dist_option("The built artifacts (default: dist/); mscsle-inferred.ttl is written there.")
@click.pass_context
def reason_cmd(ctx: click.Context, dist: Path | None) -> None:
    """Run HermiT on dist/mscsle.owl: exit 1 naming the culprits if it is inconsistent or a class is
    unsatisfiable; otherwise write the inferred class hierarchy and types to dist/mscsle-inferred.ttl."""
    from mscsle.checks.reason import INFERRED_FILE, reason

    target = dist or _project(ctx).dist
    with _working(f"running HermiT on {target / 'mscsle.owl'} (a few seconds)"):
        result = reason(_project(ctx), target)
    click.echo(result.summary())
    click.echo(f"wrote {target / INFERRED_FILE}")
