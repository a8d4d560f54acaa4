"""Hostile SPARQL against the query tools: no spelling of SERVICE or FROM makes any engine connect anywhere (a local
listener records every connection), deep or long queries are refused before a parser can crash, and `mscsle query`
answers them with exit 2 and a message, never a signal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from mscsle.query.engines import OxigraphEngine, RdflibEngine
from mscsle.query.sparql_guard import FROM, SERVICE, BadQuery, Limits, UnsafeQuery, safe_query

from ..test_user_rdf import Listener

NQ = b"<http://ex/a> <http://ex/p> <http://ex/b> <http://ex/g> .\n"
PATTERN = "{ ?s ?p ?o }"


def service_spellings(url: str) -> list[str]:
    """SERVICE to `url`, written every way SPARQL 1.1 allows (and some ways readers disagree on)."""
    host = url.removeprefix("http://")
    escaped_iri = "<" + "".join(f"\\u{ord(c):04X}" for c in url) + ">"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {PATTERN} }}",
        f"select * where {{ service <{url}> {PATTERN} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {PATTERN} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {PATTERN} }}",
        f"SELECT * WHERE {{ \\U00000073ervice <{url}> {PATTERN} }}",
        f"SELECT * WHERE {{ SERVICE {escaped_iri} {PATTERN} }}",
        f"SELECT * WHERE {{ SERVICE <\\u0068ttp://{host}> {PATTERN} }}",
        f"SELECT * WHERE {{ ?s ?p ?o # a comment ended by a carriage return\rSERVICE <{url}> {PATTERN} }}",
        f"SELECT * WHERE {{ ?s ?p ?o # a comment ended by an escaped newline\\u000ASERVICE <{url}> {PATTERN} }}",
        f"SELECT * WHERE {{ ?s ?p ?o #\r\nSERVICE <{url}> {PATTERN} }}",
        f"SELECT*WHERE{{SERVICE<{url}>{{?s ?p ?o}}}}",
        f"PREFIX l: <{url}> SELECT * WHERE {{ SERVICE l:sparql {PATTERN} }}",
        f"BASE <{url}> SELECT * WHERE {{ SERVICE <sparql> {PATTERN} }}",
        f"SELECT * WHERE {{ SERVICE ?e {PATTERN} VALUES ?e {{ <{url}> }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {PATTERN} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {PATTERN} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {PATTERN} }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ SERVICE <{url}> {PATTERN} }} }}",
        f"SELECT * WHERE {{ MINUS {{ SERVICE <{url}> {PATTERN} }} }}",
    ]


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.stop()


def test_service_in_any_spelling_never_connects(listener: Listener):
    engines = (OxigraphEngine(NQ), RdflibEngine(NQ))
    for query in service_spellings(listener.url("sparql")):
        with pytest.raises(UnsafeQuery) as err:
            safe_query(query)
        assert str(err.value) == SERVICE
        for engine in engines:
            with pytest.raises(UnsafeQuery):
                engine.run(query)
    assert listener.accepted == []


def test_without_the_guard_oxigraph_connects(listener: Listener):
    """The control for the test above: the same engine, given the text directly, does connect."""
    with pytest.raises(OSError):
        list(ox.Store().query(service_spellings(listener.url("sparql"))[6]))  # the <\\u0068ttp://...> spelling
    assert listener.accepted and listener.accepted[0].startswith(b"POST /sparql")


def from_spellings(url: str) -> list[str]:
    return [
        f"SELECT * FROM <{url}> WHERE {PATTERN}",
        f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {PATTERN} }}",
        f"select * from <{url}> where {PATTERN}",
        f"SELECT * \\u0046ROM <{url}> WHERE {PATTERN}",
        f"ASK FROM <{url}> {PATTERN}",
        f"CONSTRUCT {{ ?s ?p ?o }} FROM <{url}> WHERE {PATTERN}",
        f"DESCRIBE ?s FROM <{url}> WHERE {PATTERN}",
        f"PREFIX l: <{url}> SELECT * FROM l:g.ttl WHERE {PATTERN}",
    ]


def test_rdflib_never_fetches_from_graphs(listener: Listener):
    engine = RdflibEngine(NQ)
    for query in from_spellings(listener.url("g.ttl")):
        with pytest.raises(UnsafeQuery) as err:
            engine.run(query)
        assert str(err.value) == FROM
    assert listener.accepted == []


def test_without_the_guard_rdflib_fetches_from_graphs(listener: Listener):
    with pytest.raises(Exception):  # noqa: B017 - the listener closes the connection: any error will do
        Dataset().query(from_spellings(listener.url("g.ttl"))[0])
    assert listener.accepted and listener.accepted[0].startswith(b"GET /g.ttl")


def test_updates_are_refused_as_keywords():
    for update in (
        "INSERT DATA { <http://ex/a> <http://ex/p> 1 }",
        "load <http://127.0.0.1:9/x.ttl>",
        "\\u004cOAD <http://127.0.0.1:9/x.ttl>",
        "SELECT * WHERE { ?s ?p ?o } ; CLEAR ALL",
        "WITH <http://ex/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ):
        with pytest.raises(UnsafeQuery, match="^SPARQL updates"):
            safe_query(update)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * WHERE " + "{" * 30_000 + "}" * 30_000, "brackets are nested more than 20 deep"),
        ("ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", "brackets are nested more than 20 deep"),
        ("ASK { ?s ?p " + "[ ?p " * 5000 + "1" + " ]" * 5000 + " }", "brackets are nested more than 20 deep"),
        ("ASK { FILTER(" + "+".join(["1"] * 20_000) + " > 0) }", "tokens; the limit is 1,500"),
        ("ASK { " + "UNION".join(["{}"] * 8000) + " }", "tokens; the limit is 1,500"),
        ("ASK { FILTER(" + "1" * 70_000 + ") }", "characters; the limit is 65,536"),
    ],
)
def test_hostile_sizes_are_refused_before_any_parser(query: str, message: str):
    with pytest.raises(BadQuery, match=message.replace("(", r"\(")):
        safe_query(query)


def test_a_query_at_the_limits_still_runs_on_both_engines():
    deep = "SELECT * WHERE " + "{" * 10 + "FILTER(" + "(" * 9 + "1 > 0" + ")" * 9 + ")" + "}" * 10
    chain = "ASK { FILTER(" + " + ".join(["1"] * 740) + " > 0) }"
    for engine in (OxigraphEngine(NQ), RdflibEngine(NQ)):
        assert engine.run(deep).rows == ((),)
        assert engine.run(chain).boolean is True


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o } \x00",
        "SELECT * WHERE { ?s ?p ?o `x` }",
        "SELECT * WHERE { ?s ?p ?o } ~",
        "SELECT * WHERE { ?s ?p 'unterminated }",
        "SELECT * WHERE { ?s ?p ?o \\uD800 }",
        "SELECT * WHERE { LATERAL { ?s ?p ?o } }",
    ],
)
def test_anything_outside_the_grammar_is_refused(query: str):
    with pytest.raises(BadQuery):
        safe_query(query)


def test_strings_keep_their_value_through_the_rewrite():
    """Every string form and escape is read once, by the guard, and reaches the engine with the same value."""
    query = (
        "SELECT ?a ?b ?c ?d ?e ?f WHERE { BIND('a\\'b' AS ?a) BIND(\"c\\\"d\\\\e\" AS ?b) "
        "BIND('''f\n'g''' AS ?c) BIND(\"\"\"h\"i\\tj\"\"\" AS ?d) BIND(\"k\\u00e9\" AS ?e) BIND('#no comment' AS ?f) }"
    )
    expected = ("a'b", 'c"d\\e', "f\n'g", 'h"i\tj', "k\u00e9", "#no comment")
    assert "#" not in safe_query(query).text.replace("#no comment", "")
    for engine in (OxigraphEngine(NQ), RdflibEngine(NQ)):
        assert tuple(t.value for t in engine.run(query).rows[0]) == expected


def test_row_limit_is_added_or_checked():
    limits = Limits(max_rows=5)
    added = safe_query(
        "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 100 } } VALUES ?s { <http://ex/a> }", limits
    )
    assert added.row_limit == 5
    assert added.text.endswith("LIMIT 100 } } LIMIT 5 VALUES ?s { <http://ex/a> }")
    assert safe_query("SELECT * WHERE { ?s ?p ?o } LIMIT 5", limits).row_limit is None
    with pytest.raises(BadQuery, match="LIMIT 6 is over this endpoint's limit of 5 rows"):
        safe_query("SELECT * WHERE { ?s ?p ?o } LIMIT 6", limits)
    assert safe_query("ASK { ?s ?p ?o }", limits).row_limit is None


def _run_cli(tmp_path: Path, query: str, *args: str) -> subprocess.CompletedProcess[str]:
    rq = tmp_path / "q.rq"
    rq.write_text(query, encoding="utf-8")
    data = tmp_path / "d.nq"
    data.write_bytes(NQ)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    return subprocess.run(
        [sys.executable, "-m", "mscsle", "query", str(rq), "--data", str(data), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * WHERE " + "{" * 30_000 + "?s ?p ?o" + "}" * 30_000, "nested more than 20 deep"),
        ("ASK { " + "UNION".join(["{}"] * 8000) + " }", "tokens; the limit is"),
        ("ASK { FILTER(" + "1" * 70_000 + ") }", "characters; the limit is"),
        ("SELECT * FROM <http://127.0.0.1:9/g.ttl> WHERE { ?s ?p ?o }", "FROM and FROM NAMED are refused"),
    ],
)
def test_query_command_answers_hostile_queries_with_exit_2(tmp_path: Path, engine: str, query: str, message: str):
    done = _run_cli(tmp_path, query, "--engine", engine)
    assert done.returncode == 2, done.stderr[-500:]
    assert message in done.stderr and "Traceback" not in done.stderr


RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?d ?g ?j"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_query_command_stops_a_runaway_query_at_its_time_out(tmp_path: Path, engine: str):
    """A query no engine can interrupt from inside is stopped from outside: exit 2 and a message."""
    data = b"".join(b"<http://ex/s%d> <http://ex/p> <http://ex/o%d> <http://ex/g> .\n" % (i, i) for i in range(200))
    (tmp_path / "big.nq").write_bytes(data)
    rq = tmp_path / "q.rq"
    rq.write_text(RUNAWAY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-m", "mscsle", "query", str(rq), "--data", str(tmp_path / "big.nq"), "--engine", engine]
        + ["--timeout", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 2, done.stderr[-300:]
    assert done.stderr == "error: the query ran beyond the time-out of 2 s and was stopped\n"
