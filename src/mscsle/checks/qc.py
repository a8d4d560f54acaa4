"""The OBO quality-control report as SPARQL: each queries/qc/<rule>.rq selects the violations of one rule.

Rules carry the names and levels (ERROR, WARN, INFO) of ROBOT's `report` (default profile), plus a few of
mscsle's own; a file states its level in a `# level:` line. Any ERROR fails the build and `mscsle check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from mscsle.errors import ValidationError
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
    rows: list[tuple[str, ...]]

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


def run_checks(store: ox.Store, queries_dir: Path) -> dict[str, Violations]:
    """Every rule with its violations (an empty list where the rule holds)."""
    out = {}
    for name, rule in qc_rules(queries_dir).items():
        columns, rows = select(store, rule.check.sparql)
        out[name] = Violations(rule, columns, rows)
    return out


def counts(results: dict[str, Violations]) -> dict[str, int]:
    """Violations per level."""
    return {level: sum(len(v.rows) for v in results.values() if v.level == level) for level in LEVELS}


def qc_table(results: dict[str, Violations]) -> list[tuple[str, str, int]]:
    """(level, rule, violations), ERROR first, as ROBOT's report lists them."""
    return sorted(((v.level, n, len(v.rows)) for n, v in results.items()), key=lambda r: (LEVELS.index(r[0]), r[1]))


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
