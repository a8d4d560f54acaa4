"""Two engines, same answers; results in the SPARQL 1.1 result formats; `mscsle query` over both."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from mscsle.cli import main
from mscsle.model.prefixes import sparql_prologue
from mscsle.query.engines import OxigraphEngine, QueryFailed, RdflibEngine, Results, embedded
from mscsle.query.stored import stored_queries

from .conftest import ROOT

QUERIES = stored_queries(ROOT / "queries")
MINI_NQ = b"""<https://w3id.org/mscsle/entity/a> <http://www.w3.org/2000/01/rdf-schema#label> "A"@en <https://w3id.org/mscsle/graph/data> .
<https://w3id.org/mscsle/entity/a> <https://w3id.org/mscsle/n> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <https://w3id.org/mscsle/graph/data> .
<https://w3id.org/mscsle/entity/b> <http://www.w3.org/2000/01/rdf-schema#label> "B" <https://w3id.org/mscsle/graph/ontology> .
"""


@pytest.fixture(scope="module")
def engines(dist: Path) -> dict[str, object]:
    return {"oxigraph": embedded(dist, "oxigraph"), "rdflib": embedded(dist, "rdflib")}


@pytest.fixture(scope="module")
def mini_engines() -> list:
    return [OxigraphEngine(MINI_NQ), RdflibEngine(MINI_NQ)]


def test_there_are_at_least_25_competency_queries():
    assert len(QUERIES) >= 25, sorted(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_states_its_question(name: str):
    lines = QUERIES[name].text.splitlines()
    assert lines[0].startswith("# ") and lines[0].endswith("?"), f"{name}.rq must open with its question as a comment"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_both_engines_give_identical_results(name: str, engines):
    ox_results = engines["oxigraph"].run(QUERIES[name].sparql)
    rdflib_results = engines["rdflib"].run(QUERIES[name].sparql)
    assert ox_results.variables == rdflib_results.variables
    assert ox_results.rows, f"{name} has no answer on the built graph"
    assert ox_results.normalised() == rdflib_results.normalised()


def test_default_graph_is_the_union_of_the_named_graphs(mini_engines):
    q = "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    for engine in mini_engines:
        assert engine.run(q).normalised() == [('"A"@en',), ('"B"',)], engine.name
    g = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    for engine in mini_engines:
        assert [r[0] for r in engine.run(g).normalised()] == [
            "<https://w3id.org/mscsle/graph/data>",
            "<https://w3id.org/mscsle/graph/ontology>",
        ], engine.name


def test_result_formats_round_trip(mini_engines):
    q = "SELECT ?s ?l ?n WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l OPTIONAL { ?s <https://w3id.org/mscsle/n> ?n } }"
    for engine in mini_engines:
        r = engine.run(q)
        for fmt in ("json", "tsv", "xml"):
            back = ox.parse_query_results(r.serialize(fmt), format=getattr(ox.QueryResultsFormat, fmt.upper()))
            assert (
                sorted(tuple(str(s[v]) if s[v] is not None else "" for v in ("s", "l", "n")) for s in back)
                == r.normalised()
            )
        doc = json.loads(r.serialize("json"))
        assert doc["head"]["vars"] == ["s", "l", "n"]
        csv_lines = r.serialize("csv").decode("utf-8").splitlines()
        assert csv_lines[0] == "s,l,n" and sorted(csv_lines[1:]) == [
            "https://w3id.org/mscsle/entity/a,A,2",
            "https://w3id.org/mscsle/entity/b,B,",
        ]


def test_ask_and_construct(mini_engines):
    for engine in mini_engines:
        assert engine.run('ASK { ?s ?p "A"@en }').boolean is True
        assert json.loads(engine.run('ASK { ?s ?p "Z" }').serialize("json"))["boolean"] is False
        g = engine.run(
            "CONSTRUCT { ?s <http://e/named> ?l } WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
        )
        assert g.serialize("nt").decode("utf-8").splitlines() == [
            '<https://w3id.org/mscsle/entity/a> <http://e/named> "A"@en .',
            '<https://w3id.org/mscsle/entity/b> <http://e/named> "B" .',
        ]
        assert "mscsle.entity:a" in g.table()
        with pytest.raises(QueryFailed, match="returns RDF"):
            g.serialize("json")


def test_table_shows_curies_and_plain_values(mini_engines):
    for engine in mini_engines:
        table = engine.run(
            "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY STR(?l)"
        ).table()
        assert table.splitlines()[2:] == ["mscsle.entity:a  A", "mscsle.entity:b  B"]


def test_syntax_error_names_the_engine(mini_engines):
    for engine in mini_engines:
        with pytest.raises(QueryFailed, match=engine.name):
            engine.run("SELECT ?s WHERE { ?s }")  # balanced (the guard passes it), not SPARQL: the engine says so


def test_results_refuse_a_format_of_the_other_kind():
    with pytest.raises(QueryFailed, match="returns solutions"):
        Results.from_json(b'{"head":{"vars":["x"]},"results":{"bindings":[]}}').serialize("ttl")


# --- the command line ---------------------------------------------------------------------------------------


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, ["--root", str(ROOT), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_lists_every_query_with_its_question():
    out = _run("query", "--list")
    for q in QUERIES.values():
        assert q.name in out and " ".join(q.question.split()) in " ".join(out.split())


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_cli_json_is_the_engine_result(engine: str, dist: Path, engines):
    out = _run("query", "oaz-mediator", "--dist", str(dist), "--format", "json", "--engine", engine)
    rows = json.loads(out)["results"]["bindings"]
    assert [r["mediator"]["value"] for r in rows] == ["http://identifiers.org/hgnc/10618"]  # CCL2 is HGNC:10618


def test_cli_runs_an_adhoc_file_with_the_prefixes(dist: Path, tmp_path: Path):
    f = tmp_path / "q.rq"
    f.write_text("# How many claims?\nSELECT (COUNT(?c) AS ?n) WHERE { ?c a mscsle:Claim }\n", encoding="utf-8")
    out = _run("query", str(f), "--dist", str(dist), "--format", "tsv")
    n = int(out.splitlines()[1].split("^^")[0].strip('"'))
    assert n == int(
        embedded(dist).run(sparql_prologue() + "SELECT (COUNT(*) AS ?n) WHERE { ?c a mscsle:Claim }").rows[0][0].value
    )
    assert n > 100


def test_cli_errors_say_what_to_do(tmp_path: Path):
    result = CliRunner().invoke(main, ["--root", str(ROOT), "query", "no-such-query"])
    assert result.exit_code == 2 and "mscsle query --list" in result.output
    result = CliRunner().invoke(main, ["--root", str(ROOT), "query", "oaz-mediator", "--dist", str(tmp_path)])
    assert result.exit_code == 2 and "run `mscsle build` first" in result.output


def test_results_broken_off_by_the_server_are_an_error():
    # what a server streams when the query fails after the results have begun (here: a failed SERVICE call)
    broken = b'{"head":{"vars":["s"]},"results":{"bindings":[Empty HTTP request'
    with pytest.raises(QueryFailed, match="not valid SPARQL JSON.*Empty HTTP request"):
        Results.from_json(broken)
