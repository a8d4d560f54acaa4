"""dist/mscsle.nq and dist/mscsle.trig: the same triples as mscsle.nt, each in its named graph."""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from mscsle.model.vocab import ENTITY, MSCSLE
from mscsle.release import serialize
from mscsle.release.named_graphs import (
    DATA,
    GRAPH_BASE,
    INFERRED,
    NAMES,
    ONTOLOGY,
    build,
    file_core,
    graph_iri,
    read_nquads,
    with_graph,
)


@pytest.fixture(scope="module")
def graphs(dist: Path) -> dict[str, Graph]:
    ds = Dataset()
    ds.parse(dist / "mscsle.nq", format="nquads")
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def test_nquads_hold_exactly_the_three_named_graphs(graphs):
    """The hedged and mouse-only plain triples are not among them: they ship apart (tests/test_plain_view.py)."""
    assert set(graphs) == {graph_iri(ONTOLOGY), graph_iri(DATA), graph_iri(INFERRED)}


def test_union_of_named_graphs_is_the_merged_graph(dist: Path):
    nt = set((dist / "mscsle.nt").read_text(encoding="utf-8").splitlines()) - {""}
    named = read_nquads((dist / "mscsle.nq").read_bytes())
    lines = [set(named[n].decode("utf-8").splitlines()) - {""} for n in NAMES]
    assert set().union(*lines) == nt
    assert sum(map(len, lines)) == len(nt), "a triple is in two graphs"


def test_with_graph_merges_a_graph_into_the_sorted_order():
    """The build adds the materialised memberships after the rest: the lines stay sorted, each triple once, and
    the result is what one build of the three graphs gives."""
    p = URIRef("http://e/p")
    onto = [(URIRef("http://e/b"), p, Literal(1)), (URIRef("http://e/d"), p, Literal(2))]
    data = [(URIRef("http://e/f"), p, Literal(3))]
    extra = [(URIRef("http://e/a"), p, Literal(0)), (URIRef("http://e/e"), p, Literal(9)), onto[1]]
    extra += [onto[0], data[0], (URIRef("http://e/z"), p, Literal(5)), (URIRef("http://e/c"), p, Literal(3))]
    g = with_graph(build({ONTOLOGY: onto, DATA: data}), INFERRED, extra)
    once = build({ONTOLOGY: onto, DATA: data, INFERRED: extra})
    assert g.nt == once.nt == serialize.ntriples(onto + data + extra)
    assert g.quads == once.quads and g.graph_of == once.graph_of
    assert g.lines() == once.lines() and len(g.lines()[graph_iri(INFERRED)]) == 4
    assert g.graphs == once.graphs and len(g) == 7
    assert with_graph(build({ONTOLOGY: []}), DATA, data).nt == serialize.ntriples(data)  # into nothing


@pytest.mark.parametrize("seed", range(20))
def test_with_graph_finds_each_line_among_its_subjects_lines(seed: int):
    """The merge looks for an added line among the lines of its subject (contiguous in the sorted lines), or by a
    binary search where the subject has none yet: on random graphs whose subjects are prefixes of one another
    (<http://e/a>, <http://e/a1>, ...) and often share lines, it gives what one build of the three graphs gives."""
    rng = random.Random(seed)
    nodes = [URIRef(f"http://e/{n}") for n in ("a", "a1", "a10", "a2", "b", "b/c", "ba", "c")] + [BNode("hb1")]
    preds = [RDF.type, RDFS.label, URIRef("http://e/p")]

    def triples(n: int) -> list[tuple]:
        return [
            (rng.choice(nodes), rng.choice(preds), rng.choice([*nodes[:-1], Literal(rng.randint(0, 3))]))
            for _ in range(n)
        ]

    onto, data, extra = triples(rng.randint(0, 12)), triples(rng.randint(0, 30)), triples(rng.randint(0, 25))
    extra += rng.sample(onto + data, min(3, len(onto + data)))  # lines filed already are not repeated
    g = with_graph(build({ONTOLOGY: onto, DATA: data}), INFERRED, extra)
    once = build({ONTOLOGY: onto, DATA: data, INFERRED: extra})
    assert g.nt == once.nt and g.graph_of == once.graph_of and g.iris == once.iris


def test_built_quads_are_the_lines():
    """The quads the writers read (parsed from the lines when first asked) are the triples given, in the lines'
    order, each in its graph."""
    s, p = URIRef("http://e/s"), URIRef("http://e/p")
    onto = [(s, p, Literal("b")), (s, p, BNode("hb1")), (s, p, Literal("2", datatype=URIRef("http://e/d")))]
    data = [(URIRef("http://e/a"), p, Literal("é", lang="fr"))]
    g = build({ONTOLOGY: onto, DATA: data})
    assert sorted(map(str, g.quads)) == [str(q) for q in g.quads]
    assert set(g.quads) == {ox.Quad(*map(serialize.oxigraph_term, t)) for t in onto + data}  # type: ignore[misc]
    assert [q.subject for q in g.graphs[graph_iri(DATA)]] == [ox.NamedNode("http://e/a")]
    assert ox.BlankNode("hb1") in {q.object for q in g.graphs[graph_iri(ONTOLOGY)]}  # labels kept
    assert list(g.triples()) == g.quads


