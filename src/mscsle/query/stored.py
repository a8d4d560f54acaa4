"""Stored SPARQL queries (queries/*.rq): list them with their questions and run them on an embedded store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from mscsle.query.prefix_prologue import with_prologue
from mscsle.query.sparql_guard import safe_query


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def question(self) -> str:
        """The leading comment block: the question in plain words."""
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("#"):
                break
            if not line.lstrip("# ").startswith("level:"):  # a QC rule's level is not part of its question
                lines.append(line.lstrip("# ").strip())
        return " ".join(part for part in lines if part)

    @property
    def sparql(self) -> str:
        return with_prologue(self.text)


def stored_queries(queries_dir: Path) -> dict[str, StoredQuery]:
    """Competency queries: the .rq files directly in queries/ (qc/ and export/ hold the others)."""
    return {p.stem: StoredQuery(p.stem, p) for p in sorted(queries_dir.glob("*.rq"))}


def load_store(nt: bytes) -> ox.Store:
    store = ox.Store()
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    return store


def term_value(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    return "" if term is None else term.value


def select(store: ox.Store, sparql: str) -> tuple[list[str], list[tuple[str, ...]]]:
    """Column names and rows of plain values (IRIs as IRIs, literals as their lexical form); the query is run as
    the guard re-writes it, like every other."""
    result = store.query(safe_query(sparql).text)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("select() runs SELECT queries only")
    names = [v.value for v in result.variables]
    rows = [tuple(term_value(sol[n]) for n in names) for sol in result]
    return names, rows
