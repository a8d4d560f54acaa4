"""HermiT, run through owlready2, on the merged graph: is it consistent, is every class satisfiable, and what
class hierarchy and individual types does it entail? The answer is written as deterministic Turtle
(dist/mscsle-inferred.ttl); a contradiction is reported with its culprits (see diagnose.py).

owlready2 reads RDF/XML or N-Triples (not Turtle), so HermiT is given dist/mscsle.owl exactly as built.
owlready2 files HermiT's answers as new triples in an ontology of their own; they are read back and, together
with the asserted graph, reduced to the direct superclasses and direct types that Protégé shows. The relation
IRIs are punned (object properties, and individuals as the values of mscsle:has_relation); owlready2 files a
punned property's super-properties as its types, so types are read only for individuals that are not also
properties or classes (a relation individual has no type but owl:Thing anyway).
"""

from __future__ import annotations

import io
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import owlready2
from rdflib import DCTERMS, OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.util import guess_format

from mscsle.checks.clashes import (
    Clash,
    clashes,
    curie,
    most_specific,
    named_classes,
    named_individuals,
    relaxed,
    superclasses,
)
from mscsle.errors import BadInput, ValidationError
from mscsle.project import Project
from mscsle.release import serialize
from mscsle.release.catalog import read_catalog

INFERRED_FILE = "mscsle-inferred.ttl"
ANSWERS = "https://w3id.org/mscsle/hermit-answers.owl"  # owlready2's scratch ontology for HermiT's answers
SHOWN = 12  # members listed per defined class in the summary
SHOWN_CLASHES = 50  # culprits listed in a failure report


class ReasonerError(BadInput):
    """HermiT could not run: no built artifact, no Java, or an import that the catalog does not map."""


class Incoherent(ValidationError):
    """HermiT found the ontology inconsistent, or classes unsatisfiable; nothing was written."""

    def __init__(self, inconsistent: bool, unsatisfiable: list[str], found: list[Clash]):
        self.inconsistent = inconsistent
        self.unsatisfiable = unsatisfiable
        self.clashes = found
        super().__init__(self.report())

    def report(self) -> str:
        if self.inconsistent:
            lines = ["HermiT: the ontology is INCONSISTENT (no model exists), so nothing was inferred."]
        else:
            lines = [
                f"HermiT: {len(self.unsatisfiable)} unsatisfiable class(es) (equivalent to owl:Nothing): "
                + ", ".join(self.unsatisfiable)
            ]
        if self.clashes:
            lines.append(
                f"{len(self.clashes)} culprit(s) (entailments checked against the disjointness and distinctness "
                "axioms):"
            )
            lines += [f"  - {c}" for c in self.clashes[:SHOWN_CLASHES]]
            if len(self.clashes) > SHOWN_CLASHES:
                lines.append(f"  ... and {len(self.clashes) - SHOWN_CLASHES} more")
        else:
            lines.append(
                "No disjoint types or distinct functional values explain it; open dist/mscsle.owl in Protégé, "
                "start HermiT and use 'Explain' on the inconsistency or class to see the axioms involved."
            )
        return "\n".join(lines)


@dataclass
class Reasoned:
    asserted: Graph
    inferred: Graph  # what dist/mscsle-inferred.ttl holds
    seconds: float  # HermiT's wall-clock time, JVM start included

    def members(self, cls: URIRef) -> set[URIRef]:
        """Every individual that has `cls` among its entailed types."""
        closure = superclasses(self.inferred, named_classes(self.inferred))
        return {
            i
            for i, t in self.inferred.subject_objects(RDF.type)
            if isinstance(i, URIRef) and isinstance(t, URIRef) and t in closure and cls in closure[t]
        }

    def new_types(self) -> set[tuple[URIRef, URIRef]]:
        return {
            (i, t)
            for i, t in self.inferred.subject_objects(RDF.type)
            if isinstance(i, URIRef)
            and isinstance(t, URIRef)
            and t not in (OWL.Class, OWL.NamedIndividual, OWL.Ontology, OWL.AnnotationProperty)
            and (i, RDF.type, t) not in self.asserted
        }

    def new_subclasses(self) -> set[tuple[URIRef, URIRef]]:
        return {
            (c, d)
            for c, d in self.inferred.subject_objects(RDFS.subClassOf)
            if isinstance(c, URIRef) and isinstance(d, URIRef) and (c, RDFS.subClassOf, d) not in self.asserted
        }

    def summary(self) -> str:
        classes = named_classes(self.asserted)
        defined = sorted(c for c in classes if any(True for _ in self.asserted.objects(c, OWL.equivalentClass)))
        lines = [
            f"HermiT: consistent; all {len(classes)} named classes satisfiable ({self.seconds:.1f} s)",
            f"inferred beyond the assertions: {len(self.new_types())} direct types, "
            f"{len(self.new_subclasses())} direct subclass axioms",
        ]
        if defined:
            lines.append("defined classes and their inferred members:")
        for c in defined:
            names = sorted(str(self.asserted.value(m, RDFS.label) or curie(m)) for m in self.members(c))
            shown = ", ".join(names[:SHOWN]) + (f", ... ({len(names) - SHOWN} more)" if len(names) > SHOWN else "")
            lines.append(f"  {self.asserted.value(c, RDFS.label) or curie(c)} ({len(names)}): {shown}")
        return "\n".join(lines)


