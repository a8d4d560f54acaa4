"""The `mscsle query` table for people: IRIs as CURIEs with their labels beside them, read from the same graph."""

from __future__ import annotations

import pyoxigraph as ox
from tabulate import tabulate

from mscsle.query.engines import Engine, QueryFailed, Results, display

LABELS = """SELECT ?s (MIN(STR(?l)) AS ?label) WHERE {{
  VALUES ?s {{ {iris} }} ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }} GROUP BY ?s"""


def labels(engine: Engine, iris: set[str]) -> dict[str, str]:
    """The rdfs:label of each IRI the graph labels (one query; none when the engine refuses it)."""
    if not iris:
        return {}
    try:
        found = engine.run(LABELS.format(iris=" ".join(f"<{i}>" for i in sorted(iris))))
    except QueryFailed:
        return {}
    return {
        r[0].value: r[1].value for r in found.rows if isinstance(r[0], ox.NamedNode) and isinstance(r[1], ox.Literal)
    }


def _cell(term: object, names: dict[str, str]) -> str:
    text = display(term)  # type: ignore[arg-type]
    if isinstance(term, ox.NamedNode) and term.value in names:
        label = names[term.value]
        local = text.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
        if label.casefold() != local.casefold():
            return f"{text} ({label})"
    return text


def labelled_table(results: Results, engine: Engine) -> str:
    """Results.table() with each IRI followed by its label where the label says more than the CURIE."""
    if results.form != "solutions":
        return results.table()
    iris = {t.value for row in results.rows for t in row if isinstance(t, ox.NamedNode)}
    names = labels(engine, iris)
    rows = [[_cell(t, names) for t in row] for row in results.rows]
    return tabulate(rows, headers=results.variables, disable_numparse=True)
