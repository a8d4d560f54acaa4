"""Walk the review paragraph by paragraph and say which citing paragraphs no claim accounts for.

Paragraphs are recovered from the PDF text: a paragraph ends after a short line that ends a sentence, at a
heading, and every line of a table is a paragraph of its own (the table interrupts a sentence of the text,
which resumes after it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mscsle.curation.records import Claim
from mscsle.curation.review_text import ReviewText, _pattern, _soften, normalise_space
from mscsle.curation.yaml_files import safe_yaml
from mscsle.errors import CurationError, Problem

FULL_LINE = 50  # a line this long or longer is a full column line, not the end of a paragraph
CITATION = re.compile(r"\[\d+(?:[–-]\d+)?(?:,\s*\d+(?:[–-]\d+)?)*\]")


@dataclass(frozen=True)
class Paragraph:
    number: int
    section: str  # the heading it stands under
    text: str  # white space normalised; line-end hyphens kept as soft marks

    @property
    def cites(self) -> bool:
        return bool(CITATION.search(self.text.replace("\x00", "-")))

    @property
    def opening(self) -> str:
        return self.text.replace("\x00", "")[:60]

    def holds(self, quote: str) -> bool:
        return bool(_pattern(quote).search(self.text))


def paragraphs(review: ReviewText, headings: list[str]) -> list[Paragraph]:
    """The review's paragraphs in reading order, each under the heading it follows."""
    heads = {normalise_space(h): h for h in headings}
    out: list[Paragraph] = []
    section = ""
    current: list[str] = []  # lines of the paragraph being read
    suspended: list[str] = []  # a paragraph interrupted by a table
    in_table = False
    text_section = ""

    def flush(lines: list[str]) -> None:
        text = _soften("\n".join(lines))
        if text:
            out.append(Paragraph(len(out) + 1, section, text))
        lines.clear()

    lines = review.raw.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        joined = normalise_space(f"{stripped} {lines[i + 1].strip()}") if i + 1 < len(lines) else ""
        if stripped.startswith("Table ") and not in_table:
            suspended, current, in_table = current, [], True
            text_section, section = section, heads.get(stripped, stripped)
        elif stripped and not in_table and (stripped in heads or joined in heads):
            flush(current)
            section = heads.get(stripped) or heads[joined]
            i += 1 if stripped in heads else 2
            continue
        if in_table:
            if line.startswith(" ") and stripped:  # the text resumes after the table
                in_table = False
                current, section = suspended, text_section
            else:
                if stripped:
                    current.append(stripped)
                    flush(current)
                i += 1
                continue
        if stripped:
            current.append(line)
            if re.search(r"[.:]$", stripped) and len(stripped) < FULL_LINE:
                flush(current)
        i += 1
    flush(current)
    return out


@dataclass(frozen=True)
class Exclusion:
    opening: str
    reason: str


def read_exclusions(path: Path) -> list[Exclusion]:
    """data/coverage-exclusions.yaml: paragraphs deliberately without claims, each with its reason."""
    if not path.is_file():
        return []
    data = safe_yaml(path, path.name, "a list of paragraphs without claims, each with its reason") or []
    problems = [
        Problem(path.name, f"entry #{n}", f, "is missing")
        for n, e in enumerate(data, 1)
        for f in ("paragraph", "reason")
        if not (isinstance(e, dict) and e.get(f))
    ]
    if problems:
        raise CurationError(problems)
    return [Exclusion(normalise_space(e["paragraph"]), e["reason"]) for e in data]


def uncovered(paras: list[Paragraph], claims: list[Claim], exclusions: list[Exclusion]) -> list[Paragraph]:
    """Citing paragraphs that hold no claim's quote and are not excluded."""
    missing = []
    for p in paras:
        if not p.cites or any(
            p.opening.startswith(e.opening[:60]) or e.opening.startswith(p.opening) for e in exclusions
        ):
            continue
        if not any(p.holds(q) for c in claims for q in c.quote):
            missing.append(p)
    return missing
