"""Counts of the curated claims, and the review's paragraphs that no claim accounts for."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rdflib import Graph

from mscsle.curation.coverage import Paragraph, paragraphs, read_exclusions, uncovered
from mscsle.curation.records import Records
from mscsle.curation.review_text import ReviewText
from mscsle.model.vocab import MSCSLE
from mscsle.project import Project

DIMENSIONS = ("section", "species", "certainty", "evidence_level", "relation", "condition")


def claim_counts(records: Records) -> dict[str, Counter[str]]:
    """For each dimension, how many claims have each value ('none' where a claim has no value)."""
    return {d: Counter(getattr(c, d) or "none" for c in records.claims) for d in DIMENSIONS}


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
    silent = [p for p in paras if not any(p.holds(c.quote) for c in records.claims)]
    return Coverage(paras, uncovered(paras, records.claims, exclusions), silent)
