"""The built quads grouped by subject: what the nanopublication and KGX writers read, in pyoxigraph terms.

At 100k claims an rdflib Graph of the merged graph costs more time and memory than everything else the build
does with it, and these writers only ever ask what one claim, entity or class says. So the build's quads are
grouped by subject once (the same pyoxigraph objects, no copy of a term) and read without any conversion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

import pyoxigraph as ox

from mscsle.release.serialize import OxTerm

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class QuadGraph:
    """Subject -> its quads, and class -> its members (rdf:type), both in the order of the build's quads."""

    def __init__(self, quads: Iterable[ox.Quad | ox.Triple]):
        self._about: dict[OxTerm, list[ox.Quad | ox.Triple]] = {}
        self._members: dict[OxTerm, list[OxTerm]] = {}
        for q in quads:
            s = cast(OxTerm, q.subject)
            about = self._about.get(s)
            if about is None:
                about = self._about[s] = []
            about.append(q)
            if q.predicate == RDF_TYPE:
                self._members.setdefault(cast(OxTerm, q.object), []).append(s)

    def about(self, subject: OxTerm) -> Sequence[ox.Quad | ox.Triple]:
        return self._about.get(subject, ())

    def objects(self, subject: OxTerm, predicate: ox.NamedNode) -> list[OxTerm]:
        return [cast(OxTerm, q.object) for q in self._about.get(subject, ()) if q.predicate == predicate]

    def value(self, subject: OxTerm, predicate: ox.NamedNode) -> OxTerm | None:
        """One object of the subject's predicate (the first), or None."""
        return next((cast(OxTerm, q.object) for q in self._about.get(subject, ()) if q.predicate == predicate), None)

    def members(self, cls: ox.NamedNode) -> Sequence[OxTerm]:
        return self._members.get(cls, ())
