"""The `mscsle` command: a thin layer over the library (exit 0 ok, 1 validation failed, 2 bad input)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from tabulate import tabulate

from .build import ValidationFailed, build, read_ontology
from .errors import CurationError
from .project import Project
from .queries import load_store, select, stored_queries
from .records import load
from .site import build_site
from .site.network import GraphvizMissing
from .source import ReviewText
from .stats import claim_counts, coverage
from .vocab import Vocab


def _project(ctx: click.Context) -> Project:
    return ctx.obj


def _source_text(project: Project, given: Path | None) -> Path | None:
    """The review text given, else the one beside the checkout where it exists."""
    return given or (project.default_source_text if project.default_source_text.is_file() else None)


@contextmanager
def _exit_on_bad_input(unchanged: str) -> Iterator[None]:
    """Bad records: the problems and exit 2; a SHACL violation: the report and exit 1."""
    try:
        yield
    except CurationError as e:
        click.echo(e.report(), err=True)
        sys.exit(2)
    except ValidationFailed as e:
        click.echo(f"SHACL validation failed ({unchanged}):\n" + e.report.text, err=True)
        sys.exit(1)


@click.group()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The project checkout (default: the one this package is installed from).")
@click.version_option(package_name="mscsle")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """mscsle: the review of Zhu & Feng 2018 (MSC dysfunction in SLE) as an ontology and knowledge graph."""
    ctx.obj = Project(root) if root else Project.default()


@main.command("build")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (default: dist/).")
@click.option("--source-text", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="The review's text: every quote is verified against it (default: ../shared/source/review.txt if present).")
@click.pass_context
def build_cmd(ctx: click.Context, out: Path | None, source_text: Path | None) -> None:
    """Build all artifacts into dist/, validated against shapes/."""
    project = _project(ctx)
    source_text = _source_text(project, source_text)
    with _exit_on_bad_input("dist/ was left unchanged"):
        built = build(project, out, source_text)
    target = out or project.dist
    checked = f"quotes verified against {source_text}" if source_text else "quotes NOT verified (no --source-text)"
    click.echo(f"built {len(built.records.claims)} claims, {len(built.records.entities)} entities, "
               f"{len(built.graph)} triples into {target}; SHACL: conforms; {checked}")
    for name in sorted(built.files):
        click.echo(f"  {target / name}")


@main.command("docs")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: dist/docs/; `mscsle build` replaces dist/ as a whole, so run docs after it).")
@click.option("--source-text", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="The review's text: every quote is verified against it (default: ../shared/source/review.txt if present).")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the network picture as PNG to this file (the README's is docs/network.png).")
@click.pass_context
def docs_cmd(ctx: click.Context, out: Path | None, source_text: Path | None, png: Path | None) -> None:
    """Write the documentation site (ontology reference, claims browser, network pictures); opens offline."""
    project = _project(ctx)
    try:
        with _exit_on_bad_input("nothing was written"):
            site = build_site(project, out, _source_text(project, source_text), png)
    except GraphvizMissing as e:
        raise click.ClickException(str(e)) from e
    pages = sum(1 for name in site.files if name.endswith(".html"))
    click.echo(f"wrote {pages} pages and {len(site.files) - pages} other files into {site.out}; "
               f"open {site.out / 'index.html'} in a browser")
    if png is not None:
        click.echo(f"network picture: {png}")


@main.command("query")
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the stored competency queries with their questions.")
@click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default=None, help="The built artifacts (default: dist/).")
@click.pass_context
def query_cmd(ctx: click.Context, name: str | None, list_: bool, dist: Path | None) -> None:
    """Run a stored query (by NAME) or a .rq FILE on the built graph and print a table."""
    project = _project(ctx)
    queries = stored_queries(project.queries_dir)
    if list_ or not name:
        click.echo(tabulate([(q.name, q.question) for q in queries.values()], headers=("query", "question")))
        return
    if name in queries:
        sparql = queries[name].sparql
    elif Path(name).is_file():
        from .prefixes import sparql_prologue

        sparql = sparql_prologue() + Path(name).read_text(encoding="utf-8")
    else:
        raise click.UsageError(f"no stored query {name!r} and no such file; `mscsle query --list` lists the stored ones")
    nt = (dist or project.dist) / "mscsle.nt"
    if not nt.is_file():
        raise click.ClickException(f"{nt} does not exist; run `mscsle build` first")
    names, rows = select(load_store(nt.read_bytes()), sparql)
    click.echo(tabulate(rows, headers=names))


@main.command("stats")
@click.option("--source-text", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="The review's text, to list the paragraphs without claims (default: ../shared/source/review.txt if present).")
@click.pass_context
def stats_cmd(ctx: click.Context, source_text: Path | None) -> None:
    """Claims by section, species, certainty, evidence level, relation and condition; paragraphs without claims."""
    project = _project(ctx)
    source_text = _source_text(project, source_text)
    ontology = read_ontology(project)
    try:
        records = load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(ontology))
    except CurationError as e:
        click.echo(e.report(), err=True)
        sys.exit(2)
    click.echo(f"{len(records.claims)} claims, {len(records.entities)} entities\n")
    for dim, counts in claim_counts(records).items():
        click.echo(tabulate(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])), headers=(dim, "claims")) + "\n")
    if source_text is None:
        click.echo("paragraph coverage: needs the review text (--source-text)")
        return
    cov = coverage(project, ontology, records, ReviewText.read(source_text))
    click.echo(f"paragraphs: {len(cov.paragraphs)}; without any claim: {len(cov.silent)}; "
               f"citing a reference, without a claim and not excluded: {len(cov.uncovered)}")
    for p in cov.silent:
        flag = "UNCOVERED" if p in cov.uncovered else ("cites" if p.cites else "no citation")
        click.echo(f"  [{p.number}] {p.section}: {p.opening}... ({flag})")