def _imports(asserted: Graph, catalog: dict[str, Path]) -> list[tuple[str, Graph]]:
    """Every ontology that `asserted` imports, directly or not, read from the file the catalog maps it to."""
    found: dict[str, Graph] = {}
    todo = [str(i) for i in asserted.objects(None, OWL.imports)]
    while todo:
        iri = todo.pop()
        if iri in found:
            continue
        if iri not in catalog or not catalog[iri].is_file():
            raise ReasonerError(
                f"owl:imports <{iri}> is not mapped to a local file in ontology/catalog-v001.xml; "
                "reasoning never downloads an ontology: add it to the catalog"
            )
        found[iri] = Graph().parse(catalog[iri], format=guess_format(str(catalog[iri])) or "xml")
        todo += [str(i) for i in found[iri].objects(None, OWL.imports)]
    return sorted(found.items())


def run_hermit(
    data: bytes, fmt: str, iri: str, imports: list[tuple[str, Graph]], property_values: bool = False
) -> Graph:
    """HermiT's answers that are not already asserted (owlready2 records only those), as an rdflib graph.

    `fmt` is owlready2's name of the format of `data` ("rdfxml" or "ntriples"), `iri` its ontology IRI. Raises
    owlready2.OwlReadyInconsistentOntologyError when the ontology is inconsistent.
    """
    if shutil.which(owlready2.JAVA_EXE) is None:
        raise ReasonerError(
            f"HermiT needs Java: {owlready2.JAVA_EXE!r} is not on PATH (install Java 11+, or set owlready2.JAVA_EXE)"
        )
    world = owlready2.World()
    for module, g in imports:  # loaded first, so owlready2 never looks them up on the web
        world.get_ontology(module).load(fileobj=io.BytesIO(serialize.ntriples(g)), format="ntriples")
    world.get_ontology(iri).load(fileobj=io.BytesIO(data), format=fmt)
    answers = world.get_ontology(ANSWERS)
    try:
        with answers:
            owlready2.sync_reasoner_hermit(world, infer_property_values=property_values, debug=0)
    except owlready2.OwlReadyJavaError as e:
        raise ReasonerError(f"HermiT failed to run: {e}") from e
    out = io.BytesIO()
    answers.save(file=out, format="ntriples")
    world.close()
    return Graph().parse(data=out.getvalue(), format="nt")


def _diagnose(asserted: Graph, iri: str) -> list[Clash]:
    """Run HermiT without the disjointness and distinctness axioms and check its entailments against them.

    `asserted` already holds the imported modules, so they are relaxed too and their owl:imports are dropped."""
    graph, axioms = relaxed(asserted)
    graph.remove((None, OWL.imports, None))
    try:
        answers = run_hermit(serialize.ntriples(graph), "ntriples", iri, [], property_values=True)
        entailed = graph + answers
    except owlready2.OwlReadyInconsistentOntologyError:
        entailed = graph  # inconsistent for another reason: check the assertions alone
    return clashes(asserted, entailed, axioms)


