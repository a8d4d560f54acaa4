"""How long all competency queries take on each engine: embedded Oxigraph, rdflib, and an Oxigraph server over HTTP.

Not part of the test suite: run `python -m pytest benchmarks/test_query_speed.py`. Targets: all queries together in
under a second on the embedded store and over HTTP on loopback, under a minute on rdflib (a second opinion, not a
production engine).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mscsle.project import Project
from mscsle.query.engines import EndpointEngine, Engine, embedded
from mscsle.query.stored import stored_queries
from mscsle.release.pipeline import build
from mscsle.serve.oxigraph_server import free_port, served

TARGETS = {"oxigraph": 1.0, "rdflib": 60.0, "http": 1.0}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build(Project.default(), out)
    return out


@pytest.fixture(scope="module")
def engines(dist: Path) -> Iterator[dict[str, Engine]]:
    with served(dist, port=free_port()) as server:
        yield {"oxigraph": embedded(dist), "rdflib": embedded(dist, "rdflib"), "http": EndpointEngine(server.query_url)}


@pytest.mark.parametrize("engine", sorted(TARGETS))
def test_all_competency_queries(benchmark, engine: str, engines: dict[str, Engine]):
    queries = [q.sparql for q in stored_queries(Project.default().queries_dir).values()]

    def run_all() -> int:
        return sum(len(engines[engine].run(q).rows) for q in queries)

    assert benchmark.pedantic(run_all, rounds=3, iterations=1) > 0
    assert benchmark.stats.stats.max < TARGETS[engine]
