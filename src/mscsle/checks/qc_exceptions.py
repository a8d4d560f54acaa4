"""Recorded exceptions to the QC report (data/qc-exceptions.tsv): violations the curators explain, each with a reason.

A line names the rule, the violation's first two columns (`claim`, and `about`: a second claim id, a reference number,
or empty) and why the review itself disagrees there (e.g. Table 1 lists a factor under indirect evidence while the
text gives direct evidence). An exception silences exactly that violation; one that matches no violation is an error,
so that the file never keeps an explanation of something that is gone.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from mscsle.curation.input_files import read_bytes, text_problem, tsv_rows
from mscsle.errors import CurationError, Problem, show

COLUMNS = ("rule", "claim", "about", "reason")
Key = tuple[str, str, str]  # rule, claim, about


@dataclass(frozen=True)
class QCException:
    rule: str
    claim: str
    about: str
    reason: str
    line: int

    @property
    def key(self) -> Key:
        return self.rule, self.claim, self.about


def violation_key(rule: str, row: tuple[str, ...]) -> Key:
    """The key an exception must carry to explain this violation: the rule and the row's first two values."""
    return rule, row[0] if row else "", row[1] if len(row) > 1 else ""


def read_exceptions(path: Path, name: str, rules: Collection[str]) -> dict[Key, QCException]:
    """The exceptions by key; no file means none. A malformed file raises CurationError naming line and column."""
    if not path.exists():
        return {}
    problems: list[Problem] = []
    data = read_bytes(path, name, f"a header row ({', '.join(COLUMNS)}) and tab-separated rows", problems)
    if data is None:
        raise CurationError(problems)
    try:
        rows = tsv_rows(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise CurationError([Problem(name, "", "", f"not UTF-8 (byte {e.start}); save the file as UTF-8")]) from None
    if not rows or tuple(rows[0]) != COLUMNS:
        got = " | ".join(rows[0]) if rows else "nothing"
        raise CurationError([Problem(name, "line 1", "", f"header is {show(got)}; expected {', '.join(COLUMNS)}")])
    out: dict[Key, QCException] = {}
    for n, row in enumerate(rows[1:], start=2):
        where = f"line {n}"
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(COLUMNS):
            problems.append(Problem(name, where, "", f"has {len(row)} cells; expected {len(COLUMNS)} (tab-separated)"))
            continue
        cells = dict(zip(COLUMNS, row, strict=True))
        for column, value in cells.items():
            if why := text_problem(value):
                problems.append(Problem(name, where, column, why))
        if cells["rule"] not in rules:
            problems.append(Problem(name, where, "rule", f"{show(cells['rule'])} is not a rule of queries/qc/"))
        for column in ("claim", "reason"):
            if not cells[column].strip():
                problems.append(Problem(name, where, column, "is empty; every exception names its claim and reason"))
        exc = QCException(cells["rule"], cells["claim"], cells["about"], cells["reason"], n)
        if exc.key in out:
            problems.append(Problem(name, where, "", f"repeats the exception of line {out[exc.key].line}"))
        out[exc.key] = exc
    if problems:
        raise CurationError(problems)
    return out


def unused(exceptions: dict[Key, QCException], explained: Collection[Key], name: str) -> list[Problem]:
    """A problem for each exception that explains no violation of the built graph (stale: remove it)."""
    out = []
    for key, e in exceptions.items():
        if key not in explained:
            what = f"{e.claim}, {e.about}" if e.about else e.claim
            out.append(
                Problem(name, f"line {e.line}", "", f"explains no violation of rule {e.rule} ({what}); remove it")
            )
    return out
