"""Counts of the curated claims, and the review's paragraphs that no claim accounts for."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph

from mscsle.curation.coverage import Paragraph, paragraphs, read_exclusions, uncovered
from mscsle.curation.records import Records
from mscsle.curation.review_text import ReviewText
from mscsle.model.claim import BY_NAME
from mscsle.model.vocab import MSCSLE, Vocab
from mscsle.project import Project

DIMENSIONS = (
    "section",
    "species",
    "disease_state",
    "population",
    "design",
    "cell_source",
    "certainty",
    "evidence_level",
    "relation",
)


def _values(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """A field's values ('none' where a claim has no value); a list counts each of its values."""
    if isinstance(value, tuple):
        return value or ("none",)
    return (value or "none",)


def allowed(vocab: Vocab, dimension: str) -> tuple[str, ...]:
    """The values the ontology allows in a dimension (its value set, sections or relations)."""
    if dimension == "section":
        return tuple(vocab.sections)
    source = BY_NAME[dimension].vocab
    return tuple(getattr(vocab, source)) if source else ()


def claim_counts(records: Records, vocab: Vocab | None = None) -> dict[str, Counter[str]]:
    """For each dimension, how many claims have each value (a claim with two species counts under both); with the
    vocabulary, every value it allows is listed, 0 where no claim has it (a value set nobody uses shows)."""
    out = {d: Counter(v for c in records.claims for v in _values(getattr(c, d))) for d in DIMENSIONS}
    for d, counts in out.items():
        for value in allowed(vocab, d) if vocab else ():
            counts.setdefault(value, 0)
    return out


def headings(ontology: Graph) -> list[str]:
    return sorted(str(h) for h in ontology.objects(None, MSCSLE.heading))


@dataclass(frozen=True)
class Coverage:
    paragraphs: list[Paragraph]
    uncovered: list[Paragraph]  # citing paragraphs without a claim and without an exclusion
    silent: list[Paragraph]  # paragraphs that hold no claim's quote at all


def coverage(project: Project, ontology: Graph, records: Records, review: ReviewText) -> Coverage:
    paras = paragraphs(review, headings(ontology))
    exclusions = read_exclusions(project.root / "data" / "coverage-exclusions.yaml")
    silent = [p for p in paras if not any(p.holds(q) for c in records.claims for q in c.quote)]
    return Coverage(paras, uncovered(paras, records.claims, exclusions), silent)
