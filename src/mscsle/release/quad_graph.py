"""The built quads read the way the nanopublication and KGX writers ask: by subject, in rdflib terms, on demand.

At 100k claims an rdflib Graph of the merged graph costs more time and memory than everything else the build
does with it; these writers only ever ask what a claim, an entity or a class says. So the quads are grouped by
subject once (pyoxigraph objects, no copy of the terms), and a term becomes an rdflib term only when asked for
(each distinct term once).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import cast

import pyoxigraph as ox
from rdflib import RDF, Graph
from rdflib.term import Node

from mscsle.release.serialize import OxTerm, oxigraph_term, rdflib_term

_TYPE = ox.NamedNode(str(RDF.type))


class QuadGraph:
    """The read-only part of rdflib's Graph API that release/nanopubs.py and release/kgx_export.py use."""

    def __init__(self, quads: Sequence[ox.Quad | ox.Triple]):
        self._about: dict[OxTerm, list[ox.Quad | ox.Triple]] = {}
        self._typed: dict[OxTerm, list[OxTerm]] = {}  # class -> its members, in quad order
        for q in quads:
            s = cast(OxTerm, q.subject)
            about = self._about.get(s)
            if about is None:
                about = self._about[s] = []
            about.append(q)
            if q.predicate == _TYPE:
                self._typed.setdefault(cast(OxTerm, q.object), []).append(s)
        self._to_rdflib: dict[OxTerm, Node] = {}
        self._to_ox: dict[Node, OxTerm] = {}

    def _ox(self, term: Node) -> OxTerm:
        hit = self._to_ox.get(term)
        if hit is None:
            hit = self._to_ox[term] = oxigraph_term(term)
        return hit

    def _rdflib(self, term: OxTerm) -> Node:
        hit = self._to_rdflib.get(term)
        if hit is None:
            hit = self._to_rdflib[term] = rdflib_term(term)
        return hit

    def predicate_objects(self, subject: Node) -> Iterator[tuple[Node, Node]]:
        for q in self._about.get(self._ox(subject), ()):
            yield self._rdflib(q.predicate), self._rdflib(cast(OxTerm, q.object))

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        p = self._ox(predicate)
        for q in self._about.get(self._ox(subject), ()):
            if q.predicate == p:
                yield self._rdflib(cast(OxTerm, q.object))

    def value(self, subject: Node, predicate: Node) -> Node | None:
        return next(self.objects(subject, predicate), None)

    def subjects(self, predicate: Node, object: Node) -> Iterator[Node]:
        """Only rdf:type is indexed by object (the writers ask for the members of a class)."""
        if predicate != RDF.type:
            raise NotImplementedError("QuadGraph.subjects answers rdf:type only")
        for s in self._typed.get(self._ox(object), ()):
            yield self._rdflib(s)


Readable = Graph | QuadGraph  # what the interop writers read: the build's quads, or any rdflib graph (tests)
