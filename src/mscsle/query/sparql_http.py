"""HTTP clients for the two W3C protocols a triplestore speaks: SPARQL 1.1 Protocol (query) and the
SPARQL 1.1 Graph Store HTTP Protocol (replace a named graph). Standard library only (urllib): the requests
are one POST or one PUT each, and every error says which endpoint failed and why.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

from mscsle.errors import Unavailable

SPARQL_RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
TURTLE = "text/turtle"
ACCEPT = f"{SPARQL_RESULTS_JSON}, {N_TRIPLES};q=0.9, {TURTLE};q=0.8"
DEFAULT_TIMEOUT = 60.0


class EndpointError(Unavailable):
    """A remote endpoint could not be reached (status None) or refused the request (its HTTP status)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str  # the media type alone, without parameters
    body: bytes


def _send(request: urllib.request.Request, timeout: float) -> Response:
    what = f"{request.get_method()} {request.full_url.split('?')[0]}"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return Response(r.status, r.headers.get_content_type(), r.read())
    except urllib.error.HTTPError as e:
        body = e.read().decode("utf-8", "replace").strip()
        raise EndpointError(f"{what}: HTTP {e.code} {e.reason}" + (f": {body[:500]}" if body else ""), e.code) from e
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise EndpointError(
            f"{what}: cannot reach the endpoint: {reason} (is the server running, and is the URL right?)"
        ) from e


def query(url: str, sparql: str, default_graphs: Sequence[str] = (), timeout: float = DEFAULT_TIMEOUT) -> Response:
    """POST a query (SPARQL 1.1 Protocol, URL-encoded form), asking for JSON results or N-Triples."""
    form = [("query", sparql), *(("default-graph-uri", g) for g in default_graphs)]
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(form).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT},
    )
    return _send(request, timeout)


def update(url: str, sparql_update: str, timeout: float = DEFAULT_TIMEOUT) -> Response:
    """POST an update (SPARQL 1.1 Protocol, URL-encoded form)."""
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode([("update", sparql_update)]).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return _send(request, timeout)


def put_graph(url: str, graph: str, ntriples: bytes, timeout: float = DEFAULT_TIMEOUT) -> Response:
    """Replace the named graph `graph` with the given N-Triples (Graph Store Protocol, indirect identification)."""
    sep = "&" if "?" in url else "?"
    request = urllib.request.Request(
        f"{url}{sep}{urllib.parse.urlencode({'graph': graph})}",
        data=ntriples,
        method="PUT",
        headers={"Content-Type": N_TRIPLES},
    )
    return _send(request, timeout)
