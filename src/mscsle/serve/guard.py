"""The public side of `mscsle serve`: a guard that reads each request itself and gives Oxigraph only checked queries.

Oxigraph's server follows `SERVICE <url>` to any address, has no switch to turn that off, and its parser overflows
its stack on deeply nested queries. So Oxigraph listens on a private loopback port, and this guard, on the port the
user asked for, answers every request itself:
  - a query (GET or POST on /, /query or /sparql; URL parameter, form field or application/sparql-query body) is
    read strictly: one Content-Length, one Content-Type, no chunked body, exactly one `query`, no other parameter;
  - the query goes through `sparql_guard.safe_query` (size, tokens, nesting, rows; no update, SERVICE or FROM), and
    Oxigraph receives the text re-written from the guard's tokens, never the client's bytes;
  - every other request gets an answer from the guard: the query page at `/`, 403 for writes, 404 otherwise;
  - an answer is bounded in time: past the time-out the client gets 503 (or a cut stream) and Oxigraph is
    restarted, as it is if it ever stops, so the endpoint keeps answering.
Requests are served by a fixed pool of threads; more clients wait in the listen backlog rather than being reset.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from email.message import Message
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from mscsle.query.sparql_guard import Limits, SafeQuery, UnsafeQuery, safe_query
from mscsle.serve.oxigraph_server import OxigraphServer, free_port, served

MAX_REQUEST_BYTES = 256 * 1024  # a form-encoded query of the longest allowed length fits
DEFAULT_MAX_ROWS = 10_000
WORKERS = 8  # requests answered at once; the others wait (accepted, or in the listen backlog)
WAITING = 256  # accepted connections waiting for a worker
SOCKET_TIMEOUT_S = 10.0  # a client that sends its request slower than this is dropped
QUERY_ROUTES = ("/", "/query", "/sparql")
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
DEFAULT_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
READ_ONLY = "this endpoint is read-only: SPARQL updates and Graph Store writes are refused"
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mscsle SPARQL endpoint</title></head>
<body><h1>mscsle SPARQL endpoint (read-only)</h1>
<form method="post" action="/query">
<p><textarea name="query" rows="14" cols="90">SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10</textarea></p>
<p><button type="submit">Run query</button></p>
</form>
<p>Programs: SPARQL 1.1 Protocol at <code>/query</code> (GET or POST; choose the result format with the
<code>Accept</code> header). Read-only; no SERVICE or FROM; at most {max_rows} rows, {timeout} s per query.</p>
</body></html>
"""


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Guard(HTTPServer):
    """The public side of the endpoint, relaying checked queries to one Oxigraph server with a time-out each."""

    request_queue_size = 128  # the listen backlog: clients beyond the waiting slots queue here

    def __init__(self, address: tuple[str, int], backend: OxigraphServer, timeout_s: float, limits: Limits):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, Handler)
        self.backend, self.timeout_s, self.limits = backend, timeout_s, limits
        self.restarts = 0
        self._restarting = threading.Lock()
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="mscsle-guard")
        self._slots = threading.BoundedSemaphore(WORKERS + WAITING)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        self._slots.acquire()  # when all are taken, stop accepting: new clients wait in the backlog
        self._pool.submit(self._work, request, client_address)

    def _work(self, request: socket.socket, client_address: object) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def restart_backend(self, only_if_stopped: bool = False) -> None:
        """Stop Oxigraph (and with it a runaway query) and start it again on the same port."""
        with self._restarting:
            process = self.backend.process
            if only_if_stopped and process is not None and process.poll() is None:
                return  # another request has restarted it already
            self.backend.stop(grace=1.0)
            self.backend.start()
            self.restarts += 1


def _one(headers: Message, name: str) -> str | None:
    values = headers.get_all(name) or []
    if len(values) > 1:
        raise Refused(400, f"the request has {len(values)} {name} headers; send one")
    return values[0] if values else None


def _params(text: str) -> list[tuple[str, str]]:
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=8)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "the parameters are not UTF-8 form encoding (or there are too many)") from None


def query_of(method: str, target: str, content_type: str | None, body: bytes) -> str:
    """The one SPARQL query of a SPARQL 1.1 Protocol query request; Refused for anything else."""
    params = _params(urllib.parse.urlsplit(target).query)
    media = (content_type or "").split(";")[0].strip().lower()
    queries = []
    if method == "POST":
        if media == FORM:
            try:
                params += _params(body.decode("ascii"))
            except UnicodeDecodeError:
                raise Refused(400, "a form body is ASCII (URL-encoded); this one is not") from None
        elif media == SPARQL_QUERY:
            try:
                queries.append(body.decode("utf-8"))
            except UnicodeDecodeError:
                raise Refused(400, "the query is not UTF-8 text") from None
        elif media == "application/sparql-update":
            raise Refused(403, READ_ONLY)
        else:
            raise Refused(415, f"POST a query as {FORM} (a `query` field) or as {SPARQL_QUERY}, not {media!r}")
    names = {name for name, _ in params}
    if any("update" in name for name in names):
        raise Refused(403, READ_ONLY)
    if names - {"query"}:
        raise Refused(400, f"unknown parameter(s) {', '.join(sorted(names - {'query'}))}: only `query` is accepted")
    queries += [value for _, value in params]
    if len(queries) != 1:
        raise Refused(
            400, f"give exactly one query (found {len(queries)}): ?query=..., a form field, or a {SPARQL_QUERY} body"
        )
    return queries[0]


