"""A real triplestore: `mscsle load` fills an Oxigraph server over the Graph Store Protocol, every competency query
gives the same answer over HTTP as on the embedded store, and `mscsle serve` is a read-only endpoint.

The servers are the `oxigraph` command of PyPI `oxigraph`, on 127.0.0.1, on free ports, with temporary stores;
every wait is bounded and every server is stopped by its fixture.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mscsle.cli import main
from mscsle.query import sparql_http as protocol
from mscsle.query.engines import EndpointEngine, Engine, embedded
from mscsle.query.stored import stored_queries
from mscsle.release.named_graphs import DATA, NAMES, ONTOLOGY, graph_iri, read_nquads
from mscsle.serve.oxigraph_server import OxigraphServer, ServerError, free_port

from .conftest import ROOT

QUERIES = stored_queries(ROOT / "queries")
COUNT_BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, ["--root", str(ROOT), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _counts(engine: Engine) -> dict[str, int]:
    return {g.value: int(n.value) for g, n in engine.run(COUNT_BY_GRAPH).rows}


@pytest.fixture(scope="module")
def store_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A read-write Oxigraph server whose default graph is NOT the union (as in many triplestores)."""
    server = OxigraphServer(
        tmp_path_factory.mktemp("oxigraph-store"),
        port=free_port(),
        read_only=False,
        union_default_graph=False,
        timeout_s=60,
    )
    with server:
        yield server


@pytest.fixture(scope="module")
def loaded(store_server: OxigraphServer, dist: Path) -> OxigraphServer:
    out = _cli("load", "--endpoint", store_server.store_url, "--dist", str(dist))
    assert out.count("loaded ") == len(NAMES)
    return store_server


@pytest.fixture(scope="module")
def embedded_oxigraph(dist: Path) -> Engine:
    return embedded(dist)


def test_load_puts_each_named_graph(loaded: OxigraphServer, dist: Path):
    expected = {graph_iri(n): nt.count(b"\n") for n, nt in read_nquads((dist / "mscsle.nq").read_bytes()).items()}
    assert _counts(EndpointEngine(loaded.query_url)) == expected
    assert expected[graph_iri(ONTOLOGY)] > 300 and expected[graph_iri(DATA)] > 3000


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_gives_the_same_answer_over_http(name: str, loaded: OxigraphServer, embedded_oxigraph: Engine):
    remote = EndpointEngine(loaded.query_url, default_graphs=[graph_iri(n) for n in NAMES])
    here = embedded_oxigraph.run(QUERIES[name].sparql)
    there = remote.run(QUERIES[name].sparql)
    assert there.variables == here.variables
    assert there.rows, f"{name}: no answer over HTTP"
    assert there.normalised() == here.normalised()


def test_cli_query_against_the_endpoint(loaded: OxigraphServer):
    graphs = [a for n in NAMES for a in ("--default-graph", graph_iri(n))]
    out = _cli("query", "oaz-mediator", "--endpoint", loaded.query_url, *graphs, "--format", "csv")
    assert out.splitlines() == ["mediator,label", "http://identifiers.org/hgnc/10618,CCL2"]  # CCL2 is HGNC:10618


def test_loading_again_replaces_the_graphs(loaded: OxigraphServer, dist: Path):
    before = _counts(EndpointEngine(loaded.query_url))
    _cli("load", "--endpoint", loaded.store_url, "--dist", str(dist))
    assert _counts(EndpointEngine(loaded.query_url)) == before


def test_load_under_another_base(loaded: OxigraphServer, dist: Path):
    out = _cli("load", "--endpoint", loaded.store_url, "--graph", "https://example.org/kg/mscsle", "--dist", str(dist))
    assert "<https://example.org/kg/mscsle/ontology>" in out and "<https://example.org/kg/mscsle/data>" in out
    counts = _counts(EndpointEngine(loaded.query_url))
    assert counts["https://example.org/kg/mscsle/data"] == counts[graph_iri(DATA)]
    protocol.put_graph(loaded.store_url, "https://example.org/kg/mscsle/data", b"")  # leave the shared server as loaded
    protocol.put_graph(loaded.store_url, "https://example.org/kg/mscsle/ontology", b"")


def test_load_errors_name_the_endpoint_and_what_to_do(store_server: OxigraphServer, dist: Path, tmp_path: Path):
    runner = CliRunner()
    wrong = runner.invoke(
        main, ["--root", str(ROOT), "load", "--endpoint", store_server.query_url, "--dist", str(dist)]
    )
    assert wrong.exit_code == 1 and "Graph Store endpoint" in wrong.output and "/query" in wrong.output
    down = runner.invoke(
        main, ["--root", str(ROOT), "load", "--endpoint", f"http://127.0.0.1:{free_port()}/store", "--dist", str(dist)]
    )
    assert down.exit_code == 1 and "cannot reach the endpoint" in down.output
    unbuilt = runner.invoke(
        main, ["--root", str(ROOT), "load", "--endpoint", store_server.store_url, "--dist", str(tmp_path)]
    )
    assert unbuilt.exit_code == 2 and "run `mscsle build` first" in unbuilt.output
    relative = runner.invoke(
        main,
        ["--root", str(ROOT), "load", "--endpoint", store_server.store_url, "--graph", "graphs/", "--dist", str(dist)],
    )
    assert relative.exit_code == 2 and "not an absolute IRI" in relative.output


