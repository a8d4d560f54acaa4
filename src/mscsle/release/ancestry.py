"""The verified source ancestry of the imported terms: one chain of is_a steps per term, up to its source's root.

data/reference/external-ancestry.tsv holds one row per class: its one superclass in its source, both with the labels
and the file and commit they were read in (docs/model.md says how one superclass is chosen where the source asserts
several). The import modules declare each imported term with its chain, as `robot extract --method BOT` would,
but from the stored, cited files only: no identifier or label from anywhere else.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mscsle.errors import CurationError, Problem
from mscsle.model.prefixes import converter

ANCESTRY = "data/reference/external-ancestry.tsv"
ANCESTRY_COLUMNS = (
    "child",
    "child_label",
    "parent",
    "parent_label",
    "source",
    "verified_in",
    "axioms",
    "other_superclasses",
)
AXIOMS = ("SubClassOf", "EquivalentClasses genus")


@dataclass(frozen=True)
class Ancestry:
    """Each class's one superclass in its source, each class's label there, and where each step was read."""

    parent: Mapping[str, str] = field(default_factory=dict)
    label: Mapping[str, str] = field(default_factory=dict)
    read_in: Mapping[str, str] = field(default_factory=dict)  # child CURIE -> owner/repo:path@commit

    def chain(self, term: str) -> list[str]:
        """The ancestors of `term`, nearest first, up to its source's root (empty for a root or an unknown term)."""
        out = []
        while term in self.parent:
            term = self.parent[term]
            out.append(term)
        return out

    def closure(self, terms: Iterable[str]) -> set[str]:
        """`terms` and every ancestor on their chains: the classes a module must declare."""
        return {a for t in terms for a in (t, *self.chain(t))}


def read_ancestry(root: Path) -> Ancestry:
    """The verified chains; a missing table means none. A malformed row (a CURIE of no known prefix, a parent of
    another source, a missing label, source or file, two superclasses for one class, two labels for one term) or a
    cycle is bad input, named by file, line and field."""
    path = root / ANCESTRY
    if not path.is_file():
        return Ancestry()
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or tuple(rows[0]) != ANCESTRY_COLUMNS:
        raise CurationError(
            [Problem(ANCESTRY, "line 1", "", f"header must be the columns {', '.join(ANCESTRY_COLUMNS)}")]
        )
    problems: list[Problem] = []
    parent: dict[str, str] = {}
    label: dict[str, str] = {}
    read_in: dict[str, str] = {}
    line_of: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        where = f"line {n}"
        rec = dict(zip(ANCESTRY_COLUMNS, row, strict=False))
        child, up = rec.get("child", ""), rec.get("parent", "")
        bad = [p for p in ("child", "parent") if converter().expand(rec.get(p, "")) is None]
        problems += [Problem(ANCESTRY, where, p, f"{rec.get(p, '')!r} is not a CURIE of a known prefix") for p in bad]
        if not bad and (child.split(":", 1)[0] != up.split(":", 1)[0] or child == up):
            problems.append(Problem(ANCESTRY, where, "parent", f"{up!r} is not another term of {child!r}'s source"))
        for name in ("child_label", "parent_label", "source"):
            if not rec.get(name, "").strip():
                problems.append(Problem(ANCESTRY, where, name, "missing: every step needs both labels and its source"))
        if not _is_file_at_commit(rec.get("verified_in", "")):
            problems.append(Problem(ANCESTRY, where, "verified_in", "must be owner/repo:path@commit"))
        if rec.get("axioms") not in AXIOMS:
            problems.append(Problem(ANCESTRY, where, "axioms", f"must be one of: {', '.join(AXIOMS)}"))
        if child in parent:
            problems.append(
                Problem(ANCESTRY, where, "child", f"{child!r} already has its superclass on line {line_of[child]}")
            )
            continue
        for term, name in ((child, "child_label"), (up, "parent_label")):
            known = label.setdefault(term, rec.get(name, ""))
            if rec.get(name) and known != rec.get(name):
                problems.append(Problem(ANCESTRY, where, name, f"{term!r} is labelled {known!r} on another row"))
        parent[child], read_in[child], line_of[child] = up, rec.get("verified_in", ""), n
    for term in sorted(parent):
        if _on_a_cycle(term, parent):
            problems.append(
                Problem(ANCESTRY, f"line {line_of[term]}", "parent", f"the chain of {term!r} comes back to it")
            )
            break
    if problems:
        raise CurationError(problems)
    return Ancestry(parent, label, read_in)


def _is_file_at_commit(value: str) -> bool:
    repo, _, rest = value.partition(":")
    path, _, commit = rest.partition("@")
    return repo.count("/") == 1 and bool(path) and len(commit) >= 7 and all(c in "0123456789abcdef" for c in commit)


def _on_a_cycle(term: str, parent: Mapping[str, str]) -> bool:
    seen, step = {term}, term
    while step in parent:
        step = parent[step]
        if step in seen:
            return step == term
        seen.add(step)
    return False
