"""Hostile HTTP against `mscsle serve` (the guard and Oxigraph, on loopback): every route and request shape goes
through the same check, Oxigraph only ever receives the guard's re-written query, over-limit queries get a 4xx and
the endpoint keeps answering, and 50 clients at once are all answered."""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mscsle.query.sparql_guard import Limits, safe_query
from mscsle.release.pipeline import build
from mscsle.serve.guard import Guard, guarded

from ..conftest import FIXTURES, make_project
from ..test_user_rdf import Listener

MAX_ROWS = 5
CLAIM_IDS = "SELECT ?id WHERE { ?c <https://w3id.org/mscsle/claim_id> ?id } ORDER BY ?id"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """(host, port) of a guarded endpoint over the mini build, with a small row limit."""
    tmp = tmp_path_factory.mktemp("serve")
    build(make_project(tmp, FIXTURES / "mini"), tmp / "dist")
    with guarded(tmp / "dist", "127.0.0.1", 0, 10, MAX_ROWS) as guard:
        yield guard.server_address[:2]


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.stop()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def raw(address: tuple[str, int], request: bytes, timeout: float = 30) -> Answer:
    """Send bytes as they are (repeated headers, odd lengths) and read the whole answer."""
    with socket.create_connection(address, timeout=timeout) as s:
        s.sendall(request)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return Answer(int(lines[0].split()[1]), headers, body)


