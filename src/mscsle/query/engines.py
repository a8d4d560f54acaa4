"""One query, three engines: the embedded Oxigraph store (default, fast), rdflib (the reference Python
implementation: a second opinion that a query is portable SPARQL 1.1, not one engine's dialect), or a remote
SPARQL 1.1 endpoint. All three return the same `Results`, written in the SPARQL 1.1 result formats.

Every engine runs a query only as `sparql_guard.safe_query` gives it back (re-written from checked tokens): no
update, SERVICE or FROM reaches an engine, and nesting is bounded before the engine's recursive parser runs.
The embedded engines load dist/mscsle.nq: the build's named graphs (ontology, data), queried as their union
by default — the same dataset that `mscsle load` puts into a triplestore and `mscsle serve` serves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import Dataset

from mscsle.errors import NotBuilt, Unavailable
from mscsle.model.prefixes import converter, prefix_map
from mscsle.query import sparql_http as protocol
from mscsle.query.sparql_guard import safe_query

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
RESULT_FORMATS = {  # --format name -> the SPARQL 1.1 result format
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS = {"nt": ox.RdfFormat.N_TRIPLES, "ttl": ox.RdfFormat.TURTLE}
FORMATS = ("table", *RESULT_FORMATS, *GRAPH_FORMATS)


def _bytes(data: bytes | None) -> bytes:
    """What a serialiser returns when it writes to memory (the libraries type it as optional: None for a file)."""
    assert data is not None
    return data


class QueryFailed(Unavailable):
    """The engine rejected the query (syntax error, unsupported feature, time-out)."""


@dataclass(frozen=True)
class Results:
    """Engine-neutral results: SELECT and ASK as SPARQL 1.1 Query Results JSON, CONSTRUCT/DESCRIBE as N-Triples."""

    form: str  # "solutions", "boolean" or "graph"
    data: bytes

    @classmethod
    def from_oxigraph(cls, r: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Results:
        if isinstance(r, ox.QueryTriples):
            return cls("graph", _sorted_ntriples(_bytes(ox.serialize(r, format=ox.RdfFormat.N_TRIPLES))))
        return cls(
            "boolean" if isinstance(r, ox.QueryBoolean) else "solutions",
            _bytes(r.serialize(format=ox.QueryResultsFormat.JSON)),
        )

    @classmethod
    def from_json(cls, data: bytes) -> Results:
        """Results from SPARQL JSON, checked whole (a server may break off its stream with an error message)."""
        try:
            parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            if not isinstance(parsed, ox.QueryBoolean):
                for _ in parsed:
                    pass
        except (SyntaxError, ValueError) as e:
            tail = data[-300:].decode("utf-8", "replace")
            raise QueryFailed(f"the results are not valid SPARQL JSON ({e}); they end with: {tail}") from e
        return cls("boolean" if isinstance(parsed, ox.QueryBoolean) else "solutions", data)

    def _parsed(self) -> ox.QuerySolutions | ox.QueryBoolean:
        if self.form == "graph":
            raise TypeError("CONSTRUCT/DESCRIBE results are a graph, not solutions")
        return ox.parse_query_results(self.data, format=ox.QueryResultsFormat.JSON)

    @cached_property
    def variables(self) -> tuple[str, ...]:
        parsed = self._parsed()
        return () if isinstance(parsed, ox.QueryBoolean) else tuple(v.value for v in parsed.variables)

    @cached_property
    def rows(self) -> tuple[tuple[Term | None, ...], ...]:
        """The solutions, each a tuple of terms (None where a variable is unbound), in the engine's order."""
        parsed = self._parsed()
        if isinstance(parsed, ox.QueryBoolean):
            return ()
        names = self.variables
        return tuple(tuple(sol[n] for n in names) for sol in parsed)

    @property
    def boolean(self) -> bool:
        parsed = self._parsed()
        if not isinstance(parsed, ox.QueryBoolean):
            raise TypeError("not the result of an ASK query")
        return bool(parsed)

    def serialize(self, fmt: str) -> bytes:
        """The results in `fmt`: json, csv, tsv, xml (SELECT/ASK) or nt, ttl (CONSTRUCT/DESCRIBE)."""
        if self.form == "graph":
            if fmt not in GRAPH_FORMATS:
                raise QueryFailed(f"a CONSTRUCT/DESCRIBE query returns RDF: use --format {' or '.join(GRAPH_FORMATS)}")
            triples = ox.parse(self.data, format=ox.RdfFormat.N_TRIPLES)
            text = self.data.decode("utf-8")
            used = {p: u for p, u in prefix_map().items() if f"<{u}" in text}
            return _bytes(ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=used))
        if fmt not in RESULT_FORMATS:
            raise QueryFailed(f"a SELECT/ASK query returns solutions: use --format table, {', '.join(RESULT_FORMATS)}")
        if fmt == "csv" and self.form == "boolean":
            raise QueryFailed("SPARQL 1.1 CSV has no form for an ASK result: use --format json, tsv or xml")
        return _bytes(self._parsed().serialize(format=RESULT_FORMATS[fmt]))

    def table(self) -> str:
        """A plain-text table for people: IRIs as CURIEs of the project's prefix map, literals as their text."""
        if self.form == "graph":
            return self.serialize("ttl").decode("utf-8")
        if self.form == "boolean":
            return "true" if self.boolean else "false"
        from tabulate import tabulate  # on use: the build imports this module for its names, never prints a table

        return tabulate([[display(t) for t in row] for row in self.rows], headers=self.variables, disable_numparse=True)

    def normalised(self) -> list[tuple[str, ...]]:
        """Rows as N-Triples terms, sorted, blank nodes anonymised: equal for two engines that agree."""
        if self.form == "graph":
            return [(line,) for line in _anonymise(self.data.decode("utf-8")).splitlines()]
        if self.form == "boolean":
            return [(str(self.boolean).lower(),)]
        return sorted(tuple(_anonymise(str(t)) if t is not None else "" for t in row) for row in self.rows)


