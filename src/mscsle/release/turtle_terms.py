"""RDF terms as Oxigraph's Turtle and TriG writers write them, from their N-Triples text.

For a writer that lays out Turtle-family text itself, because handing millions of terms to Oxigraph as Python
objects costs more than writing the text (release/nanopubs.py), and must give the bytes Oxigraph would. The rules
are oxttl's: an IRI under the longest namespace whose rest is a valid (escaped) local name, else in full; a typed
literal inline when it is a valid boolean, integer, decimal or double, else with its datatype abbreviated the same
way; every other term as in N-Triples. tests/test_nanopubs.py checks them against Oxigraph's writer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
# Turtle's PN_CHARS_BASE, PN_CHARS_U and PN_CHARS (productions 163s-166s)
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_FIRST = re.compile(f"[{_BASE}_:0-9]")  # what a local name may start with, unescaped
_NEXT = re.compile(f"[{_BASE}_:0-9\\-\u00b7\u0300-\u036f\u203f-\u2040]")  # and go on with (and "." but last)
_PLAIN = re.compile(f"{_FIRST.pattern}{_NEXT.pattern}*")  # nothing to escape (most names)
_ESCAPABLE = frozenset("_~.-!$&'()*+,;=/?#@%")
_INLINE = {  # datatype -> the lexical forms written without quotes
    f"{XSD}boolean": re.compile("true|false"),
    f"{XSD}integer": re.compile("[+-]?[0-9]+"),
    f"{XSD}decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    f"{XSD}double": re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+"),
}


def local_name(local: str) -> str | None:
    """The local name as it follows a prefix, special characters escaped; None if it cannot be one."""
    if _PLAIN.fullmatch(local):
        return local
    out = []
    last = len(local) - 1
    for i, c in enumerate(local):
        if (_NEXT if i else _FIRST).fullmatch(c) or (c == "." and 0 < i < last):
            out.append(c)
        elif c in _ESCAPABLE:
            out.append("\\" + c)
        else:
            return None
    return "".join(out)


class Namespaces:
    """The (prefix, namespace) pairs of a prefix map that an IRI lies under, longest namespace first, found once per
    stem: the IRI up to its last character that ends a namespace. A namespace is a prefix of the IRI exactly when it
    is one of its stem, so IRIs that differ only after their stem (a claim's, an entity's) are looked up once."""

    def __init__(self, prefixes: Mapping[str, str]):
        self.longest_first = sorted(prefixes.items(), key=lambda pu: -len(pu[1]))
        ends = sorted({u[-1] for u in prefixes.values() if u})
        self._stem = re.compile(f".*[{re.escape(''.join(ends))}]", re.S) if ends else None
        self._found: dict[str, list[tuple[str, str]]] = {}

    def of(self, iri: str) -> list[tuple[str, str]]:
        stem = self._stem.match(iri) if self._stem else None
        key = stem.group() if stem else ""
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = [(p, u) for p, u in self.longest_first if key.startswith(u)]
        return found


class TurtleTerms:
    """N-Triples term -> its Turtle form under `prefixes` (name -> namespace), each distinct term worked out once."""

    def __init__(self, prefixes: Mapping[str, str]):
        self.namespaces = Namespaces(prefixes)  # longest first, as Oxigraph tries them
        self.forms: dict[str, str] = {}
        self.verbs: dict[str, str] = {RDF_TYPE: "a"}  # as predicates

    def __call__(self, term: str) -> str:
        if "<" not in term:  # neither an IRI nor a typed literal: written as in N-Triples (and not kept)
            return term
        form = self.forms.get(term)
        if form is None:
            form = self.forms[term] = self._form(term)
        return form

    def predicate(self, term: str) -> str:
        verb = self.verbs.get(term)
        if verb is None:
            verb = self.verbs[term] = self(term)
        return verb

    def _form(self, term: str) -> str:
        if term.startswith("<"):
            return self._iri(term[1:-1])
        if term.startswith('"') and term.endswith(">"):  # "lexical"^^<datatype>; an IRI holds no "^"
            lexical, datatype = term.rsplit("^^", 1)
            inline = _INLINE.get(datatype[1:-1])
            if inline is not None and inline.fullmatch(lexical[1:-1]):
                return lexical[1:-1]
            return f"{lexical}^^{self._iri(datatype[1:-1])}"
        return term  # plain and language-tagged literals, blank nodes

    def _iri(self, iri: str) -> str:
        for name, namespace in self.namespaces.of(iri):
            local = iri[len(namespace) :]
            escaped = local_name(local) if local else ""
            if escaped is not None:
                return f"{name}:{escaped}"
        return f"<{iri}>"
