"""The `mscsle` command: a thin layer over the library (exit 0 ok, 1 validation failed, 2 bad input)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rdflib import Graph
from tabulate import tabulate

from .build import ValidationFailed, build, read_ontology
from .errors import CurationError
from .imports import write_imports
from .mapping_stats import HEADERS, mapping_shares, table
from .mappings import load_mappings
from .project import Project
from .queries import load_store, select, stored_queries
from .records import Records, load
from .source import ReviewText
from .stats import claim_counts, coverage
from .vocab import Vocab


def _project(ctx: click.Context) -> Project:
    return ctx.obj


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
    if source_text is None and project.default_source_text.is_file():
        source_text = project.default_source_text
    try:
        built = build(project, out, source_text)
    except CurationError as e:
        click.echo(e.report(), err=True)
        sys.exit(2)
    except ValidationFailed as e:
        click.echo("SHACL validation failed (dist/ was left unchanged):\n" + e.report.text, err=True)
        sys.exit(1)
    target = out or project.dist
    checked = f"quotes verified against {source_text}" if source_text else "quotes NOT verified (no --source-text)"
    click.echo(f"built {len(built.records.claims)} claims, {len(built.records.entities)} entities, "
               f"{len(built.graph)} triples into {target}; SHACL: conforms; {checked}")
    for name in sorted(built.files):
        click.echo(f"  {target / name}")


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
@click.option("--mappings", "mappings_only", is_flag=True, help="Only the mapped share per kind of entity and term.")
@click.option("--source-text", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="The review's text, to list the paragraphs without claims (default: ../shared/source/review.txt if present).")
@click.pass_context
def stats_cmd(ctx: click.Context, source_text: Path | None, mappings_only: bool) -> None:
    """Claims by section, species, certainty, evidence level, relation and condition; paragraphs without claims."""
    project = _project(ctx)
    source_text = source_text or (project.default_source_text if project.default_source_text.is_file() else None)
    ontology = read_ontology(project)
    try:
        records = load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(ontology))
    except CurationError as e:
        click.echo(e.report(), err=True)
        sys.exit(2)
    if mappings_only:
        _echo_mappings(project, ontology, records)
        return
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


def _echo_mappings(project: Project, ontology: Graph, records: Records) -> None:
    try:
        mapping_set = load_mappings(project, ontology, records)
    except CurationError as e:
        click.echo(e.report(), err=True)
        sys.exit(2)
    click.echo(tabulate(table(mapping_shares(ontology, records, mapping_set)), headers=HEADERS))


@main.command("imports")
@click.pass_context
def imports_cmd(ctx: click.Context) -> None:
    """Regenerate the MIREOT import modules (ontology/imports/) and ontology/catalog-v001.xml from data/mappings.tsv."""
    project = _project(ctx)
    ontology = read_ontology(project)
    try:
        records = load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(ontology))
        mapping_set = load_mappings(project, ontology, records)
    except CurationError as e:
        click.echo(e.report(), err=True)
        sys.exit(2)
    for path in write_imports(project.root / "ontology", mapping_set):
        click.echo(f"  {path}")
