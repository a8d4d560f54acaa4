"""The OBO quality-control report as SPARQL: each queries/qc/<rule>.rq selects the violations of one rule.

Rules carry the names and levels (ERROR, WARN, INFO) of ROBOT's `report` (default profile), plus a few of
mscsle's own; a file states its level in a `# level:` line. Any ERROR fails the build and `mscsle check`, except a
violation that data/qc-exceptions.tsv explains (checks/qc_exceptions.py): it is listed apart, with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mscsle.checks.qc_exceptions import Key, QCException, read_exceptions, unused, violation_key
from mscsle.errors import CurationError, ValidationError
from mscsle.query.stored import StoredQuery, select

LEVELS = ("ERROR", "WARN", "INFO")
_LEVEL = re.compile(r"^#\s*level:\s*(\w+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Rule:
    check: StoredQuery
    level: str

    @property
    def name(self) -> str:
        return self.check.name


@dataclass(frozen=True)
class Violations:
    rule: Rule
    columns: list[str]
    rows: list[tuple[str, ...]]  # the unexplained violations
    explained: list[tuple[tuple[str, ...], str]] = field(default_factory=list)  # (violation, reason)

    @property
    def check(self) -> StoredQuery:
        return self.rule.check

    @property
    def level(self) -> str:
        return self.rule.level


def qc_rules(queries_dir: Path) -> dict[str, Rule]:
    """Every rule of queries/qc/, by name; a file without a valid `# level:` line is an error of the project."""
    rules = {}
    for p in sorted((queries_dir / "qc").glob("*.rq")):
        check = StoredQuery(p.stem, p)
        m = _LEVEL.search(check.text)
        if not m or m.group(1) not in LEVELS:
            raise ValueError(f"{p}: no '# level: ERROR|WARN|INFO' line")
        rules[p.stem] = Rule(check, m.group(1))
    return rules


def run_checks(
    store: ox.Store, queries_dir: Path, exceptions: Mapping[Key, QCException] | None = None
) -> dict[str, Violations]:
    """Every rule with its violations (an empty list where the rule holds), those the exceptions explain apart."""
    exceptions = exceptions or {}
    out = {}
    for name, rule in qc_rules(queries_dir).items():
        columns, rows = select(store, rule.check.sparql)
        explained = [
            (r, exceptions[violation_key(name, r)].reason) for r in rows if violation_key(name, r) in exceptions
        ]
        unexplained = [r for r in rows if violation_key(name, r) not in exceptions]
        out[name] = Violations(rule, columns, unexplained, explained)
    return out


def explained_keys(results: dict[str, Violations]) -> set[Key]:
    """The keys of the violations that an exception explains."""
    return {violation_key(name, row) for name, v in results.items() for row, _ in v.explained}


def release_checks(store: ox.Store, queries_dir: Path, exceptions_file: Path) -> dict[str, Violations]:
    """run_checks with the project's recorded exceptions; an exception that explains nothing is bad input."""
    name = f"{exceptions_file.parent.name}/{exceptions_file.name}"
    exceptions = read_exceptions(exceptions_file, name, qc_rules(queries_dir))
    results = run_checks(store, queries_dir, exceptions)
    if stale := unused(exceptions, explained_keys(results), name):
        raise CurationError(stale)
    return results


def counts(results: dict[str, Violations]) -> dict[str, int]:
    """Violations per level."""
    return {level: sum(len(v.rows) for v in results.values() if v.level == level) for level in LEVELS}


def qc_table(results: dict[str, Violations]) -> list[tuple[str, str, int, int]]:
    """(level, rule, violations, explained violations), ERROR first, as ROBOT's report lists them."""
    rows = ((v.level, n, len(v.rows), len(v.explained)) for n, v in results.items())
    return sorted(rows, key=lambda r: (LEVELS.index(r[0]), r[1]))


class QCFailed(ValidationError):
    """The built graph breaks an ERROR rule of the QC report (exit 1); nothing was written."""

    def __init__(self, results: dict[str, Violations]):
        self.results = results
        lines = [
            f"{v.level} {name}: {len(v.rows)} violation{'s' if len(v.rows) != 1 else ''}; first: "
            + " | ".join(v.rows[0])
            for name, v in results.items()
            if v.rows and v.level == "ERROR"
        ]
        super().__init__("the QC report has errors; nothing was written:\n" + "\n".join(lines))
