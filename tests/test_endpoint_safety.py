"""Endpoint safety of `mscsle serve` (run as a user runs it, on loopback only): it binds to loopback by default,
refuses SPARQL UPDATE, LOAD and Graph Store writes, refuses SERVICE, and stops a query at its time-out.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mscsle.release.pipeline import build
from mscsle.serve.oxigraph_server import free_port

from .conftest import FIXTURES, make_project
from .test_user_rdf import Listener

TIMEOUT = 2  # seconds: the endpoint's query time-out in these tests
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"  # ~10^11 rows to sort


def descendants(pid: int) -> set[int]:
    """The process ids of a process's children, grandchildren ... (Linux /proc)."""
    pids, frontier = set(), [pid]
    while frontier:
        parent = frontier.pop()
        children = Path(f"/proc/{parent}/task/{parent}/children")
        for child in map(int, children.read_text().split()) if children.exists() else ():
            pids.add(child)
            frontier.append(child)
    return pids


def listening(pid: int) -> set[tuple[str, int]]:
    """(address, port) of every listening TCP socket of a process and its children (Linux /proc)."""
    inodes = set()
    for p in {pid} | descendants(pid):
        for fd in Path(f"/proc/{p}/fd").iterdir():
            target = os.readlink(fd) if fd.is_symlink() else ""
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    out = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                address, port = fields[1].split(":")
                raw = bytes.fromhex(address)
                ip = (
                    ".".join(str(b) for b in raw[::-1])
                    if width == 8
                    else ":".join(raw[i : i + 4][::-1].hex() for i in range(0, 16, 4))
                )
                out.add((ip, int(port, 16)))
    return out


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen]]:
    """`mscsle serve` over the mini build, with the default host, a free port and a short time-out."""
    tmp = tmp_path_factory.mktemp("serve")
    build(make_project(tmp, FIXTURES / "mini"), tmp / "dist")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mscsle",
            "serve",
            "--port",
            str(free_port()),
            "--timeout",
            str(TIMEOUT),
            "--max-rows",
            str(10**9),  # the stream test needs an answer longer than the time-out
            "--dist",
            str(tmp / "dist"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if select.select([proc.stdout], [], [], 0.2)[0]:
                line = proc.stdout.readline()
                if line.startswith("SPARQL endpoint (read-only): "):
                    yield line.split(": ", 1)[1].strip(), proc
                    return
                assert line, f"mscsle serve exited (code {proc.wait(20)})"
        raise AssertionError("mscsle serve did not start within 60 s")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(20)


def request(
    url: str, data: bytes | None = None, method: str | None = None, content_type: str | None = None, timeout: float = 60
) -> tuple[int, bytes]:
    headers = {"Accept": "application/sparql-results+json"}
    if content_type:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def query(url: str, sparql: str, timeout: float = 60) -> tuple[int, bytes]:
    return request(
        url,
        urllib.parse.urlencode({"query": sparql}).encode(),
        content_type="application/x-www-form-urlencoded",
        timeout=timeout,
    )


def count(url: str) -> int:
    status, body = query(url, COUNT)
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_serve_binds_to_loopback_by_default(endpoint):
    url, proc = endpoint
    sockets = listening(proc.pid)
    port = int(urllib.parse.urlsplit(url).port)
    assert ("127.0.0.1", port) in sockets
    assert len(sockets) == 2  # the guard and, on a private port, Oxigraph
    assert {address for address, _ in sockets} == {"127.0.0.1"}


def test_serve_answers_queries(endpoint):
    url, _ = endpoint
    status, body = query(url, "SELECT ?id WHERE { ?c <https://w3id.org/mscsle/claim_id> ?id } ORDER BY ?id")
    assert status == 200
    assert [b["id"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["dg-01", "dg-02"]
    status, _ = request(url + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
    assert status == 200


@pytest.mark.parametrize(
    ("path", "data", "method", "content_type", "status"),
    [
        (
            "/update",
            "update=" + urllib.parse.quote("INSERT DATA { <http://ex/s> <http://ex/p> 1 }"),
            "POST",
            "application/x-www-form-urlencoded",
            403,
        ),
        (
            "/update",
            "update=" + urllib.parse.quote("LOAD <http://example.org/data.ttl>"),
            "POST",
            "application/x-www-form-urlencoded",
            403,
        ),
        ("/update", "DROP ALL", "POST", "application/sparql-update", 403),
        ("/query", "update=" + urllib.parse.quote("CLEAR ALL"), "POST", "application/x-www-form-urlencoded", 403),
        (
            "/query",
            "query=" + urllib.parse.quote("LOAD <http://example.org/data.ttl>"),
            "POST",
            "application/x-www-form-urlencoded",
            403,
        ),
        ("/store?default", "<http://ex/s> <http://ex/p> <http://ex/o> .", "PUT", "application/n-triples", 403),
        ("/store?default", "<http://ex/s> <http://ex/p> <http://ex/o> .", "POST", "application/n-triples", 403),
        ("/store?graph=" + urllib.parse.quote("https://w3id.org/mscsle/graph/data"), "", "DELETE", None, 403),
    ],
)
def test_serve_refuses_writes(endpoint, path: str, data: str, method: str, content_type: str | None, status: int):
    url, _ = endpoint
    base = url.removesuffix("/query")
    before = count(url)
    got, body = request(base + path, data.encode(), method, content_type)
    assert got == status
    assert b"read-only" in body
    assert count(url) == before


def test_serve_refuses_service(endpoint):
    url, proc = endpoint
    status, body = query(url, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert status == 403
    assert (
        body.decode() == "SERVICE is refused: queries here never call another endpoint (federation is switched off)\n"
    )


def test_refused_service_never_connects(endpoint):
    """SERVICE (here to 127.0.0.1 written in hex) is refused before Oxigraph sees it; sent to Oxigraph directly,
    the same query does connect: the guard is what stops it."""
    url, proc = endpoint
    listener = Listener()
    try:
        service = f"SELECT * WHERE {{ SERVICE <http://0x7f000001:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
        status, body = query(url, service)
        assert status == 403 and b"is refused" in body
        time.sleep(0.5)
        assert listener.accepted == []
        port = int(urllib.parse.urlsplit(url).port)
        (backend,) = {p for _, p in listening(proc.pid)} - {port}
        query(f"http://127.0.0.1:{backend}/query", service, timeout=10)  # around the guard
        deadline = time.monotonic() + 10
        while not listener.accepted and time.monotonic() < deadline:
            time.sleep(0.1)
        assert listener.accepted and listener.accepted[0].startswith(b"POST /sparql")
    finally:
        listener.stop()


def test_serve_stops_a_runaway_query_at_its_time_out(endpoint):
    url, proc = endpoint
    oxigraph = descendants(proc.pid)
    status, body = query(url, RUNAWAY, timeout=120)
    assert status == 503
    assert body.decode() == (
        f"the query ran beyond the time-out of {TIMEOUT} s and was stopped; make it more "
        f"selective (add LIMIT, restrict the patterns)\n"
    )
    assert count(url) > 0  # and the endpoint answers again ...
    assert descendants(proc.pid).isdisjoint(oxigraph)  # ... from a new Oxigraph: the one running the query is gone


def test_serve_cuts_a_runaway_stream_at_its_time_out(endpoint):
    """A query whose answer streams for ever is cut at the time-out; the endpoint then answers again."""
    url, _ = endpoint
    req = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"query": RUNAWAY.split(" ORDER BY")[0]}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    started = time.monotonic()
    received = 0
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status == 200
        while chunk := r.read1(1 << 20):
            received += len(chunk)
            assert time.monotonic() - started < 120, "the stream was not cut"
    assert received > 1 << 20  # a real stream, cut
    assert count(url) > 0
