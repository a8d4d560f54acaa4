"""Why HermiT found a contradiction, in terms a curator can act on.

HermiT (as owlready2 runs it) says only *that* an ontology is inconsistent or a class unsatisfiable. Here almost
every contradiction comes from a disjointness or distinctness axiom that the data or the class definitions
violate: an individual entailed to be in two disjoint classes, a class below two disjoint classes, a claim with
two distinct values of a functional property (two species, stated and hedged). So the reasoner is run a second
time on the `relaxed` graph, without those axioms, and `clashes` checks its entailments against the removed
axioms: each clash names the individual or class, the classes or values involved, and the axiom they violate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from mscsle.model.prefixes import converter


@dataclass(frozen=True)
class Axioms:
    """The axioms taken out of the relaxed graph: pairs of disjoint classes and of distinct individuals."""

    disjoint_classes: frozenset[frozenset[URIRef]]
    different_individuals: frozenset[frozenset[URIRef]]


@dataclass(frozen=True, order=True)
class Clash:
    subject: str
    label: str
    reason: str

    def __str__(self) -> str:
        return f"{self.subject} ({self.label}): {self.reason}" if self.label else f"{self.subject}: {self.reason}"


def curie(node: Node) -> str:
    if isinstance(node, Literal):
        return f'"{node}"'
    return converter().compress(str(node)) or f"<{node}>"


def _members(g: Graph, head: Node) -> list[Node]:
    return list(Collection(g, head))


def _drop_list(g: Graph, head: Node | None) -> None:
    while head is not None and head != RDF.nil:
        rest = g.value(head, RDF.rest)
        g.remove((head, None, None))
        head = rest


def _pairs(nodes: Iterable[Node]) -> set[frozenset[URIRef]]:
    named = sorted(n for n in set(nodes) if isinstance(n, URIRef))
    return {frozenset(p) for p in combinations(named, 2)}


def relaxed(g: Graph) -> tuple[Graph, Axioms]:
    """A copy of `g` without its class-disjointness and individual-distinctness axioms, and those axioms."""
    out = Graph()
    for t in g:
        out.add(t)
    classes: set[frozenset[URIRef]] = set()
    individuals: set[frozenset[URIRef]] = set()
    for a, b in list(out.subject_objects(OWL.disjointWith)):
        classes |= _pairs((a, b))
        out.remove((a, OWL.disjointWith, b))
    for a, b in list(out.subject_objects(OWL.differentFrom)):
        individuals |= _pairs((a, b))
        out.remove((a, OWL.differentFrom, b))
    for kind, into in ((OWL.AllDisjointClasses, classes), (OWL.AllDifferent, individuals)):
        for node in list(out.subjects(RDF.type, kind)):
            for p in (OWL.members, OWL.distinctMembers):
                for head in list(out.objects(node, p)):
                    into |= _pairs(_members(out, head))
                    _drop_list(out, head)
            out.remove((node, None, None))
    for c, head in list(out.subject_objects(OWL.disjointUnionOf)):
        classes |= _pairs(_members(out, head))
        out.remove((c, OWL.disjointUnionOf, head))
        union = BNode()
        out.add((c, OWL.equivalentClass, union))
        out.add((union, RDF.type, OWL.Class))
        out.add((union, OWL.unionOf, head))
    return out, Axioms(frozenset(classes), frozenset(individuals))


def named_classes(g: Graph) -> set[URIRef]:
    return {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)} - {OWL.Thing, OWL.Nothing}


def properties(g: Graph) -> set[URIRef]:
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {p for k in kinds for p in g.subjects(RDF.type, k) if isinstance(p, URIRef)}


def named_individuals(g: Graph) -> set[URIRef]:
    """Named individuals, external classes punned as individuals included (an entity whose IRI is a CL, GO, HGNC
    ... class); a property is never an individual."""
    found = {i for i in g.subjects(RDF.type, OWL.NamedIndividual) if isinstance(i, URIRef)}
    return found - properties(g)


def superclasses(g: Graph, classes: set[URIRef]) -> dict[URIRef, set[URIRef]]:
    """Each named class -> all its named superclasses, itself and its equivalents included."""
    up: dict[URIRef, set[URIRef]] = defaultdict(set)
    for c in classes:
        up[c] |= {d for d in g.objects(c, RDFS.subClassOf) if isinstance(d, URIRef) and d in classes}
        for d in g.objects(c, OWL.equivalentClass):
            if isinstance(d, URIRef) and d in classes:
                up[c].add(d)
                up[d].add(c)
    closure: dict[URIRef, set[URIRef]] = {}
    for c in classes:
        seen, todo = {c}, [c]
        while todo:
            for d in up[todo.pop()]:
                if d not in seen:
                    seen.add(d)
                    todo.append(d)
        closure[c] = seen
    return closure


def most_specific(types: set[URIRef], closure: dict[URIRef, set[URIRef]]) -> set[URIRef]:
    """The types that no other type (not equivalent to it) lies below."""
    return {t for t in types if not any(u != t and t in closure[u] and u not in closure[t] for u in types)}


def _names(nodes: Iterable[Node]) -> str:
    return ", ".join(sorted(curie(n) for n in nodes))


def clashes(asserted: Graph, entailed: Graph, axioms: Axioms) -> list[Clash]:
    """Individuals and classes of `entailed` (the relaxed graph with its entailments) that violate `axioms`."""
    classes = named_classes(asserted)
    closure = superclasses(entailed, classes)

    def label(n: Node) -> str:
        return str(asserted.value(n, RDFS.label) or "")

    found: list[Clash] = []
    for c in sorted(classes):
        for pair in sorted(axioms.disjoint_classes, key=sorted):
            if pair <= closure[c]:
                a, b = sorted(pair)
                found.append(
                    Clash(
                        curie(c),
                        label(c),
                        f"unsatisfiable: it is below both {curie(a)} and {curie(b)}, which are declared disjoint",
                    )
                )
    for i in sorted(named_individuals(asserted)):
        direct = {t for t in entailed.objects(i, RDF.type) if isinstance(t, URIRef) and t in classes}
        types = set().union(*(closure[t] for t in direct)) if direct else set()
        specific = most_specific(direct, closure)
        for pair in sorted(axioms.disjoint_classes, key=sorted):
            if pair <= types:
                a, b = sorted(pair)
                why = "" if specific == pair else f" (its types: {_names(specific)})"
                found.append(
                    Clash(
                        curie(i), label(i), f"is both a {curie(a)} and a {curie(b)}, which are declared disjoint{why}"
                    )
                )
    functional = {p for p in asserted.subjects(RDF.type, OWL.FunctionalProperty) if isinstance(p, URIRef)}
    for p in sorted(functional):
        values: dict[URIRef, set[Node]] = defaultdict(set)
        for s, o in entailed.subject_objects(p):
            if isinstance(s, URIRef):
                values[s].add(o)
        for s in sorted(values):
            vs = values[s]
            literal = {v for v in vs if isinstance(v, Literal)}
            different = [pair for pair in _pairs(vs) if pair in axioms.different_individuals]
            if len({v.toPython() for v in literal}) > 1 or different:
                found.append(
                    Clash(
                        curie(s),
                        label(s),
                        f"has more than one value of the functional property {curie(p)}: "
                        f"{_names(vs)}{', declared different' if different else ''}",
                    )
                )
    return sorted(set(found))
