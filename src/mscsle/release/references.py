"""The review's references as publications: FaBiO journal articles with what the bibliography table verifies.

Read from data/reference/review-references.tsv (one row per reference number). A row gives title, authors,
journal, year, DOI and PubMed id only where they were seen in a source; what a row lacks stays absent, never
guessed. The review itself cites each reference (cito:cites). A claim that cites a number without a row is bad
input: exit 2, naming the claim file, the claim and the field.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import yaml
from rdflib import OWL, RDF, RDFS, XSD, Literal, Namespace, URIRef

from mscsle.curation.records import Records
from mscsle.errors import Problem
from mscsle.model.triples import Triple
from mscsle.model.vocab import MSCSLE, REF

FABIO = Namespace("http://purl.org/spar/fabio/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
CITO = Namespace("http://purl.org/spar/cito/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
TABLE = "data/reference/review-references.tsv"
SHORT = 60  # characters of a title in a reference's label


def read_bibliography(path: Path) -> dict[int, dict[str, str]]:
    """Reference number -> its non-empty fields (a missing table means no rows)."""
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return {int(r["number"]): {k: v.strip() for k, v in r.items() if k and v and v.strip()} for r in rows}


def _short(title: str) -> str:
    return title if len(title) <= SHORT else title[: SHORT - 1].rsplit(" ", 1)[0] + "…"


def reference_triples(review: URIRef, count: int, bibliography: dict[int, dict[str, str]]) -> Iterator[Triple]:
    """Each of the review's `count` references as a journal article, cited by the review."""
    for n in range(1, count + 1):
        r = REF[str(n)]
        row = bibliography.get(n, {})
        yield r, RDF.type, OWL.NamedIndividual
        yield r, RDF.type, MSCSLE.Reference
        yield r, RDF.type, FABIO.JournalArticle
        title = row.get("title")
        label = f"[{n}] {_short(title)}" if title else f"reference [{n}] of Zhu & Feng 2018"
        yield r, RDFS.label, Literal(label, lang="en")
        yield r, MSCSLE.reference_number, Literal(n, datatype=XSD.integer)
        yield r, MSCSLE.cited_by, review
        yield review, CITO.cites, r
        if title:
            yield r, DCTERMS.title, Literal(title, lang="en")
        if "authors" in row:
            yield r, DCTERMS.creator, Literal(row["authors"])
        if "journal" in row:
            yield r, PRISM.publicationName, Literal(row["journal"])
        if "year" in row:
            yield r, FABIO.hasPublicationYear, Literal(row["year"], datatype=XSD.gYear)
        if "doi" in row:
            yield r, PRISM.doi, Literal(row["doi"])
        if "pmid" in row:
            yield r, FABIO.hasPubMedId, Literal(row["pmid"])


def unlisted_references(records: Records, bibliography: dict[int, dict[str, str]], claims_dir: Path) -> list[Problem]:
    """Every claim that cites a number with no row in the bibliography table, by claim file, claim and field."""
    missing = {c.id: [n for n in c.references if n not in bibliography] for c in records.claims}
    missing = {cid: ns for cid, ns in missing.items() if ns}
    if not missing:
        return []
    files = {}
    for path in sorted(claims_dir.glob("*.yaml")):
        for raw in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("claims") or []:
            if isinstance(raw, dict) and raw.get("id") in missing:
                files[raw["id"]] = f"data/claims/{path.name}"
    return [
        Problem(
            files.get(cid, "data/claims"),
            f"claim {cid}",
            "references",
            f"reference {n} has no row in {TABLE}; add the row (its fields may stay empty) or fix the number",
        )
        for cid, ns in sorted(missing.items())
        for n in ns
    ]
