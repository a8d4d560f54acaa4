"""The release's RDF files written chunk by chunk (release/serialize.py `chunks`, pipeline.rdf_files): whatever the
chunk size, the bytes Oxigraph's writers give in one call on every triple (Turtle: the bytes of one chunk, and the
same graph), on the review's graph and on random graphs with blank nodes, escapes and three named graphs."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from mscsle.model.prefixes import prefix_map
from mscsle.model.triples import Triple
from mscsle.release import serialize
from mscsle.release.named_graphs import DATA, INFERRED, NAMES, ONTOLOGY, BuiltGraph, build, graph_iri
from mscsle.release.pipeline import rdf_files
from mscsle.release.spool import Spool

SIZES = (1, 200, serialize.CHUNK)  # one subject a chunk, a few subjects, the whole graph


def release_graph(dist: Path) -> BuiltGraph:
    """The build's graph as it was written: the sorted lines of mscsle.nt, each line's graph from mscsle.nq."""
    nt = (dist / "mscsle.nt").read_bytes()
    iris = tuple(graph_iri(n) for n in NAMES)
    graph = {}
    for q in ox.parse((dist / "mscsle.nq").read_bytes(), format=ox.RdfFormat.N_QUADS):
        graph[str(ox.Triple(q.subject, q.predicate, q.object)) + " ."] = iris.index(str(q.graph_name)[1:-1])
    return BuiltGraph(nt, bytes(graph[line.decode()] for line in nt.splitlines()), iris)


def written(merged: BuiltGraph, size: int) -> dict[str, bytes]:
    files = Spool()
    rdf_files(merged, files, size)
    return dict(files.items())


def in_one_call(merged: BuiltGraph) -> dict[str, bytes]:
    """N-Quads, RDF/XML and JSON-LD as Oxigraph writes every triple at once."""
    quads = list(ox.parse(merged.nt, format=ox.RdfFormat.N_TRIPLES))
    used = serialize.used_prefixes(merged.nt)
    named = [
        ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(merged.iris[g]))
        for q, g in zip(quads, merged.graph_of, strict=True)
    ]
    by_graph = sorted(named, key=lambda q: merged.iris.index(str(q.graph_name)[1:-1]))  # graph by graph, lines in order
    return {
        "mscsle.nq": serialize.written(ox.serialize(by_graph, format=ox.RdfFormat.N_QUADS)),
        "mscsle.owl": serialize.written(ox.serialize(quads, format=ox.RdfFormat.RDF_XML, prefixes=used)),
        "mscsle.jsonld": serialize.written(ox.serialize(quads, format=ox.RdfFormat.JSON_LD)) + b"\n",
        "trig": serialize.written(
            ox.serialize(by_graph, format=ox.RdfFormat.TRIG, prefixes=used | {"mscsle.graph": graph_iri("")})
        ),
    }


def check(merged: BuiltGraph) -> None:
    whole = written(merged, serialize.CHUNK)
    for size in SIZES:
        assert written(merged, size) == whole, f"chunks of {size} bytes"
    ours = in_one_call(merged)
    for name in ("mscsle.nq", "mscsle.owl", "mscsle.jsonld"):
        assert whole[name] == ours[name], name
    theirs = [line for line in ours["trig"].splitlines(True) if not line.startswith(b"@prefix ")]
    assert [line for line in whole["mscsle.trig"].splitlines(True) if not line.startswith(b"@prefix ")] == theirs
    ttl = ox.Dataset(
        ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(whole["mscsle.ttl"], format=ox.RdfFormat.TURTLE)
    )
    nt = ox.Dataset(
        ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(merged.nt, format=ox.RdfFormat.N_TRIPLES)
    )
    for ds in (ttl, nt):
        ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert ttl == nt


def test_release_graph_in_chunks_is_written_as_in_one_call(dist: Path):
    merged = release_graph(dist)
    check(merged)
    assert written(merged, 200) == {n: (dist / n).read_bytes() for n in written(merged, 200)}


def random_graph(seed: int) -> BuiltGraph:
    """Claims and entities (in the data namespaces: no blank objects), terms with nested blank nodes, leaf blank
    nodes (axiom annotations), literals with quotes, line breaks, backslashes, language tags and datatypes."""
    rnd = random.Random(seed)
    ns = prefix_map()
    data = [URIRef(f"{ns[p]}x{i}") for p in ("mscsle.claim", "mscsle.entity", "mscsle.ref") for i in range(6)]
    terms = [URIRef(f"{ns[p]}T{i}") for p in ("mscsle", "CL", "obo") for i in range(4)]
    preds = [URIRef(f"{ns['mscsle']}p{i}") for i in range(3)] + [URIRef(f"{ns['rdfs']}label")]
    texts = ['a "q"', "line\nbreak", "back\\slash", "ä ß", "_:x .", "tab\tend"]

    def literal() -> Literal:
        text = rnd.choice(texts)
        return rnd.choice(
            [
                Literal(text),
                Literal(text, lang="en"),
                Literal(rnd.randint(-9, 9)),
                Literal(text, datatype=URIRef(serialize.XSD_STRING[:-6] + "token")),
            ]
        )

    triples: list[Triple] = []
    for s in data:
        triples += [
            (s, rnd.choice(preds), rnd.choice([literal(), rnd.choice(terms + data)])) for _ in range(rnd.randint(1, 5))
        ]
    for i, s in enumerate(terms):
        outer, inner = BNode(f"n{seed}o{i}"), BNode(f"n{seed}i{i}")  # a term -> a blank node -> a blank node
        triples += [
            (s, preds[0], outer),
            (outer, preds[1], inner),
            (inner, preds[2], literal()),
            (s, preds[3], literal()),
        ]
    for i in range(8):
        leaf = BNode(f"h{seed}l{i}")
        triples += [
            (leaf, rnd.choice(preds), rnd.choice([literal(), rnd.choice(data)])) for _ in range(rnd.randint(1, 3))
        ]
    graphs: dict[str, list] = {ONTOLOGY: [], DATA: [], INFERRED: []}
    for t in triples:
        graphs[rnd.choice(NAMES)].append(t)
    return build(graphs)


@pytest.mark.parametrize("seed", range(6))
def test_random_graph_in_chunks_is_written_as_in_one_call(seed: int):
    check(random_graph(seed))


def test_chunks_hold_whole_subjects_and_keep_to_the_breaks():
    merged = random_graph(0)
    breaks = serialize.Turtle.BREAKS
    parts = list(serialize.chunks(merged.nt, merged.graph_of, 1, breaks))
    assert b"".join(c.lines for c in parts) == merged.nt and b"".join(c.graphs for c in parts) == merged.graph_of
    subjects = [{line.split(b" ", 1)[0] for line in c.lines.splitlines()} for c in parts]
    assert all(len(s) == 1 for s in subjects) and len(parts) == len({s for c in subjects for s in c})
    for c in parts:
        assert len(c.quads) == c.lines.count(b"\n")
        kinds = {kind(line) for line in c.lines.splitlines()}
        assert len(kinds) == 1, kinds


def kind(line: bytes) -> bytes:
    """Which writer of the Turtle writes a line: Oxigraph (a blank node; a claim, entity or reference) or rdflib."""
    return next((p for p in (b"_:", *serialize.DATA_SUBJECTS) if line.startswith(p)), b"rdflib")


def test_turtle_of_blank_nodes_only():
    """The blank nodes' lines may start the text: a nesting one goes to rdflib's part, a leaf to Oxigraph's."""
    p = f"<{prefix_map()['mscsle']}p>".encode()
    nt = b"_:a " + p + b" _:b .\n_:b " + p + b' "x" .\n_:c ' + p + b' "y" .\n'
    ttl = serialize.turtle_from_ntriples(nt)
    assert b"_:c " in ttl and b"_:a" not in ttl  # the leaf under its label; the nested ones written by rdflib
    back = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(ttl, format=ox.RdfFormat.TURTLE))
    ours = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    for ds in (back, ours):
        ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    assert back == ours
