"""Import modules: the external terms that mscsle maps to, each with its label and its chain of source ancestors.

One module per source (ontology/imports/<prefix>_import.ttl), generated from the mapping table by
`mscsle imports` and committed, so that Protégé shows names and places instead of numbers; ontology/catalog-v001.xml
maps each module's IRI to its file for offline use. Each term comes with its ancestors up to its source's root, one
asserted superclass per class, as data/reference/external-ancestry.tsv verifies them in the cited source files
(never an id or label from anywhere else); data/reference/external-hierarchy.tsv, the edges between the reference
table's own terms, must lie on those chains. The build merges the same declarations into the released graph and
drops the owl:imports that point at them (the released artifact is self-contained).
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from mscsle.curation.mappings import DECLARATIONS, MappingSet, Source
from mscsle.errors import CurationError, Problem
from mscsle.model.prefixes import converter
from mscsle.model.triples import Triple
from mscsle.project import Project
from mscsle.release import serialize
from mscsle.release.ancestry import ANCESTRY, Ancestry, read_ancestry
from mscsle.release.graph import ontology_iri
from mscsle.release.term_iris import XREF_ONLY, EntityIris, linked_mapping_triples, relation_links

IMPORTS_DIR = "imports"
HIERARCHY = "data/reference/external-hierarchy.tsv"
HIERARCHY_COLUMNS = ("child", "child_label", "parent", "parent_label", "source", "verified_in", "is_a_path", "axioms")

Hierarchy = Mapping[str, frozenset[str]]  # child CURIE -> its direct parents among the reference table's terms


def read_hierarchy(root: Path) -> Hierarchy:
    """The verified is_a edges between the reference table's terms (the evidence that the chains must agree with).

    A missing table means no hierarchy; a malformed row, a self-loop or a cycle is bad input."""
    path = root / HIERARCHY
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    problems = []
    if not rows or tuple(rows[0]) != HIERARCHY_COLUMNS:
        problems.append(Problem(HIERARCHY, "line 1", "", f"header must be the columns {', '.join(HIERARCHY_COLUMNS)}"))
        raise CurationError(problems)
    parents: dict[str, set[str]] = {}
    for n, row in enumerate(rows[1:], start=2):
        rec = dict(zip(HIERARCHY_COLUMNS, row, strict=False))
        child, parent = rec.get("child", ""), rec.get("parent", "")
        for name, value in (("child", child), ("parent", parent)):
            if converter().expand(value) is None:
                problems.append(Problem(HIERARCHY, f"line {n}", name, f"{value!r} is not a CURIE of a known prefix"))
        if child.split(":", 1)[0] != parent.split(":", 1)[0] or child == parent:
            problems.append(
                Problem(HIERARCHY, f"line {n}", "parent", f"{parent!r} is not another term of {child!r}'s source")
            )
        if not rec.get("verified_in") or not rec.get("is_a_path", "").startswith(child):
            problems.append(
                Problem(HIERARCHY, f"line {n}", "is_a_path", "each edge needs its source file and is_a path")
            )
        parents.setdefault(child, set()).add(parent)
    for child in parents:
        if child in _ancestors(child, parents):
            problems.append(Problem(HIERARCHY, child, "parent", "the is_a edges form a cycle through this term"))
            break
    if problems:
        raise CurationError(problems)
    return {c: frozenset(ps) for c, ps in parents.items()}


def _ancestors(term: str, parents: Mapping[str, Iterable[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(parents.get(term, ()))
    while todo:
        t = todo.pop()
        if t not in seen:
            seen.add(t)
            todo.extend(parents.get(t, ()))
    return seen


def read_superclasses(root: Path) -> Ancestry:
    """The verified chains of source ancestors, checked against the verified edges between the table's terms: an
    edge that is not on its child's chain is bad input (the two tables were read in the same files)."""
    ancestry = read_ancestry(root)
    hierarchy = read_hierarchy(root)
    problems = [
        Problem(HIERARCHY, child, "parent", f"{parent!r} is not on the chain of {child!r} in {ANCESTRY}")
        for child, parents in sorted(hierarchy.items())
        for parent in sorted(parents)
        if parent not in ancestry.chain(child)
    ]
    if problems:
        raise CurationError(problems)
    return ancestry


def declaration_triples(source: Source, terms: dict[str, str], ancestry: Ancestry) -> Iterator[Triple]:
    """Each term of one source and each ancestor on its chain: its declaration, its label exactly as the source
    spells it (a mapped term's as the reference table has it), its one superclass in the source."""
    mine = {c: label for c, label in terms.items() if c.split(":", 1)[0] == source.prefix}
    classes = ancestry.closure(mine) if source.declared_as == "Class" else set(mine)
    for curie in classes:
        iri = URIRef(converter().expand_strict(curie))
        yield iri, RDF.type, DECLARATIONS[source.declared_as]
        yield iri, RDFS.label, Literal(mine.get(curie) or ancestry.label[curie], lang="en")
        if curie in ancestry.parent and source.declared_as == "Class":
            yield iri, RDFS.subClassOf, URIRef(converter().expand_strict(ancestry.parent[curie]))


LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")


