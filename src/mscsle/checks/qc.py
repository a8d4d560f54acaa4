"""Quality checks as SPARQL: each queries/qc/*-violation.rq selects the violations of one rule (none = pass)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from mscsle.query.stored import StoredQuery, select


@dataclass(frozen=True)
class Violations:
    check: StoredQuery
    columns: list[str]
    rows: list[tuple[str, ...]]


def qc_checks(queries_dir: Path) -> dict[str, StoredQuery]:
    return {p.stem: StoredQuery(p.stem, p) for p in sorted((queries_dir / "qc").glob("*-violation.rq"))}


def run_checks(store: ox.Store, queries_dir: Path) -> dict[str, Violations]:
    """Every check with its violations (an empty list where the rule holds)."""
    out = {}
    for name, check in qc_checks(queries_dir).items():
        columns, rows = select(store, check.sparql)
        out[name] = Violations(check, columns, rows)
    return out