def display(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return converter().compress(term.value, passthrough=True)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value) if isinstance(term, ox.Literal) else str(term)


def _anonymise(nt: str) -> str:
    return re.sub(r"_:[A-Za-z0-9_.-]+", "_:b", nt)


def _sorted_ntriples(nt: bytes) -> bytes:
    lines = sorted(set(nt.decode("utf-8").splitlines()) - {""})
    return "".join(f"{line}\n" for line in lines).encode("utf-8")


class Engine(Protocol):
    name: str

    def run(self, sparql: str) -> Results: ...


class OxigraphEngine:
    """The embedded Oxigraph store, the union of the named graphs as the default graph."""

    name = "oxigraph"

    def __init__(self, nquads: bytes):
        self.store = ox.Store()
        self.store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)

    def run(self, sparql: str) -> Results:
        text = safe_query(sparql).text
        try:
            return Results.from_oxigraph(self.store.query(text, use_default_graph_as_union=True))
        except (SyntaxError, OSError, ValueError) as e:
            raise QueryFailed(f"oxigraph: {e}") from e


class RdflibEngine:
    """rdflib's SPARQL engine over a Dataset whose default graph is the union of the named graphs."""

    name = "rdflib"

    def __init__(self, nquads: bytes):
        self.dataset = Dataset(default_union=True)
        self.dataset.parse(data=nquads, format="nquads")

    def run(self, sparql: str) -> Results:
        text = safe_query(sparql).text  # FROM is refused here: rdflib would download it
        try:
            r = self.dataset.query(text)
        except Exception as e:  # rdflib raises pyparsing, recursion and assorted evaluation errors
            raise QueryFailed(f"rdflib: {e}") from e
        if r.type in ("CONSTRUCT", "DESCRIBE"):
            assert r.graph is not None  # rdflib sets it for CONSTRUCT and DESCRIBE
            return Results("graph", _sorted_ntriples(r.graph.serialize(format="nt", encoding="utf-8")))
        return Results.from_json(_bytes(r.serialize(format="json")))


class EndpointEngine:
    """A remote SPARQL 1.1 endpoint (SPARQL 1.1 Protocol over HTTP)."""

    name = "endpoint"

    def __init__(self, url: str, default_graphs: Sequence[str] = (), timeout: float = protocol.DEFAULT_TIMEOUT):
        self.url, self.default_graphs, self.timeout = url, tuple(default_graphs), timeout

    def run(self, sparql: str) -> Results:
        text = safe_query(sparql).text
        try:
            r = protocol.query(self.url, text, self.default_graphs, self.timeout)
        except protocol.EndpointError as e:
            raise QueryFailed(str(e)) from e
        if r.content_type == protocol.SPARQL_RESULTS_JSON:
            try:
                return Results.from_json(r.body)
            except QueryFailed as e:
                raise QueryFailed(f"{self.url}: {e}") from e
        if r.content_type in (protocol.N_TRIPLES, protocol.TURTLE):
            fmt = ox.RdfFormat.N_TRIPLES if r.content_type == protocol.N_TRIPLES else ox.RdfFormat.TURTLE
            return Results(
                "graph",
                _sorted_ntriples(_bytes(ox.serialize(ox.parse(r.body, format=fmt), format=ox.RdfFormat.N_TRIPLES))),
            )
        raise QueryFailed(f"{self.url} answered with {r.content_type!r}, not SPARQL JSON results or N-Triples")


EMBEDDED: dict[str, Callable[[bytes], Engine]] = {"oxigraph": OxigraphEngine, "rdflib": RdflibEngine}


def embedded(dist: Path, name: str = "oxigraph") -> Engine:
    """An embedded engine over dist/mscsle.nq (raises NotBuilt, exit 2, if it is not built)."""
    nq = dist / "mscsle.nq"
    if not nq.is_file():
        raise NotBuilt(nq)
    return EMBEDDED[name](nq.read_bytes())
