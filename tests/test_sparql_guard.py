"""Queries that would write, or reach another endpoint through SERVICE, are refused before any engine runs them;
what the guard lets through means what its author wrote."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from mscsle.cli import main
from mscsle.model.prefixes import sparql_prologue
from mscsle.project import Project
from mscsle.query.engines import Results
from mscsle.query.sparql_guard import SERVICE, UPDATE, BadQuery, UnsafeQuery, safe_query

from .test_user_rdf import Listener


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:7878/query> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://localhost/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://[::1]:3030/ds> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
        "select * where { service <http://10.0.0.1/q> { ?s ?p ?o } }",
        r"SELECT * WHERE { \u0053ERVICE <http://example.org/x> { ?s ?p ?o } }",
        "PREFIX e: <http://example.org/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
        "BASE <http://example.org/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://example.org/> } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://a.example/> { ?s ?p ?x } } }",
        "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://b.example/> { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://c.example/> { ?s ?p ?o } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://d.example/> { ?s ?p ?o } } } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { SERVICE <http://e.example/> { ?s ?p ?o } } }",
        "ASK { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_wherever_it_goes(query: str):
    """No federation at all, not even to loopback: a local port is somebody else's service too."""
    with pytest.raises(UnsafeQuery) as err:
        safe_query(query)
    assert str(err.value) == SERVICE


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s <http://ex/service> ?service }",
        "SELECT * WHERE { ?s ?p 'SERVICE <http://example.org/> { }' }",
        "PREFIX service: <http://ex/> SELECT * WHERE { ?s service:from ?from }",
    ],
)
def test_the_words_in_names_and_strings_are_not_keywords(query: str):
    assert safe_query(query).form == "SELECT"


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://ex/a> <http://ex/p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://ex/g>",
        "CLEAR ALL",
        "DROP GRAPH <http://ex/g>",
        "WITH <http://ex/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(update: str):
    with pytest.raises(UnsafeQuery) as err:
        safe_query(update)
    assert str(err.value) == UPDATE


def test_an_unbalanced_query_is_refused_whatever_it_mentions():
    with pytest.raises(BadQuery, match="bracket"):
        safe_query("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o }")
    with pytest.raises(BadQuery, match="bracket"):
        safe_query("SELECT * WHERE { ?s ?p ?o")
    with pytest.raises(BadQuery, match="closes no matching bracket"):
        safe_query("SELECT * WHERE { ?s ?p ?o )")


def test_stored_queries_answer_the_same_through_the_rewrite(project: Project, dist: Path):
    """The guard's re-written text means what the author wrote: every stored query, same answers."""
    store = ox.Store()
    store.bulk_load((dist / "mscsle.nq").read_bytes(), format=ox.RdfFormat.N_QUADS)
    queries = sorted(project.queries_dir.rglob("*.rq"))
    assert len(queries) > 30
    for path in queries:
        text = sparql_prologue() + path.read_text(encoding="utf-8")
        rewritten = safe_query(text).text
        assert rewritten != text
        original = Results.from_oxigraph(store.query(text, use_default_graph_as_union=True)).normalised()
        again = Results.from_oxigraph(store.query(rewritten, use_default_graph_as_union=True)).normalised()
        assert again == original, path.name


def test_why_the_guard_is_needed(tmp_path: Path):
    """Oxigraph on its own follows SERVICE to any address: here, a listener on loopback receives the query."""
    listener = Listener()
    try:
        with pytest.raises(OSError):
            list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{listener.url('sparql')}> {{ ?s ?p ?o }} }}"))
    finally:
        listener.stop()
    assert listener.accepted and listener.accepted[0].startswith(b"POST /sparql")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", SERVICE),
        ("LOAD <http://example.org/data.ttl>", UPDATE),
    ],
)
def test_query_command_refuses(tmp_path: Path, query: str, message: str):
    rq = tmp_path / "q.rq"
    rq.write_text(query, encoding="utf-8")
    data = tmp_path / "d.nt"
    data.write_text("<http://ex/a> <http://ex/p> <http://ex/b> .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", str(rq), "--data", str(data)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"
