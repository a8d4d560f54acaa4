"""Every .rq under queries/ is a standalone SPARQL 1.1 query: it parses with nothing added, in rdflib and in
Oxigraph, and its PREFIX lines are exactly those `mscsle queries --write-prefixes` derives from the prefix map."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from mscsle.cli import main
from mscsle.model.prefixes import prefix_map
from mscsle.query.prefix_prologue import (
    PrologueError,
    query_files,
    standalone,
    used_prefixes,
    with_prologue,
    write_prefixes,
)

from .conftest import ROOT

QUERY_FILES = query_files(ROOT / "queries")


def test_there_are_query_files():
    assert len(QUERY_FILES) >= 40


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_query_file_is_standalone(path: Path):
    text = path.read_text(encoding="utf-8")
    ox.Store().query(text)  # Oxigraph knows no prefix that the file does not declare
    translateQuery(parseQuery(text))  # rdflib: parsed and turned into algebra, every prefixed name expanded
    assert standalone(text) == text, f"{path.name}: run `mscsle queries --write-prefixes`"
    assert text.startswith("# "), f"{path.name} must still open with its question"


def test_prologue_holds_exactly_the_used_prefixes_sorted():
    text = '# Q?\nSELECT ?x WHERE { ?x a mscsle:Claim ; rdfs:label "obo:not_a_prefix" . FILTER(?x != <http://purl.obolibrary.org/obo/x>) }\n'
    out = standalone(text)
    assert out == (
        "# Q?\n"
        f"PREFIX mscsle: <{prefix_map()['mscsle']}>\n"
        f"PREFIX rdfs: <{prefix_map()['rdfs']}>\n"
        "\n"
        'SELECT ?x WHERE { ?x a mscsle:Claim ; rdfs:label "obo:not_a_prefix" . '
        "FILTER(?x != <http://purl.obolibrary.org/obo/x>) }\n"
    )
    assert standalone(out) == out  # idempotent
    assert used_prefixes("SELECT ?x WHERE { BIND(STR(mscsle.entity:) AS ?x) }") == ["mscsle.entity"]


def test_stale_and_wrong_prologues_are_rewritten(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    stale = tmp_path / "sub" / "stale.rq"
    stale.write_text("# Q?\nPREFIX owl: <http://example.org/wrong#>\n\nSELECT ?c WHERE { ?c a owl:Class }\n")
    fine = tmp_path / "fine.rq"
    fine.write_text(standalone("# Q?\nSELECT ?c WHERE { ?c a owl:Class }\n"))
    assert write_prefixes(tmp_path, write=False) == [stale]
    assert write_prefixes(tmp_path) == [stale]
    assert stale.read_text() == fine.read_text()
    assert write_prefixes(tmp_path) == []


def test_prefix_outside_the_map_is_refused(tmp_path: Path):
    (tmp_path / "bad.rq").write_text("# Q?\nSELECT ?x WHERE { ?x a schema:Person }\n")
    with pytest.raises(PrologueError, match=r"bad\.rq: prefixes not in .*prefixes\.yaml: schema"):
        write_prefixes(tmp_path)


def test_cli_checks_and_rewrites(tmp_path: Path):
    (tmp_path / "queries").mkdir()
    query = tmp_path / "queries" / "q.rq"
    query.write_text("# Q?\nSELECT ?c WHERE { ?c a owl:Class }\n")
    runner = CliRunner()
    check = runner.invoke(main, ["--root", str(tmp_path), "queries"])
    assert check.exit_code == 1 and "stale prologue" in check.output
    write = runner.invoke(main, ["--root", str(tmp_path), "queries", "--write-prefixes"])
    assert write.exit_code == 0, write.output
    assert query.read_text().splitlines()[1] == f"PREFIX owl: <{prefix_map()['owl']}>"
    assert runner.invoke(main, ["--root", str(tmp_path), "queries"]).exit_code == 0
    query.write_text("# Q?\nSELECT ?c WHERE { ?c a nope:Class }\n")
    bad = runner.invoke(main, ["--root", str(tmp_path), "queries"])
    assert bad.exit_code == 2 and "nope" in bad.output and "Traceback" not in bad.output


def test_short_queries_still_run():
    """A query without PREFIX lines gets the map's; a query's own declaration is not repeated."""
    short = with_prologue("SELECT ?c WHERE { ?c a mscsle:Claim }")
    assert f"PREFIX mscsle: <{prefix_map()['mscsle']}>" in short
    ox.Store().query(short)
    own = with_prologue("PREFIX mscsle: <https://example.org/>\nSELECT ?c WHERE { ?c a mscsle:Claim }")
    assert own.count("PREFIX mscsle:") == 1 and "PREFIX rdfs:" in own


def test_cli_runs_a_short_query_file(dist: Path, tmp_path: Path):
    short = tmp_path / "short.rq"
    short.write_text("SELECT (COUNT(?c) AS ?n) WHERE { ?c a mscsle:Claim }\n")
    run = CliRunner().invoke(main, ["--root", str(ROOT), "query", str(short), "--dist", str(dist), "--format", "csv"])
    assert run.exit_code == 0, run.output
    assert int(run.output.splitlines()[1]) > 200