def inferred_graph(asserted: Graph, answers: Graph, ontology: URIRef) -> Graph:
    """Declarations, labels, direct named superclasses of every class and direct named types of every individual."""
    entailed = asserted + answers
    classes = named_classes(asserted)
    closure = superclasses(entailed, classes)
    out = Graph()
    version = asserted.value(ontology, OWL.versionIRI)
    iri = URIRef(str(ontology).replace("mscsle.owl", "mscsle-inferred.owl"))
    out.add((iri, RDF.type, OWL.Ontology))
    out.add((iri, DCTERMS.title, Literal("mscsle: the inferred class hierarchy and individual types", lang="en")))
    out.add(
        (
            iri,
            DCTERMS.description,
            Literal(
                f"What HermiT (run through owlready2 {owlready2.VERSION}, by `mscsle reason`) entails from the merged "
                f"ontology {version or ontology}: for every named class its direct named superclasses, for every named "
                "individual its direct named types, asserted or inferred. The members of the defined classes (e.g. 'factor "
                "with direct evidence') are also in the release itself, materialised by the build in the graph "
                "https://w3id.org/mscsle/graph/inferred. Generated; do not edit.",
                lang="en",
            ),
        )
    )
    out.add((iri, DCTERMS.source, version or ontology))
    for lic in asserted.objects(ontology, DCTERMS.license):  # the inferred file carries the release's licence
        out.add((iri, DCTERMS.license, lic))
    if version is not None:
        out.add((iri, OWL.versionIRI, URIRef(str(version).replace("mscsle.owl", "mscsle-inferred.owl"))))
        info = asserted.value(ontology, OWL.versionInfo)
        if info is not None:
            out.add((iri, OWL.versionInfo, info))
    for p in (DCTERMS.title, DCTERMS.description, DCTERMS.source, DCTERMS.license):
        out.add((p, RDF.type, OWL.AnnotationProperty))

    def declare(n: URIRef, kind: URIRef) -> None:
        out.add((n, RDF.type, kind))
        label = asserted.value(n, RDFS.label)
        if label is not None:
            out.add((n, RDFS.label, label))

    for c in classes:
        declare(c, OWL.Class)
        equivalent = {d for d in closure[c] if c in closure[d]}
        for d in most_specific(closure[c] - equivalent, closure):
            out.add((c, RDFS.subClassOf, d))
        for d in equivalent - {c}:
            out.add((min(c, d), OWL.equivalentClass, max(c, d)))
    for i in named_individuals(asserted):
        declare(i, OWL.NamedIndividual)
        for t in most_specific(
            {t for t in entailed.objects(i, RDF.type) if isinstance(t, URIRef) and t in classes}, closure
        ):
            out.add((i, RDF.type, t))
    return out


def reason(project: Project, dist: Path) -> Reasoned:
    """Run HermiT on dist/mscsle.owl and write dist/mscsle-inferred.ttl; raises Incoherent or ReasonerError."""
    owl = dist / "mscsle.owl"
    if not owl.is_file():
        raise ReasonerError(f"{owl} does not exist; run `mscsle build` first")
    data = owl.read_bytes()
    asserted = Graph().parse(data=data, format="xml")
    ontology = asserted.value(predicate=RDF.type, object=OWL.Ontology)
    if not isinstance(ontology, URIRef):
        raise ReasonerError(f"{owl} has no owl:Ontology header; rebuild it with `mscsle build`")
    imports = _imports(asserted, read_catalog(project.catalog))
    for _, g in imports:
        asserted += g
    start = time.perf_counter()
    try:
        answers = run_hermit(data, "rdfxml", str(ontology), imports)
    except owlready2.OwlReadyInconsistentOntologyError:
        raise Incoherent(True, [], _diagnose(asserted, str(ontology))) from None
    seconds = time.perf_counter() - start
    unsatisfiable = sorted(
        curie(c) for c in answers.subjects(OWL.equivalentClass, OWL.Nothing) if isinstance(c, URIRef)
    )
    if unsatisfiable:
        raise Incoherent(False, unsatisfiable, _diagnose(asserted, str(ontology)))
    inferred = inferred_graph(asserted, answers, ontology)
    target = dist / INFERRED_FILE
    partial = dist / f".{INFERRED_FILE}.partial"
    partial.write_bytes(serialize.turtle(serialize.canonical(inferred)))
    os.replace(partial, target)
    return Reasoned(asserted, inferred, seconds)