def module_graph(source: Source, terms: dict[str, str], extracted: str, ancestry: Ancestry) -> Graph:
    """One import module: a header with title, source, versions checked, licence and date of extraction; the terms
    with their ancestors."""
    g = Graph()
    mine = {c for c in terms if c.split(":", 1)[0] == source.prefix}
    checked = {ancestry.read_in[c] for c in ancestry.closure(mine) if c in ancestry.read_in}
    iri = source.iri
    g.add((iri, RDF.type, OWL.Ontology))
    g.add((iri, DCTERMS.title, Literal(f"mscsle import module: {source.title}", lang="en")))
    g.add((iri, DCTERMS.source, URIRef(source.source)))
    g.add((iri, OWL.versionInfo, Literal(f"identifiers and labels as checked in: {source.version}")))
    if checked:
        g.add((iri, OWL.versionInfo, Literal(f"superclasses as checked in: {'; '.join(sorted(checked))}")))
    g.add((iri, DCTERMS.license, LICENSE))
    g.add((iri, DCTERMS.date, Literal(extracted)))
    g.add(
        (
            iri,
            DCTERMS.description,
            Literal(
                "The terms of this source that data/mappings.tsv uses, each with its label as the source spells it "
                "and, where data/reference/external-ancestry.tsv verifies them, its ancestors up to the source's root "
                "(rdfs:subClassOf, one asserted superclass per class, labels as in the file each step was read in, "
                "listed in owl:versionInfo). The verified reference table holds no definitions, so none are given "
                "(docs/model.md). The licence is that of this module; the terms are the source's.",
                lang="en",
            ),
        )
    )
    for p in (DCTERMS.title, DCTERMS.source, DCTERMS.license, DCTERMS.date, DCTERMS.description):
        g.add((p, RDF.type, OWL.AnnotationProperty))
    for t in declaration_triples(source, terms, ancestry):
        g.add(t)
    return g


def modules(ms: MappingSet, extracted: str, root: Path) -> dict[Source, Graph]:
    """The import module of every source that the table uses, in prefix order."""
    terms = ms.terms()
    ancestry = read_superclasses(root)
    used = {c.split(":", 1)[0] for c in terms} - XREF_ONLY
    return {
        s: module_graph(s, terms, extracted, ancestry)
        for s in sorted(ms.sources.values(), key=lambda s: s.module)
        if s.prefix in used
    }


CATALOG_NOTE = """<!--
  XML catalog (OASIS), as Protégé and the OWL API read it: maps ontology IRIs to files in this folder so that
  owl:imports resolve offline. One <uri> per ontology; paths are relative to this folder.
  Generated by `mscsle imports`: the ontology itself, then one MIREOT module per source of data/mappings.tsv.
  To add a module, list its source in data/mapping-sources.tsv, map a term to it, and run `mscsle imports`.
-->
"""


def catalog(entries: dict[str, str]) -> bytes:
    """An OASIS XML catalog (the form Protégé reads): ontology IRI -> file, relative to the catalog's folder."""
    root = ET.Element("catalog", {"prefer": "public", "xmlns": "urn:oasis:names:tc:entity:xmlns:xml:catalog"})
    for name, uri in entries.items():
        ET.SubElement(root, "uri", {"name": name, "uri": uri})
    ET.indent(root, space="    ")
    head = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + CATALOG_NOTE
    return head.encode("utf-8") + ET.tostring(root, encoding="utf-8", short_empty_elements=True) + b"\n"


def import_files(project: Project, ontology: Graph, ms: MappingSet) -> dict[str, bytes]:
    """Path under ontology/ -> content, for every file `mscsle imports` writes."""
    mods = modules(ms, project.settings()["release"], project.root)
    files = {f"{IMPORTS_DIR}/{s.module}.ttl": serialize.turtle(serialize.canonical(g)) for s, g in mods.items()}
    entries = {str(ontology_iri(ontology)): project.ontology.name}
    entries |= {str(s.iri): f"{IMPORTS_DIR}/{s.module}.ttl" for s in mods}
    files[project.catalog.name] = catalog(entries)
    return files


def write_imports(project: Project, ontology: Graph, ms: MappingSet) -> list[Path]:
    """Regenerate the import modules and the catalog; stale modules of sources no longer used are removed."""
    ontology_dir = project.ontology.parent
    files = import_files(project, ontology, ms)
    (ontology_dir / IMPORTS_DIR).mkdir(exist_ok=True)
    for stale in (ontology_dir / IMPORTS_DIR).glob("*_import.ttl"):
        if f"{IMPORTS_DIR}/{stale.name}" not in files:
            stale.unlink()
    written = []
    for name, data in files.items():
        path = ontology_dir / name
        path.write_bytes(data)
        written.append(path)
    return written


def merge_imports(g: Graph, ms: MappingSet, ancestry: Ancestry) -> Graph:
    """Add the declarations of every source's module to `g` and drop the owl:imports of those modules (in place).

    An import of a module that the table's sources do not produce stays, for the catalog to resolve."""
    terms = ms.terms()
    for source in ms.sources.values():
        g.remove((None, OWL.imports, source.iri))
        if source.prefix in XREF_ONLY:
            continue
        for t in declaration_triples(source, terms, ancestry):
            g.add(t)
    return g


def link(g: Graph, ms: MappingSet, iris: EntityIris | None = None, ancestry: Ancestry | None = None) -> Graph:
    """The built graph with its mappings (on each entity's one IRI): SKOS matches, xrefs, unmapped reasons, the
    relations' RO parents, and the merged import modules with their verified ancestors."""
    for t in linked_mapping_triples(ms, iris or {}):
        g.add(t)
    for t in relation_links(ms):
        g.add(t)
    return merge_imports(g, ms, ancestry or Ancestry())
