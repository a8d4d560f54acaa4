"""Push the built graph into any triplestore over the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph of dist/mscsle.nq (the ontology; the data: entities, references, claims) replaces the
graph of the same name on the server (HTTP PUT), so loading again after a rebuild leaves no stale triples.
The graphs may be put under the user's own base IRI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from mscsle.errors import BadInput, NotBuilt
from mscsle.query import sparql_http as protocol
from mscsle.release.named_graphs import GRAPH_BASE, NAMES, graph_iri, read_nquads

WRONG_ENDPOINT = (400, 404, 405)  # what a server answers when the URL is not its Graph Store endpoint


@dataclass(frozen=True)
class Loaded:
    graph: str
    triples: int


def graph_base(base: str) -> str:
    """A base IRI for the named graphs, ending in '/', '#' or ':' so that the graph name can follow."""
    if not urlsplit(base).scheme:
        raise BadInput(f"--graph {base!r} is not an absolute IRI (e.g. https://example.org/graphs/mscsle/)")
    return base if base.endswith(("/", "#", ":")) else base + "/"


def load(dist: Path, store_url: str, base: str = GRAPH_BASE, timeout: float = protocol.DEFAULT_TIMEOUT) -> list[Loaded]:
    """PUT every named graph of dist/mscsle.nq to the Graph Store endpoint `store_url`; raises EndpointError."""
    nq = dist / "mscsle.nq"
    if not nq.is_file():
        raise NotBuilt(nq)
    graphs = read_nquads(nq.read_bytes())
    base = graph_base(base)
    loaded: list[Loaded] = []
    for name in NAMES:
        iri = graph_iri(name, base)
        try:
            protocol.put_graph(store_url, iri, graphs[name], timeout)
        except protocol.EndpointError as e:
            hint = (
                " (is it a Graph Store endpoint? for Oxigraph: http://HOST:PORT/store)"
                if e.status in WRONG_ENDPOINT
                else ""
            )
            done = "".join(f"; <{g.graph}> was loaded" for g in loaded)
            raise protocol.EndpointError(f"loading graph <{iri}> failed: {e}{hint}{done}", e.status) from e
        loaded.append(Loaded(iri, graphs[name].count(b"\n")))
    return loaded
