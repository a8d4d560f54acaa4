"""The mapping table (data/mappings.tsv): every entity and ontology term with its external identifiers.

One file holds every mapping of the project; data/mapping-sources.tsv says where each external prefix
comes from (its import module, what it is declared as, the version that was checked). This module reads
and checks both (errors name file, line and field) and turns the table into RDF: SKOS match annotations
(with the comment as an axiom annotation) and `mscsle:unmapped_reason` for terms with no verified match.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from mscsle.curation.input_files import read_bytes, text_problem, tsv_rows
from mscsle.curation.records import Records
from mscsle.errors import CurationError, Problem, show
from mscsle.model.prefixes import converter, prefix_map
from mscsle.model.triples import Triple
from mscsle.model.vocab import ENTITY, MSCSLE
from mscsle.project import Project

MAPPING_COLUMNS = ("subject_id", "match", "object_id", "object_label", "comment")
SOURCE_COLUMNS = ("prefix", "declared_as", "title", "source", "version")
MATCHES = {"exact": SKOS.exactMatch, "close": SKOS.closeMatch, "broad": SKOS.broadMatch, "narrow": SKOS.narrowMatch}
UNMAPPED = "unmapped"
DECLARATIONS = {"Class": OWL.Class, "ObjectProperty": OWL.ObjectProperty}
OWN_PREFIXES = frozenset(p for p, uri in prefix_map().items() if uri.startswith(str(MSCSLE)))
IMPORTS_BASE = f"{MSCSLE}imports/"


@dataclass(frozen=True)
class Source:
    """An external source of identifiers: one prefix, one MIREOT import module."""

    prefix: str
    declared_as: str  # Class | ObjectProperty
    title: str
    source: str  # the source ontology's IRI or the database's home page
    version: str  # the version in which identifiers and labels were checked

    @property
    def module(self) -> str:
        return f"{self.prefix.lower()}_import"

    @property
    def iri(self) -> URIRef:
        return URIRef(f"{IMPORTS_BASE}{self.module}.owl")


@dataclass(frozen=True)
class Mapping:
    """One row: a subject with one external term and a match type, or with no term and the reason."""

    subject_id: str
    match: str  # exact | close | broad | narrow | unmapped
    object_id: str
    object_label: str
    comment: str
    line: int

    @property
    def mapped(self) -> bool:
        return self.match != UNMAPPED

    @property
    def subject(self) -> URIRef:
        return URIRef(converter().expand_strict(self.subject_id))

    @property
    def object(self) -> URIRef:
        return URIRef(converter().expand_strict(self.object_id))

    @property
    def predicate(self) -> URIRef:
        return MATCHES[self.match]

    @property
    def prefix(self) -> str:
        return self.object_id.split(":", 1)[0]


@dataclass(frozen=True)
class MappingSet:
    mappings: tuple[Mapping, ...]
    sources: dict[str, Source]

    @property
    def mapped(self) -> list[Mapping]:
        return [m for m in self.mappings if m.mapped]

    @property
    def unmapped(self) -> list[Mapping]:
        return [m for m in self.mappings if not m.mapped]

    def terms(self) -> dict[str, str]:
        """External CURIE -> its label, sorted by CURIE."""
        return dict(sorted((m.object_id, m.object_label) for m in self.mapped))

    def subjects(self) -> set[URIRef]:
        return {m.subject for m in self.mappings}


def _rows(path: Path, name: str, columns: tuple[str, ...], problems: list[Problem]) -> list[tuple[int, dict[str, str]]]:
    """The rows after the header, each cell checked for characters the artifacts cannot carry and for length."""
    data = read_bytes(path, name, f"a header row ({', '.join(columns)}) and tab-separated rows", problems)
    if data is None:
        return []
    try:
        rows = tsv_rows(data.decode("utf-8"))
    except UnicodeDecodeError as e:
        problems.append(Problem(name, "", "", f"not UTF-8 (byte {e.start}); save the file as UTF-8"))
        return []
    if not rows or tuple(rows[0]) != columns:
        got = " | ".join(rows[0]) if rows else "nothing"
        problems.append(
            Problem(
                name,
                "line 1",
                "",
                f"header is {show(got)}; expected the columns {', '.join(columns)} separated by tabs",
            )
        )
        return []
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(columns):
            problems.append(
                Problem(name, f"line {n}", "", f"has {len(row)} columns; expected {len(columns)} separated by tabs")
            )
            continue
        cells = dict(zip(columns, (c.strip() for c in row), strict=False))
        bad = [(col, why) for col, value in cells.items() if (why := text_problem(value))]
        for col, why in bad:
            problems.append(Problem(name, f"line {n}", col, why))
        if not bad:
            out.append((n, cells))
    return out


def _curie_problem(curie: str) -> str | None:
    """Why a CURIE is not one the prefix map expands in its standard form, or None."""
    conv = converter()
    prefix, sep, local = curie.partition(":")
    if not sep or not prefix or not local:
        return f"{curie!r} is not a CURIE (prefix:identifier)"
    if prefix not in prefix_map():
        known = [p for p in prefix_map() if p.casefold() == prefix.casefold()]
        hint = (
            f"; the prefix map writes it {known[0]!r}: {known[0]}:{local}"
            if known
            else " (src/mscsle/model/prefixes.yaml)"
        )
        return f"unknown prefix {prefix!r}{hint}"
    if conv.compress(conv.expand_strict(curie)) != curie:
        return f"{curie!r} is not in standard form; write {conv.compress(conv.expand_strict(curie))}"
    return None


def read_sources(path: Path, name: str, problems: list[Problem]) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for n, row in _rows(path, name, SOURCE_COLUMNS, problems):
        rec = f"line {n} (prefix {row['prefix']})"
        for col in SOURCE_COLUMNS:
            if not row[col]:
                problems.append(Problem(name, rec, col, "is empty; it is required"))
        if row["prefix"] and row["prefix"] not in prefix_map():
            problems.append(
                Problem(
                    name,
                    rec,
                    "prefix",
                    f"unknown prefix {row['prefix']!r}; add it to src/mscsle/model/prefixes.yaml first",
                )
            )
        if row["declared_as"] and row["declared_as"] not in DECLARATIONS:
            problems.append(
                Problem(name, rec, "declared_as", f"{row['declared_as']!r}; expected one of {', '.join(DECLARATIONS)}")
            )
        if row["prefix"] in sources:
            problems.append(Problem(name, rec, "prefix", f"duplicate prefix {row['prefix']!r}"))
        sources[row["prefix"]] = Source(**row)
    return sources


def _own_terms(ontology: Graph, records: Records) -> set[URIRef]:
    """Everything a mapping may be about: the registry's entities and the ontology's own typed terms."""
    terms = {ENTITY[e] for e in records.entities}
    terms |= {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(MSCSLE))}
    return terms


def read_mappings(
    path: Path, name: str, own: set[URIRef], sources: dict[str, Source], problems: list[Problem]
) -> list[Mapping]:
    mappings: list[Mapping] = []
    seen: dict[tuple[str, str], int] = {}
    labels: dict[str, tuple[str, int]] = {}
    for n, row in _rows(path, name, MAPPING_COLUMNS, problems):
        rec = f"line {n}" + (f" ({row['subject_id']})" if row["subject_id"] else "")
        before = len(problems)
        subject, match, obj, label = row["subject_id"], row["match"], row["object_id"], row["object_label"]
        if not subject:
            problems.append(Problem(name, rec, "subject_id", "is empty; it is required"))
        elif (why := _curie_problem(subject)) is not None:
            problems.append(Problem(name, rec, "subject_id", why))
        elif URIRef(converter().expand_strict(subject)) not in own:
            problems.append(
                Problem(
                    name,
                    rec,
                    "subject_id",
                    f"{subject} is neither an entity of data/entities.tsv nor a term of the ontology",
                )
            )
        if match == UNMAPPED:
            for col in ("object_id", "object_label"):
                if row[col]:
                    problems.append(Problem(name, rec, col, "must be empty when match is 'unmapped'"))
            if not row["comment"]:
                problems.append(
                    Problem(name, rec, "comment", "is empty; an unmapped row says why there is no verified term")
                )
        elif match in MATCHES:
            if not obj:
                problems.append(Problem(name, rec, "object_id", "is empty; it is required unless match is 'unmapped'"))
            elif (why := _curie_problem(obj)) is not None:
                problems.append(Problem(name, rec, "object_id", why))
            elif obj.split(":", 1)[0] in OWN_PREFIXES:
                problems.append(
                    Problem(
                        name,
                        rec,
                        "object_id",
                        f"{obj} is a term of mscsle itself; a mapping points to an external source",
                    )
                )
            elif obj.split(":", 1)[0] not in sources:
                problems.append(
                    Problem(
                        name,
                        rec,
                        "object_id",
                        f"prefix {obj.split(':', 1)[0]!r} has no line in data/mapping-sources.tsv",
                    )
                )
            if not label:
                problems.append(Problem(name, rec, "object_label", "is empty; copy the term's label from its source"))
            elif obj in labels and labels[obj][0] != label:
                problems.append(
                    Problem(
                        name, rec, "object_label", f"{label!r} differs from {labels[obj][0]!r} on line {labels[obj][1]}"
                    )
                )
            if match != "exact" and not row["comment"]:
                problems.append(
                    Problem(name, rec, "comment", f"is empty; a {match} match needs a one-line justification")
                )
        else:
            problems.append(
                Problem(
                    name, rec, "match", f"unknown match {match!r}; expected one of {', '.join([*MATCHES, UNMAPPED])}"
                )
            )
        if len(problems) > before:
            continue
        key = (subject, obj)
        if key in seen:
            problems.append(
                Problem(
                    name,
                    rec,
                    "object_id",
                    f"duplicate mapping of {subject} to {obj or 'nothing'} (also line {seen[key]})",
                )
            )
            continue
        seen[key] = n
        if obj:
            labels.setdefault(obj, (label, n))
        mappings.append(Mapping(subject, match, obj, label, row["comment"], n))
    by_subject: dict[str, set[bool]] = {}
    for m in mappings:
        by_subject.setdefault(m.subject_id, set()).add(m.mapped)
    for m in mappings:
        if not m.mapped and by_subject[m.subject_id] == {True, False}:
            problems.append(
                Problem(
                    name,
                    f"line {m.line} ({m.subject_id})",
                    "match",
                    "is 'unmapped' but other lines map the same subject",
                )
            )
    return mappings


def load_mappings(project: Project, ontology: Graph, records: Records) -> MappingSet:
    """The mapping table, checked; an absent data/mappings.tsv means no mappings. Raises CurationError."""
    table, sources_path = project.mappings, project.mapping_sources
    if not table.exists():
        return MappingSet((), {})
    problems: list[Problem] = []
    if sources_path.exists():
        sources = read_sources(sources_path, "data/mapping-sources.tsv", problems)
    else:
        problems.append(Problem("data/mapping-sources.tsv", "", "", "file not found; data/mappings.tsv needs it"))
        sources = {}
    mappings = read_mappings(table, "data/mappings.tsv", _own_terms(ontology, records), sources, problems)
    if problems:
        raise CurationError(problems)
    order = {m: i for i, m in enumerate([*MATCHES, UNMAPPED])}
    mappings.sort(key=lambda m: (m.subject_id, order[m.match], m.object_id))
    return MappingSet(tuple(mappings), sources)


def mapping_triples(ms: MappingSet) -> Iterator[Triple]:
    """SKOS matches (a comment becomes an axiom annotation, as Protégé shows it) and unmapped reasons."""
    for m in ms.mappings:
        if not m.mapped:
            yield m.subject, MSCSLE.unmapped_reason, Literal(m.comment, lang="en")
            continue
        yield m.subject, m.predicate, m.object
        if m.comment:
            axiom = BNode()
            yield axiom, RDF.type, OWL.Axiom
            yield axiom, OWL.annotatedSource, m.subject
            yield axiom, OWL.annotatedProperty, m.predicate
            yield axiom, OWL.annotatedTarget, m.object
            yield axiom, RDFS.comment, Literal(m.comment, lang="en")