def test_trig_is_the_same_dataset(dist: Path):
    a = Dataset()
    a.parse(dist / "mscsle.nq", format="nquads")
    b = Dataset()
    b.parse(dist / "mscsle.trig", format="trig")
    for name in NAMES:
        iri = graph_iri(name)
        assert isomorphic(a.graph(iri), b.graph(iri)), name
    assert "@prefix mscsle.graph: <https://w3id.org/mscsle/graph/>" in (dist / "mscsle.trig").read_text(
        encoding="utf-8"
    )


def test_ontology_and_data_are_apart(graphs):
    onto, data = graphs[graph_iri(ONTOLOGY)], graphs[graph_iri(DATA)]
    assert (None, RDF.type, OWL.Ontology) in onto and (None, OWL.versionIRI, None) in onto
    assert (MSCSLE.Claim, RDF.type, OWL.Class) in onto and (None, RDF.type, MSCSLE.Claim) not in onto
    claims = set(data.subjects(RDF.type, MSCSLE.Claim))
    assert len(claims) > 100
    assert (None, RDF.type, OWL.Class) not in data and (None, RDF.type, OWL.Ontology) not in data


def test_entity_mappings_are_data(graphs):
    """The mappings of entities (and their axiom annotations) are filed with the entities, those of the
    ontology's own terms with the ontology: each graph can be reloaded alone with what it says."""
    onto, data = graphs[graph_iri(ONTOLOGY)], graphs[graph_iri(DATA)]
    entities = set(data.subjects(MSCSLE.entity_id, None))  # project IRIs and the external terms entities are
    assert any(not str(e).startswith(str(ENTITY)) for e in entities)
    matches = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, MSCSLE.unmapped_reason)
    in_data = [s for p in matches for s in data.subjects(p, None)]
    assert len(in_data) > 50 and all(s in entities for s in in_data)
    assert not [s for p in matches for s in onto.subjects(p, None) if s in entities]
    assert any(s not in entities for p in matches for s in onto.subjects(p, None))  # the ontology terms' own
    axioms = set(data.subjects(RDF.type, OWL.Axiom))
    assert axioms and all(data.value(a, OWL.annotatedSource) in entities for a in axioms)
    assert all(onto.value(a, OWL.annotatedSource) not in entities for a in onto.subjects(RDF.type, OWL.Axiom))


def test_file_core_files_axiom_annotations_with_their_source():
    e, term, axiom = ENTITY["X"], MSCSLE["Y"], BNode("a1")
    target = URIRef("http://purl.obolibrary.org/obo/GO_1")
    core = [
        (term, RDF.type, OWL.Class),
        (term, SKOS.exactMatch, target),
        (e, SKOS.broadMatch, target),
        (axiom, RDF.type, OWL.Axiom),
        (axiom, OWL.annotatedSource, e),
        (axiom, RDFS.comment, Literal("why")),
    ]
    onto, data = file_core(core)
    assert onto == core[:2] and data == core[2:]


def test_build_files_each_triple_once_in_sorted_order():
    """A triple that both graphs would hold stays in the first (the ontology); N-Triples lines are sorted and
    are what Oxigraph's own writer makes of the same triples."""
    s, p = URIRef("http://e/s"), URIRef("http://e/p")
    shared = (s, p, Literal('ä "q"\n', lang="en"))
    onto = [(s, p, URIRef("http://e/z")), shared]
    data = [(URIRef("http://e/a"), p, Literal(1)), shared, (URIRef("http://e/a"), p, Literal(1))]
    g = build({ONTOLOGY: onto, DATA: data})
    assert len(g) == 3
    assert g.nt == serialize.ntriples(onto + data)
    assert g.nt == b"".join(sorted(ox.serialize(g.quads, format=ox.RdfFormat.N_TRIPLES).splitlines(True)))
    named = read_nquads(serialize.nquads(g.lines()))
    assert named[ONTOLOGY] == serialize.ntriples(onto) and named[DATA] == serialize.ntriples(data[:1])


def test_nquads_and_trig_are_as_oxigraph_writes_them(dist: Path):
    """The build lays out N-Quads and TriG itself (so that each triple is one object, not two): byte for byte
    what Oxigraph's own writers make of the same quads."""
    nq = (dist / "mscsle.nq").read_bytes()
    quads = list(ox.parse(nq, format=ox.RdfFormat.N_QUADS))
    assert ox.serialize(quads, format=ox.RdfFormat.N_QUADS) == nq
    trig = (dist / "mscsle.trig").read_text(encoding="utf-8").splitlines(True)
    head = [line for line in trig if line.startswith("@prefix ")]
    prefixes = dict(line.removeprefix("@prefix ").removesuffix(" .\n").split(": ", 1) for line in head)
    theirs = ox.serialize(
        quads, format=ox.RdfFormat.TRIG, prefixes={p: u.strip("<>") for p, u in prefixes.items()}
    ).decode("utf-8")
    lines = theirs.splitlines(True)
    assert sorted(line for line in lines if line.startswith("@prefix ")) == sorted(head)  # Oxigraph's own order
    assert [line for line in lines if not line.startswith("@prefix ")] == trig[len(head) :]


def test_read_nquads_refuses_foreign_graphs():
    foreign = b"<http://e/s> <http://e/p> <http://e/o> <http://example.org/other> .\n"
    with pytest.raises(ValueError, match=f"expected graphs under {GRAPH_BASE}"):
        read_nquads(foreign)
