"""release/turtle_terms.py writes each term as Oxigraph's TriG writer does (the nanopublications are written as
text with it): random IRIs under the project's prefixes and random literals, compared with Oxigraph's own output."""

from __future__ import annotations

import pyoxigraph as ox
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from mscsle.model.prefixes import prefix_map
from mscsle.release.nanopubs import NP, NP_BASE
from mscsle.release.turtle_terms import XSD, Namespaces, TurtleTerms, local_name

PREFIXES = {**prefix_map(), "np": NP, "sub": NP_BASE}
NAMESPACES = [*PREFIXES.values(), "http://example.org/", "urn:x:"]
# characters a local name may hold plainly, escaped or not at all, some beyond ASCII
CHARS = "aZ09_-.:~!$&'()*+,;=/?#@%·é\u0301\u203f中\U00010000 "
LEXICAL = st.text(alphabet="0123456789+-.eEtrufalsx", max_size=6)
DATATYPES = [*(XSD + t for t in ("integer", "decimal", "double", "boolean", "dateTime", "string")), "http://x.org/t"]
G, S, P = ox.NamedNode("urn:g"), ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _iri(namespace: str, local: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(namespace + local)
    except ValueError:  # not an IRI (a space, a lone %): no such term in a graph
        assume(False)
        raise


def _written(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> list[str]:
    """Oxigraph's TriG of the one quad, without its prefixes: [subject, predicate, object] as written."""
    text = ox.serialize([ox.Quad(s, p, o, G)], format=ox.RdfFormat.TRIG, prefixes=PREFIXES).decode("utf-8")
    line = next(line for line in text.split("\n") if line.startswith("\t"))
    first, second, rest = line[1:].split(" ", 2)
    return [first, second, rest.removesuffix(" .")]


@SETTINGS
@given(namespace=st.sampled_from(NAMESPACES), local=st.text(alphabet=CHARS, max_size=8))
def test_iris_are_written_as_oxigraph_writes_them(namespace: str, local: str):
    iri = _iri(namespace, local)
    terms = TurtleTerms(PREFIXES)
    assert _written(iri, iri, iri) == [terms(str(iri)), terms.predicate(str(iri)), terms(str(iri))]


@SETTINGS
@given(
    namespace=st.sampled_from(NAMESPACES),
    locals_=st.lists(st.text(alphabet=CHARS, max_size=8), min_size=1, max_size=4),
)
def test_namespaces_found_by_stem_are_those_the_iri_starts_with(namespace: str, locals_: list[str]):
    """The namespaces of an IRI, looked up once per stem (for the writers, release/nanopubs.py), are those that a
    plain scan of the prefix map finds, also for IRIs that share a stem with one looked up before."""
    namespaces = Namespaces(PREFIXES)
    longest_first = sorted(PREFIXES.items(), key=lambda pu: -len(pu[1]))
    for local in locals_:
        iri = namespace + local
        assert namespaces.of(iri) == [(p, u) for p, u in longest_first if iri.startswith(u)]


@SETTINGS
@given(
    value=st.one_of(LEXICAL, st.text(max_size=8)),
    kind=st.sampled_from([*DATATYPES, "@en", "plain"]),
)
@example(value=".5", kind=XSD + "decimal")
@example(value="5.", kind=XSD + "decimal")
@example(value="+1", kind=XSD + "integer")
@example(value="-.5e3", kind=XSD + "double")
@example(value="5.e1", kind=XSD + "double")
@example(value=".e1", kind=XSD + "double")
@example(value="true", kind=XSD + "boolean")
@example(value="True", kind=XSD + "boolean")
def test_literals_are_written_as_oxigraph_writes_them(value: str, kind: str):
    if kind == "plain":
        literal = ox.Literal(value)
    elif kind == "@en":
        literal = ox.Literal(value, language="en")
    else:
        literal = ox.Literal(value, datatype=ox.NamedNode(kind))
    assert _written(S, P, literal)[2] == TurtleTerms(PREFIXES)(str(literal))


def test_the_type_predicate_and_escapes():
    """Spot checks that fail if the rules drift: `a`, an escaped local name, one that cannot be, an inline integer."""
    terms = TurtleTerms(PREFIXES)
    assert terms.predicate("<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>") == "a"
    assert terms("<https://w3id.org/mscsle/agent/x.>") == "mscsle:agent\\/x\\."
    assert local_name("a b") is None
    assert terms(f'"42"^^<{XSD}integer>') == "42" and terms(f'"4 2"^^<{XSD}integer>') == '"4 2"^^xsd:integer'