def http(
    address: tuple[str, int], method: str, target: str, headers: list[tuple[str, str]], body: bytes = b""
) -> Answer:
    lines = [
        f"{method} {target} HTTP/1.1",
        f"Host: {address[0]}",
        "Connection: close",
        *(f"{k}: {v}" for k, v in headers),
    ]
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    return raw(address, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


JSON = ("Accept", "application/sparql-results+json")


def shapes(query: str) -> list[tuple[str, str, list[tuple[str, str]], bytes]]:
    """The same query sent every way the SPARQL 1.1 Protocol allows, on every route."""
    q = urllib.parse.urlencode({"query": query})
    out = []
    for route in ("/", "/query", "/sparql"):
        out += [
            ("GET", f"{route}?{q}", [JSON], b""),
            ("POST", route, [JSON, ("Content-Type", FORM)], q.encode()),
            ("POST", route, [JSON, ("Content-Type", f"{FORM}; charset=UTF-8")], q.encode()),
            ("POST", route, [JSON, ("Content-Type", "application/sparql-query")], query.encode()),
        ]
    return out


def ids(answer: Answer) -> list[str]:
    assert answer.status == 200, answer.body
    return [b["id"]["value"] for b in json.loads(answer.body)["results"]["bindings"]]


def test_every_route_and_shape_answers_a_good_query(endpoint):
    for method, target, headers, body in shapes(CLAIM_IDS):
        assert ids(http(endpoint, method, target, headers, body)) == ["dg-01", "dg-02"], (method, target, headers)


@pytest.mark.parametrize(
    ("query", "status", "start"),
    [
        ("SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", 403, b"SERVICE is refused"),
        ("SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}", 403, b"SERVICE is refused"),
        ("SELECT * WHERE {{ ?s ?p ?o #\rSERVICE <{url}> {{ ?s ?p ?o }} }}", 403, b"SERVICE is refused"),
        ("SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}", 403, b"FROM and FROM NAMED are refused"),
        ("LOAD <{url}>", 403, b"SPARQL updates"),
        ("INSERT DATA {{ <{url}> <{url}> 1 }}", 403, b"SPARQL updates"),
    ],
)
def test_every_route_and_shape_refuses(endpoint, listener: Listener, query: str, status: int, start: bytes):
    query = query.format(url=listener.url("sparql"))
    for method, target, headers, body in shapes(query):
        answer = http(endpoint, method, target, headers, body)
        assert (answer.status, answer.body[: len(start)]) == (status, start), (method, target, headers)
    assert listener.accepted == []
    assert ids(http(endpoint, *shapes(CLAIM_IDS)[0])) == ["dg-01", "dg-02"]


@pytest.mark.parametrize(
    ("method", "target", "headers", "body", "status", "message"),
    [
        (
            "POST",
            "/query",
            [("Content-Type", "application/sparql-query"), ("Content-Type", FORM)],
            b"ASK {}",
            400,
            b"the request has 2 Content-Type headers",
        ),
        (
            "POST",
            "/query",
            [("Content-Type", "application/sparql-query"), ("Content-Length", "6"), ("Content-Length", "6")],
            b"ASK {}",
            400,
            b"the request has 2 Content-Length headers",
        ),
        (
            "POST",
            "/query",
            [("Content-Type", "application/sparql-query"), ("Content-Length", "-6")],
            b"",
            400,
            b"Content-Length",
        ),
        (
            "POST",
            "/query",
            [("Content-Type", "application/sparql-query"), ("Content-Length", "1e1")],
            b"",
            400,
            b"Content-Length",
        ),
        (
            "POST",
            "/query",
            [("Content-Type", "application/sparql-query"), ("Content-Length", "99999999")],
            b"",
            413,
            b"requests are limited",
        ),
        (
            "POST",
            "/query",
            [("Content-Type", "application/sparql-query"), ("Transfer-Encoding", "chunked")],
            b"6\r\nASK {}\r\n0\r\n\r\n",
            411,
            b"chunked request bodies",
        ),
        ("GET", "/query?query=ASK%7B%7D&query=ASK%7B%7D", [], b"", 400, b"give exactly one query (found 2)"),
        (
            "POST",
            "/query?query=ASK%7B%7D",
            [("Content-Type", FORM)],
            b"query=ASK%7B%7D",
            400,
            b"give exactly one query",
        ),
        ("GET", "/query?update=CLEAR%20ALL", [], b"", 403, b"this endpoint is read-only"),
        ("GET", "/?query=ASK%7B%7D&default-graph-uri=http://127.0.0.1:9/", [], b"", 400, b"unknown parameter"),
        (
            "POST",
            "/update",
            [("Content-Type", "application/sparql-update")],
            b"CLEAR ALL",
            403,
            b"this endpoint is read-only",
        ),
        (
            "POST",
            "/query",
            [("Content-Type", "application/sparql-update")],
            b"CLEAR ALL",
            403,
            b"this endpoint is read-only",
        ),
        ("POST", "/query", [("Content-Type", "text/plain")], b"ASK {}", 415, b"POST a query as"),
        ("GET", "/store?default", [], b"", 404, b"no page"),
        ("PUT", "/store?default", [("Content-Type", "application/n-triples")], b"", 403, b"this endpoint is read-only"),
        ("HEAD", "/query?query=ASK%7B%7D", [], b"", 405, b""),
        ("GET", "/query?query=%FF", [], b"", 400, b"the parameters are not UTF-8"),
        ("POST", "/query", [("Content-Type", FORM)], "query=ASK {}é".encode(), 400, b"a form body is ASCII"),
    ],
)
def test_odd_requests_are_refused_and_the_endpoint_keeps_answering(
    endpoint, method, target, headers, body, status, message
):
    answer = http(endpoint, method, target, headers, body)
    assert answer.status == status
    assert answer.body.startswith(message)
    assert ids(http(endpoint, *shapes(CLAIM_IDS)[0])) == ["dg-01", "dg-02"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT * WHERE " + "{" * 30_000 + "?s ?p ?o" + "}" * 30_000, b"brackets are nested more than 20 deep"),
        ("SELECT * WHERE " + "{" * 500 + "?s ?p ?o" + "}" * 500, b"brackets are nested more than 20 deep"),
        ("ASK { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }", b"brackets are nested more than 20 deep"),
        ("ASK { " + "UNION".join(["{}"] * 8000) + " }", b"the query has"),
        ("ASK { FILTER(" + "+".join(["1"] * 20_000) + " > 0) }", b"the query has"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 6", b"LIMIT 6 is over this endpoint's limit of 5 rows"),
        ("SELECT * WHERE { ?s ?p ?o } \x00", b"not SPARQL 1.1"),
    ],
)
def test_a_bad_query_then_a_good_one(endpoint, query: str, message: bytes):
    sent = [shape for shape in shapes(query) if len(shape[1]) < 60_000]  # longer URLs: 414 from http.server
    for method, target, headers, body in sent:
        answer = http(endpoint, method, target, headers, body)
        assert (answer.status, answer.body[: len(message)]) == (400, message)
        assert ids(http(endpoint, *shapes(CLAIM_IDS)[0])) == ["dg-01", "dg-02"]


def test_rows_are_limited(endpoint):
    answer = http(endpoint, *shapes("SELECT * WHERE { ?s ?p ?o }")[0])
    assert answer.status == 200 and answer.headers["x-mscsle-row-limit"] == str(MAX_ROWS)
    assert len(json.loads(answer.body)["results"]["bindings"]) == MAX_ROWS


def test_the_query_page_posts_to_the_guarded_route(endpoint):
    page = http(endpoint, "GET", "/", [])
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert b'<form method="post" action="/query">' in page.body and b'name="query"' in page.body
    form = urllib.parse.urlencode({"query": CLAIM_IDS}).encode()
    assert ids(http(endpoint, "POST", "/query", [JSON, ("Content-Type", FORM)], form)) == ["dg-01", "dg-02"]


def fifty_at_once(endpoint) -> list[list[str]]:
    start = threading.Barrier(50)

    def one(_: int) -> list[str]:
        start.wait(30)
        return ids(http(endpoint, *shapes(CLAIM_IDS)[1]))

    with ThreadPoolExecutor(50) as pool:
        return list(pool.map(one, range(50), timeout=120))


def test_fifty_clients_at_once(endpoint):
    assert fifty_at_once(endpoint) == [["dg-01", "dg-02"]] * 50


class Recorder(BaseHTTPRequestHandler):
    """A stand-in for Oxigraph that records what it is sent and answers an empty result."""

    received: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 - the base class's naming
        Recorder.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        body = b'{"head":{"vars":[]},"results":{"bindings":[]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class FakeBackend:
    host: str
    port: int
    process: None = None


def test_oxigraph_receives_only_the_rewritten_query():
    """Comments, escapes and the client's own bytes never reach the engine: only the text the guard wrote."""
    recorder = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    guard = Guard(("127.0.0.1", 0), FakeBackend(*recorder.server_address[:2]), 10, Limits(max_rows=MAX_ROWS))
    threading.Thread(target=guard.serve_forever, daemon=True).start()
    query = "SELECT ?s # a comment\r WHERE { ?s <http://ex/\\u0070> 'x\\u0041' } # another\n"
    try:
        for method, target, headers, body in shapes(query):
            Recorder.received.clear()
            assert http(guard.server_address[:2], method, target, headers, body).status == 200
            assert Recorder.received == [safe_query(query, Limits(max_rows=MAX_ROWS)).text.encode()]
        assert Recorder.received == [b'SELECT ?s WHERE { ?s <http://ex/p> "xA" } LIMIT 5']
    finally:
        guard.shutdown()
        guard.server_close()
        recorder.shutdown()
        recorder.server_close()


def test_the_endpoint_survives_a_stopped_oxigraph(tmp_path: Path):
    """If Oxigraph ever dies, the request that finds it gone gets 502 and the next one is answered."""
    build(make_project(tmp_path, FIXTURES / "mini"), tmp_path / "dist")
    with guarded(tmp_path / "dist", "127.0.0.1", 0, 10) as guard:
        address = guard.server_address[:2]
        guard.backend.process.kill()
        guard.backend.process.wait(10)
        assert http(address, *shapes(CLAIM_IDS)[0]).status == 502
        assert ids(http(address, *shapes(CLAIM_IDS)[0])) == ["dg-01", "dg-02"]


def test_queries_at_the_limits_run_on_the_server(endpoint):
    """The limits leave room: Oxigraph's server threads (smaller stacks than a main thread) answer queries just
    within them, and keep answering."""
    deep = "ASK { " + "{ " * 9 + "FILTER(" + "(" * 9 + "1 > 0" + ")" * 9 + ")" + " }" * 9 + " }"
    chain = "ASK { FILTER(" + " + ".join(["1"] * 740) + " > 0) }"
    unions = "ASK { " + " UNION ".join(["{ }"] * 495) + " }"
    fifty_at_once(endpoint)  # Oxigraph then answers from its pooled threads, whose stacks are the smaller
    for query in (deep, chain, unions):
        answer = http(endpoint, *shapes(query)[3])
        assert answer.status == 200 and json.loads(answer.body)["boolean"] is True
