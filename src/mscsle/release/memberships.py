"""The members of the ontology's defined classes, materialised by the build without a reasoner.

A defined class (a named class with an owl:equivalentClass) gets its members only by inference, so a plain
triplestore could not answer "which factors have direct evidence". The build compiles each definition into a
SPARQL query (`membership_query`: the definition read as a graph pattern, with the sub-property, inverse and
sub-class closures of the ontology spelled out) and evaluates it on the release's own graphs; the answers become
`rdf:type` triples of the named graph `https://w3id.org/mscsle/graph/inferred` (in dist/mscsle.nq and .trig, and
merged into the single-graph artifacts). HermiT is not run by the build (too slow for it); tests/test_memberships.py
proves that the materialised members are exactly what HermiT infers.

The definitions may use what the ontology uses: named classes, owl:intersectionOf, owl:unionOf, owl:oneOf and
restrictions with owl:someValuesFrom or owl:hasValue on a property or its owl:inverseOf. Anything else has no
exact SPARQL reading under the open-world assumption and stops the build, naming the class.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import BNode, Node

from mscsle.model.triples import Triple
from mscsle.query.stored import select


class UnsupportedDefinition(ValueError):
    """A definition that has no exact SPARQL reading (the build cannot materialise its members)."""


def defined_classes(ontology: Graph) -> list[URIRef]:
    """The named classes with a definition (owl:equivalentClass to a class expression), sorted."""
    return sorted({c for c, e in ontology.subject_objects(OWL.equivalentClass) if isinstance(c, URIRef)})


def _named(e: Node) -> bool:
    return isinstance(e, URIRef)


@dataclass
class _Compiler:
    """Turns one class expression into a SPARQL group pattern about one variable."""

    g: Graph
    fresh: Iterator[int] = field(default_factory=count)
    stack: list[URIRef] = field(default_factory=list)  # the defined classes being expanded (each once per path)

    def var(self) -> str:
        return f"?v{next(self.fresh)}"

    def subclasses(self, c: URIRef) -> list[URIRef]:
        """c and every named class asserted below it (reflexive, transitive)."""
        found = {c, *self.g.transitive_subjects(RDFS.subClassOf, c)}
        return sorted(d for d in found if isinstance(d, URIRef))

    def properties(self, prop: Node) -> list[tuple[URIRef, bool]]:
        """(property, inverted) pairs whose triples entail `prop`: sub-properties, equivalents and inverses."""
        named, inverse = (self.g.value(prop, OWL.inverseOf), True) if isinstance(prop, BNode) else (prop, False)
        if not isinstance(named, URIRef):
            raise UnsupportedDefinition(f"an owl:onProperty that is not a property or its inverse: {prop}")
        todo: list[tuple[URIRef, bool]] = [(named, inverse)]
        seen = set(todo)
        while todo:
            p, inverted = todo.pop()
            near: list[tuple[Node, bool]] = [(q, inverted) for q in self.g.subjects(RDFS.subPropertyOf, p)]
            near += [(q, inverted) for q in self.g.objects(p, OWL.equivalentProperty)]
            near += [(q, inverted) for q in self.g.subjects(OWL.equivalentProperty, p)]
            near += [(q, not inverted) for q in self.g.objects(p, OWL.inverseOf)]
            near += [(q, not inverted) for q in self.g.subjects(OWL.inverseOf, p)]
            if (p, RDF.type, OWL.SymmetricProperty) in self.g:
                near.append((p, not inverted))
            for q, inv in near:
                if isinstance(q, URIRef) and (q, inv) not in seen:
                    seen.add((q, inv))
                    todo.append((q, inv))
        if any((p, RDF.type, OWL.TransitiveProperty) in self.g for p, _ in seen):
            raise UnsupportedDefinition(f"a restriction on a transitive property: {named}")
        return sorted(seen)

    def path(self, prop: Node) -> str:
        return "|".join(f"^<{p}>" if inv else f"<{p}>" for p, inv in self.properties(prop))

    def named(self, c: URIRef, v: str) -> str:
        """Members of a named class: asserted instances of it or a sub-class, subjects (objects) of a property
        whose domain (range) is below it, and the members of every defined class below it."""
        if c == OWL.Thing:
            return f"{{ {v} ?p{next(self.fresh)} ?o{next(self.fresh)} }}"
        below = self.subclasses(c)
        alternatives = [f"{{ {v} <{RDF.type}>/<{RDFS.subClassOf}>* <{c}> }}"]
        for d in below:
            for p in sorted(q for q in self.g.subjects(RDFS.domain, d) if isinstance(q, URIRef)):
                alternatives.append(f"{{ {v} {self.path(p)} {self.var()} }}")
            for p in sorted(q for q in self.g.subjects(RDFS.range, d) if isinstance(q, URIRef)):
                alternatives.append(f"{{ {self.var()} {self.path(p)} {v} }}")
            for e in sorted(self.g.objects(d, OWL.equivalentClass), key=str):
                if d in self.stack:  # already being expanded: its members come from the outer expansion
                    continue
                self.stack.append(d)
                alternatives.append(self.expression(e, v))
                self.stack.pop()
        return " UNION ".join(alternatives) if len(alternatives) > 1 else alternatives[0]

    def expression(self, e: Node, v: str) -> str:
        g = self.g
        if isinstance(e, URIRef):
            return self.named(e, v)
        if (members := g.value(e, OWL.intersectionOf)) is not None:
            # the first member (a restriction, if there is one: named classes last) binds the variable, the others
            # only test it: EXISTS stops at a first match, where a join would repeat each member once per
            # alternative of a named class (a claim matches some twenty), all but one dropped by DISTINCT
            first, *rest = (self.expression(x, v) for x in sorted(Collection(g, members), key=_named))
            return "{ " + " ".join([first, *(f"FILTER EXISTS {{ {p} }}" for p in rest)]) + " }"
        if (members := g.value(e, OWL.unionOf)) is not None:
            return "{ " + " UNION ".join(self.expression(x, v) for x in Collection(g, members)) + " }"
        if (members := g.value(e, OWL.oneOf)) is not None:
            return f"{{ VALUES {v} {{ {' '.join(x.n3() for x in Collection(g, members))} }} }}"
        prop = g.value(e, OWL.onProperty)
        if prop is not None and (filler := g.value(e, OWL.someValuesFrom)) is not None:
            y = self.var()
            return f"{{ {v} {self.path(prop)} {y} . {self.expression(filler, y)} }}"
        if prop is not None and (value := g.value(e, OWL.hasValue)) is not None:
            return f"{{ {v} {self.path(prop)} {value.n3()} }}"
        raise UnsupportedDefinition(
            "a class expression other than a named class, intersection, union, enumeration, or someValuesFrom / "
            "hasValue restriction"
        )


def membership_query(ontology: Graph, cls: URIRef) -> str:
    """SPARQL selecting the named individuals that `cls`'s definition entails, from the asserted triples."""
    compiler = _Compiler(ontology, stack=[cls])
    patterns = [compiler.expression(e, "?member") for e in sorted(ontology.objects(cls, OWL.equivalentClass), key=str)]
    return (
        f"# the members of <{cls}>, read from its owl:equivalentClass\n"
        "SELECT DISTINCT ?member WHERE {\n"
        f"  {' UNION '.join(patterns)}\n"
        f"  ?member <{RDF.type}> <{OWL.NamedIndividual}> .\n"
        "  FILTER (isIRI(?member))\n"  # a named individual is an IRI: a blank node's label never becomes one
        "}"
    )


def memberships(ontology: Graph, store: ox.Store) -> Iterator[Triple]:
    """`member rdf:type class` for every defined class of `ontology` and every member the store's triples entail.

    Raises UnsupportedDefinition (with the class's IRI) for a definition outside the supported forms."""
    for cls in defined_classes(ontology):
        try:
            query = membership_query(ontology, cls)
        except UnsupportedDefinition as e:
            raise UnsupportedDefinition(f"{cls}: its definition uses {e}; the build cannot materialise it") from None
        _, rows = select(store, query)
        for (member,) in sorted(rows):
            yield URIRef(member), RDF.type, cls
