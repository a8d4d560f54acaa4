"""release/quad_graph.py reads the build's N-Triples as text: what it reads equals what Oxigraph reads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st

from mscsle.release.quad_graph import QuadGraph, decoded_lines

LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _oxigraph_literals(nt: bytes) -> dict[tuple[str, str], list[str]]:
    """(subject, predicate) as N-Triples -> the values of its literal objects, read by Oxigraph, in line order."""
    out: dict[tuple[str, str], list[str]] = {}
    for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES):
        if isinstance(t.object, ox.Literal):
            out.setdefault((str(t.subject), str(t.predicate)), []).append(t.object.value)
    return out


def _sorted_nt(triples: list[ox.Triple]) -> bytes:
    return b"".join(sorted(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).splitlines(True)))


def test_literals_are_oxigraphs_values_on_the_release(dist: Path):
    nt = (dist / "mscsle.nt").read_bytes()
    graph = QuadGraph(nt)
    expected = _oxigraph_literals(nt)
    assert len(expected) > 1000
    assert {key: graph.literals(*key) for key in expected} == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3),
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)
            | st.sampled_from(['say "hi"', "a\\b", "line\nbreak", "tab\there", "cr\r", "\\", '"', "\u00e9\U0001f600"]),
            st.sampled_from([None, "en", "xsd"]),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_literals_unescape_as_oxigraph_does(rows):
    """Values with quotes, backslashes, line breaks and any other character: written by Oxigraph, read back equal."""
    triples = []
    for n, text, kind in rows:
        if kind == "en":
            literal = ox.Literal(text, language="en")
        elif kind == "xsd":
            literal = ox.Literal(text, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#token"))
        else:
            literal = ox.Literal(text)
        triples.append(ox.Triple(ox.NamedNode(f"https://example.org/s{n}"), LABEL, literal))
    nt = _sorted_nt(triples)
    graph = QuadGraph(nt)
    assert {key: graph.literals(*key) for key in _oxigraph_literals(nt)} == _oxigraph_literals(nt)


@given(st.lists(st.text(alphabet="ab’\u00e9 \t", max_size=12), max_size=40), st.integers(min_value=1, max_value=64))
def test_lines_decoded_in_slices_are_the_lines(texts, size):
    """Decoding slice by slice cuts only at line ends, whatever the slice size and the characters (two-byte ones too)."""
    nt = "".join(f"{t}\n" for t in texts).encode("utf-8")
    assert decoded_lines(nt, size) == nt.decode("utf-8").split("\n")[:-1]