class Handler(BaseHTTPRequestHandler):
    server: Guard
    protocol_version = "HTTP/1.0"  # one request per connection: a relayed response simply ends with it
    timeout = SOCKET_TIMEOUT_S

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # quiet, like the Oxigraph server behind it

    def _answer(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _body(self) -> bytes:
        if self.headers.get_all("Transfer-Encoding"):
            raise Refused(411, "chunked request bodies are not accepted: send the body with a Content-Length")
        length = _one(self.headers, "Content-Length")
        if length is None:
            return b""
        if not re.fullmatch(r"[0-9]{1,9}", length.strip()):
            raise Refused(400, f"Content-Length {length[:20]!r} is not a number of bytes")
        if int(length) > MAX_REQUEST_BYTES:
            raise Refused(413, f"requests are limited to {MAX_REQUEST_BYTES:,} bytes")
        try:
            body = self.rfile.read(int(length))
        except TimeoutError:
            raise Refused(408, f"the body did not arrive within {SOCKET_TIMEOUT_S:g} s") from None
        if len(body) != int(length):
            raise Refused(400, "the body is shorter than its Content-Length")
        return body

    def _handle(self) -> None:
        content_type = _one(self.headers, "Content-Type")
        body = self._body()
        route = urllib.parse.urlsplit(self.path).path
        if self.command not in ("GET", "HEAD", "POST") or route == "/update" or route not in QUERY_ROUTES:
            if self.command in ("GET", "HEAD") and route != "/update":
                raise Refused(404, f"no page {route[:100]!r}: queries go to /query (or / and /sparql)")
            raise Refused(403, READ_ONLY)
        if self.command == "GET" and route == "/" and not urllib.parse.urlsplit(self.path).query:
            page = PAGE.replace("{max_rows}", str(self.server.limits.max_rows)).replace(
                "{timeout}", f"{self.server.timeout_s:g}"
            )
            return self._answer(200, page.encode("utf-8"), "text/html; charset=utf-8")
        if self.command == "HEAD":
            raise Refused(405, "send a query with GET or POST")
        try:
            checked = safe_query(query_of(self.command, self.path, content_type, body), self.server.limits)
        except UnsafeQuery as e:
            raise Refused(e.status, str(e)) from None
        self._relay(checked)

    def _relay(self, checked: SafeQuery) -> None:
        deadline = time.monotonic() + self.server.timeout_s
        backend = self.server.backend
        conn = http.client.HTTPConnection(backend.host, backend.port, timeout=self.server.timeout_s)
        accept = re.sub(r"[^\x20-\x7e]", " ", ", ".join(self.headers.get_all("Accept") or []))[:1000]
        headers = {"Content-Type": f"{SPARQL_QUERY}; charset=utf-8", "Accept": accept.strip() or DEFAULT_ACCEPT}
        started = False
        try:
            conn.request("POST", "/query", body=checked.text.encode("utf-8"), headers=headers)
            response = conn.getresponse()
            started = True
            self.send_response(response.status)
            for key in ("Content-Type", "Content-Length", "Content-Disposition"):
                if value := response.getheader(key):
                    self.send_header(key, value)
            if checked.row_limit is not None:
                self.send_header("X-Mscsle-Row-Limit", str(checked.row_limit))
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
            if started:
                return
            self.server.restart_backend(only_if_stopped=True)
            raise Refused(502, f"the SPARQL server did not answer ({e}); try again") from None
        finally:
            conn.close()

    def _serve(self) -> None:
        try:
            self._handle()
        except Refused as e:
            try:
                self._answer(e.status, (str(e) + "\n").encode("utf-8"))
            except OSError:
                pass  # the response had begun or the client left: the connection just ends

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve


@contextmanager
def guarded(dist: Path, host: str, port: int, timeout_s: float, max_rows: int = DEFAULT_MAX_ROWS) -> Iterator[Guard]:
    """A read-only endpoint over dist/ on host:port: the guard there, Oxigraph on a private loopback port."""
    with served(dist, "127.0.0.1", free_port(), int(max(1, timeout_s))) as backend:
        guard = Guard((host, port), backend, timeout_s, Limits(max_rows=max_rows))
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
    name = host.decode() if isinstance(host, bytes) else host
    return f"http://{f'[{name}]' if ':' in name else name}:{port}/query"
