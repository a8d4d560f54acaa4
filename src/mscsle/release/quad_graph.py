"""The built triples read by subject: what the nanopublication and KGX writers read, as N-Triples text.

At 100k claims an rdflib Graph of the merged graph costs more time and memory than everything else the build
does with it, and even an index of pyoxigraph objects by subject costs seconds. These writers only ever ask what
one claim, entity or class says, and the build's N-Triples lines are sorted, so a subject's lines are found by
bisection and read as text (the writers write text). A literal's value is its text between the quotes unless it
holds an escape (a backslash: Oxigraph escapes nothing else), which Oxigraph then reads.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import cast

import pyoxigraph as ox

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def decoded_lines(nt: bytes, size: int = 1 << 22) -> list[str]:
    """The lines of `nt` (each ending in a line feed) as text, decoded about `size` bytes at a time: the whole of it
    decoded at once would be one more copy, at two bytes a character once a quote holds a character beyond Latin-1."""
    lines: list[str] = []
    at = 0
    while at < len(nt):
        end = nt.index(b"\n", min(at + size, len(nt)) - 1) + 1
        lines += nt[at:end].decode("utf-8").split("\n")[:-1]
        at = end
    return lines


class QuadGraph:
    """The sorted N-Triples lines of the build (`nt`). Terms are written as in N-Triples (`<iri>`, `"literal"@en`)."""

    def __init__(self, nt: bytes):
        self.lines = decoded_lines(nt)
        self._members: dict[str, list[str]] = {}

    def rows(self, subject: str) -> range:
        """The positions of the subject's lines (those that start with it and a space)."""
        return range(bisect_left(self.lines, subject + " "), bisect_left(self.lines, subject + "!"))

    def tails(self, subject: str) -> list[str]:
        """`predicate object` of each of the subject's triples (its lines without the subject and the final " .")."""
        start = len(subject) + 1
        rows = self.rows(subject)
        return [line[start:-2] for line in self.lines[rows.start : rows.stop]]

    def about(self, subject: str) -> list[list[str]]:
        """[predicate, object] of each of the subject's triples, in N-Triples order."""
        return [tail.split(" ", 1) for tail in self.tails(subject)]  # a predicate is an IRI: it holds no space

    def objects(self, subject: str, predicate: str) -> list[str]:
        return [o for p, o in self.about(subject) if p == predicate]

    def value(self, subject: str, predicate: str) -> str | None:
        """One object of the subject's predicate (the first), or None."""
        return next((o for p, o in self.about(subject) if p == predicate), None)

    def literals(self, subject: str, predicate: str) -> list[str]:
        """The values of the subject's literal objects of `predicate` (unescaped)."""
        head = f'{subject} {predicate} "'
        rows = self.rows(subject)
        return [literal_value(line) for line in self.lines[rows.start : rows.stop] if line.startswith(head)]

    def members(self, cls: str) -> list[str]:
        """The subjects typed `cls` (rdf:type), in N-Triples order."""
        found = self._members.get(cls)
        if found is None:
            tail = f" {RDF_TYPE} {cls} ."
            found = self._members[cls] = [line[: -len(tail)] for line in self.lines if line.endswith(tail)]
        return found


def literal_value(line: str) -> str:
    """The value of the literal object of an N-Triples line: the text between its first quote and its last (a
    language tag or datatype IRI holds no quote), read by Oxigraph if it holds an escape."""
    text = line[line.index('"') + 1 : line.rindex('"')]
    if "\\" not in text:
        return text
    (triple,) = ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return cast(ox.Literal, triple.object).value
