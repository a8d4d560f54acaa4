"""A guard in front of the Oxigraph endpoint of `mscsle serve`: the checks Oxigraph's server cannot make itself.

Oxigraph's read-only server refuses updates, but it follows `SERVICE <url>` to any address on the network, and its
own query time-out (`--timeout-s`) does not stop every query (an ORDER BY over a large join runs on). So Oxigraph
listens on a private loopback port and this guard, on the port the user asked for, passes a request on only if:
  - it reads: GET/POST /query, GET/HEAD of any other page; every update and every Graph Store write is refused (403);
  - its query passes `sparql_guard.check_query` (no SERVICE beyond loopback) — refused with 403 and the reason;
  - it is answered within the time-out: past it, the client gets 503 (or a cut response) and Oxigraph is
    restarted, so the runaway query stops using the machine.
The guard only relays bytes (standard library http.server/http.client); Oxigraph still answers every query.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from mscsle.query.sparql_guard import UnsafeQuery, check_query
from mscsle.serve.oxigraph_server import OxigraphServer, free_port, served

MAX_REQUEST_BYTES = 1024 * 1024  # a query is text; anything bigger is refused
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Guard(ThreadingHTTPServer):
    """The public side of the endpoint, relaying to one Oxigraph server with a time-out per request."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], backend: OxigraphServer, timeout_s: float):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler)
        self.backend, self.timeout_s = backend, timeout_s
        self.restarts = 0
        self._restarting = threading.Lock()

    def restart_backend(self) -> None:
        """Stop Oxigraph (and with it a runaway query) and start it again on the same port."""
        with self._restarting:
            self.backend.stop(grace=1.0)
            self.backend.start()
            self.restarts += 1


def _query_of(method: str, path: str, content_type: str, body: bytes) -> str:
    """The SPARQL query of a SPARQL 1.1 Protocol query request."""
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query, keep_blank_values=True)
    if method == "POST" and content_type == FORM:
        params = {**params, **urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)}
    queries = params.get("query", [])
    if method == "POST" and content_type == SPARQL_QUERY:
        queries = [*queries, body.decode("utf-8", "replace")]
    if "update" in params:
        raise Refused(403, "this endpoint is read-only: SPARQL updates are refused")
    if len(queries) != 1:
        raise Refused(
            400,
            "give exactly one query (SPARQL 1.1 Protocol: ?query=..., a form field, or an "
            "application/sparql-query body)",
        )
    return queries[0]


class Handler(BaseHTTPRequestHandler):
    server: Guard
    protocol_version = "HTTP/1.0"  # one request per connection: a relayed response simply ends with it

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # quiet, like the Oxigraph server behind it

    def _refuse(self, status: int, message: str) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            raise Refused(413, f"requests are limited to {MAX_REQUEST_BYTES:,} bytes")
        body = self.rfile.read(length) if length else b""
        route = urllib.parse.urlsplit(self.path).path.rstrip("/")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if route == "/update" or (self.command not in ("GET", "HEAD") and route != "/query"):
            raise Refused(403, "this endpoint is read-only: updates and Graph Store writes are refused")
        if route == "/query":
            try:
                check_query(_query_of(self.command, self.path, content_type, body))
            except UnsafeQuery as e:
                raise Refused(403, str(e)) from None
        self._relay(body)

    def _relay(self, body: bytes) -> None:
        deadline = time.monotonic() + self.server.timeout_s
        backend = self.server.backend
        conn = http.client.HTTPConnection(backend.host, backend.port, timeout=self.server.timeout_s)
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")}
        started = False
        try:
            conn.request(self.command, self.path, body=body or None, headers=headers)
            response = conn.getresponse()
            started = True
            self.send_response(response.status)
            for key in ("Content-Type", "Content-Length", "Content-Disposition"):
                if response.getheader(key):
                    self.send_header(key, response.getheader(key))
            self.end_headers()
            while chunk := response.read1(65536):
                if time.monotonic() > deadline:
                    raise TimeoutError
                self.wfile.write(chunk)
        except TimeoutError:
            self.server.restart_backend()
            if started:
                return  # the answer had begun: it ends here, cut short
            raise Refused(
                503,
                f"the query ran beyond the time-out of {self.server.timeout_s:g} s and was stopped; "
                f"make it more selective (add LIMIT, restrict the patterns)",
            ) from None
        except (ConnectionError, http.client.HTTPException) as e:
            raise Refused(502, f"the SPARQL server did not answer: {e}") from None
        finally:
            conn.close()

    def _serve(self) -> None:
        try:
            self._handle()
        except Refused as e:
            try:
                self._refuse(e.status, str(e))
            except OSError:
                pass  # the response had begun or the client left: the connection just ends

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


@contextmanager
def guarded(dist: Path, host: str, port: int, timeout_s: float) -> Iterator[Guard]:
    """A read-only endpoint over dist/ on host:port: the guard there, Oxigraph on a private loopback port."""
    with served(dist, "127.0.0.1", free_port(), int(max(1, timeout_s))) as backend:
        guard = Guard((host, port), backend, timeout_s)
        thread = threading.Thread(target=guard.serve_forever, daemon=True)
        thread.start()
        try:
            yield guard
        finally:
            guard.shutdown()
            guard.server_close()
            thread.join(10)


def query_url(guard: Guard) -> str:
    host, port = guard.server_address[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/query"