# --- mscsle serve ---------------------------------------------------------------------------------------------


def _start_serve(dist: Path, tmp: Path) -> tuple[str, subprocess.Popen]:
    """`mscsle serve` as a user runs it, in its own process, its temporary store in `tmp`; returns the endpoint URL
    it prints once it is ready, and the process."""
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mscsle",
            "--root",
            str(ROOT),
            "serve",
            "--port",
            str(free_port()),
            "--timeout",
            "30",
            "--dist",
            str(dist),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if select.select([proc.stdout], [], [], 0.2)[0]:
            line = proc.stdout.readline()
            if line.startswith("SPARQL endpoint (read-only): "):
                return line.split(": ", 1)[1].strip(), proc
            if not line:
                raise AssertionError(f"mscsle serve exited (code {proc.wait(timeout=20)})")
    _stop(proc)
    raise AssertionError("mscsle serve did not say it was ready within 60 s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)


@pytest.fixture(scope="module")
def served(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, proc = _start_serve(dist, tmp_path_factory.mktemp("serve-tmp"))
    try:
        yield url
    finally:
        _stop(proc)


def test_serve_answers_the_competency_queries(served: str, embedded_oxigraph: Engine):
    remote = EndpointEngine(served)  # no default-graph-uri: the served default graph is the union of the named graphs
    for name in ("oaz-mediator", "ido-inducers", "claims-per-section"):
        assert remote.run(QUERIES[name].sparql).normalised() == embedded_oxigraph.run(QUERIES[name].sparql).normalised()


def test_serve_refuses_updates(served: str):
    url = served
    base = url.removesuffix("/query")
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = EndpointEngine(url).run(count).normalised()
    with pytest.raises(protocol.EndpointError) as update:
        protocol.update(f"{base}/update", "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }")
    assert update.value.status == 403
    with pytest.raises(protocol.EndpointError) as put:
        protocol.put_graph(f"{base}/store", "https://w3id.org/mscsle/graph/data", b"")
    assert put.value.status == 403
    with pytest.raises(protocol.EndpointError) as drop:
        protocol.update(f"{base}/update", "DROP ALL")
    assert drop.value.status == 403
    assert EndpointEngine(url).run(count).normalised() == before


def _non_loopback_addresses() -> set[str]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return set()
    return {i[4][0] for i in infos if not i[4][0].startswith("127.")}


def test_serve_listens_on_loopback_only_by_default(served: str):
    cmd = OxigraphServer(Path("store"), port=7878, timeout_s=5).command()
    assert cmd[1] == "serve-read-only" and cmd[cmd.index("--bind") + 1] == "127.0.0.1:7878"
    assert cmd[cmd.index("--timeout-s") + 1] == "5" and "--union-default-graph" in cmd
    port = int(served.rsplit(":", 1)[1].split("/")[0])
    for address in _non_loopback_addresses():  # where the machine has another address, nothing answers there
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((address, port)) != 0, f"the endpoint answers on {address}"


def test_serve_stops_and_cleans_up_on_sigterm(dist: Path, tmp_path: Path):
    url, proc = _start_serve(dist, tmp_path)
    assert any(p.name.startswith("mscsle-store-") for p in tmp_path.iterdir())
    _stop(proc)
    assert proc.returncode == 0
    assert not any(p.name.startswith("mscsle-store-") for p in tmp_path.iterdir()), (
        "the temporary store was left behind"
    )
    with pytest.raises(protocol.EndpointError, match="cannot reach"):
        protocol.query(url, "ASK {}", timeout=2)
    assert "Ctrl-C stops it." in proc.stdout.read()


# --- the server wrapper -----------------------------------------------------------------------------------------


def test_an_interrupted_start_leaves_no_server_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # Ctrl-C (or SIGTERM) while waiting for the server to answer

    monkeypatch.setattr(protocol, "query", interrupted)
    server = OxigraphServer(tmp_path / "store", port=free_port())
    with pytest.raises(KeyboardInterrupt):
        server.start()
    assert server.process is not None and server.process.poll() is not None, "the Oxigraph process was left running"


def test_a_server_that_cannot_start_says_why(store_server: OxigraphServer, tmp_path: Path):
    clash = OxigraphServer(tmp_path / "store", port=store_server.port, read_only=False)  # the port is taken
    with pytest.raises(ServerError, match=f"port {store_server.port} on 127.0.0.1 is in use"):
        clash.start(startup_timeout=30)
    assert clash.process is None


def test_a_server_that_exits_at_start_says_why(tmp_path: Path):
    (tmp_path / "not-a-store").write_text("a file where the store directory should be", encoding="utf-8")
    broken = OxigraphServer(tmp_path / "not-a-store", port=free_port())
    with pytest.raises(ServerError, match="exited at start"):
        broken.start(startup_timeout=30)
    assert broken.process.poll() is not None
