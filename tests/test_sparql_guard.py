"""Queries that would write, or reach outside the machine through SERVICE, are refused before any engine runs them."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from mscsle.cli import main
from mscsle.query.sparql_guard import UnsafeQuery, check_query, is_loopback

from .test_user_rdf import Listener

OUTSIDE = (
    "SERVICE to {} is refused: mscsle queries only reach endpoints on this machine (localhost, 127.0.0.1, [::1]), "
    "never an address given by a variable"
)
UPDATE = (
    "SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused: the graph is read-only; run a SELECT, "
    "ASK, CONSTRUCT or DESCRIBE query"
)


@pytest.mark.parametrize(
    ("query", "refused"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", None),
        ("SELECT * WHERE { ?s <http://ex/service> ?service }", None),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:7878/query> { ?s ?p ?o } }", None),
        ("SELECT * WHERE { SERVICE <http://localhost/sparql> { ?s ?p ?o } }", None),
        ("SELECT * WHERE { SERVICE <http://[::1]:3030/ds> { ?s ?p ?o } }", None),
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "http://example.org/sparql"),
        (
            "SELECT * WHERE { SERVICE SILENT <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
            "https://query.wikidata.org/sparql",
        ),
        ("select * where { service <http://10.0.0.1/q> { ?s ?p ?o } }", "http://10.0.0.1/q"),
        (r"SELECT * WHERE { \u0053ERVICE <http://example.org/x> { ?s ?p ?o } }", "http://example.org/x"),
        (
            "PREFIX e: <http://example.org/> SELECT * WHERE { SERVICE e:sparql { ?s ?p ?o } }",
            "http://example.org/sparql",
        ),
        ("BASE <http://example.org/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", "http://example.org/sparql"),
        ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://example.org/> } }", "?endpoint"),
        ("SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://a.example/> { ?s ?p ?x } } }", "http://a.example/"),
        ("SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://b.example/> { ?s ?p ?o } } }", "http://b.example/"),
        ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://c.example/> { ?s ?p ?o } } }", "http://c.example/"),
        ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://d.example/> { ?s ?p ?o } } } }", "http://d.example/"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { SERVICE <http://e.example/> { ?s ?p ?o } } }", "http://e.example/"),
        ("ASK { SERVICE <http://127.0.0.1.example.org/> { ?s ?p ?o } }", "http://127.0.0.1.example.org/"),
        ("ASK { SERVICE <http://localhost.example.org/> { ?s ?p ?o } }", "http://localhost.example.org/"),
        ("ASK { SERVICE <file:///etc/passwd> { ?s ?p ?o } }", "file:///etc/passwd"),
    ],
)
def test_service_outside_is_refused(query: str, refused: str | None):
    if refused is None:
        check_query(query)
    else:
        with pytest.raises(UnsafeQuery) as err:
            check_query(query)
        assert str(err.value) == OUTSIDE.format(refused)


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
        check_query(update)
    assert str(err.value) == UPDATE


def test_an_unreadable_query_that_mentions_service_is_refused():
    with pytest.raises(UnsafeQuery, match="mentions SERVICE but could not be read"):
        check_query("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o }")  # unbalanced
    check_query("SELECT * WHERE { ?s ?p ?o")  # no SERVICE: the engine gives its own syntax error


def test_loopback_addresses():
    assert (
        is_loopback("http://127.0.0.1:7878/query")
        and is_loopback("http://127.1.2.3/")
        and is_loopback("https://[::1]/")
    )
    assert is_loopback("http://localhost:3030/ds/sparql")
    assert not is_loopback("http://192.168.1.1/") and not is_loopback("http://example.org/")
    assert not is_loopback("ftp://127.0.0.1/") and not is_loopback("http://localhost.example.org/")


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
        (
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
            OUTSIDE.format("http://example.org/sparql"),
        ),
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
