"""serialize.canonical: blank-node labels that depend on the graph only (same graph, same bytes), and a result
isomorphic to its input, on the real ontology and on random graphs with trees, shared nodes, cycles and twins."""

from __future__ import annotations

import random
from collections.abc import Iterable

import pytest
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.compare import isomorphic
from rdflib.term import Node

from mscsle.project import Project
from mscsle.release import serialize
from mscsle.release.pipeline import read_ontology

EX = Namespace("http://example.org/")
Triples = list[tuple[Node, Node, Node]]


def relabelled(triples: Iterable[tuple[Node, Node, Node]], rng: random.Random) -> Graph:
    """The same triples, every blank node given a fresh random label, added in a shuffled order."""
    names: dict[Node, BNode] = {}

    def fresh(n: Node) -> Node:
        if not isinstance(n, BNode):
            return n
        return names.setdefault(n, BNode(f"r{rng.getrandbits(64):x}"))

    rows = [(fresh(s), p, fresh(o)) for s, p, o in triples]
    rng.shuffle(rows)
    g = Graph()
    for t in rows:
        g.add(t)
    return g


def labels(g: Graph) -> set[str]:
    return {str(n) for t in g for n in t if isinstance(n, BNode)}


def assert_canonical(g: Graph, seed: int) -> Graph:
    """canonical(g) is isomorphic to g, and any relabelling of g gives the same N-Triples bytes."""
    out = serialize.canonical(g)
    assert len(out) == len(g)
    assert isomorphic(out, g)
    nt = serialize.ntriples(out)
    rng = random.Random(seed)
    for _ in range(3):
        assert serialize.ntriples(serialize.canonical(relabelled(g, rng))) == nt
    return out


@pytest.fixture(scope="module")
def ontology(project: Project) -> Graph:
    g = read_ontology(project)
    for module in sorted((project.root / "ontology" / "imports").glob("*.ttl")):
        g.parse(module, format="turtle")
    return g


def test_the_ontology_is_canonical_and_labelled_as_trees(ontology: Graph):
    """The ontology's restrictions, lists and axioms are trees: all labelled by their hashes ("h"), none left
    to RDFC-1.0 ("c14n"), and the result is isomorphic and independent of the parser's labels."""
    assert len(labels(ontology)) > 100
    out = assert_canonical(ontology, 1)
    assert all(label.startswith("h") and len(label) == 33 for label in labels(out))


def test_equal_restrictions_on_two_classes_stay_two():
    """Two classes with the same restriction: two blank nodes, labelled apart by their place."""
    g = Graph()
    for cls in (EX.A, EX.B):
        r = BNode()
        g.add((cls, EX.subClassOf, r))
        g.add((r, EX.onProperty, EX.p))
        g.add((r, EX.someValuesFrom, EX.C))
    out = assert_canonical(g, 2)
    assert len(labels(out)) == 2


def test_an_edit_changes_the_labels_of_its_own_tree_only(ontology: Graph):
    """Diff-friendly: changing one restriction's filler relabels the blank nodes of its tree (the restriction
    and the lists or restrictions it sits in), nothing else."""
    before = labels(serialize.canonical(ontology))
    s, p, o = next(
        (s, p, o)
        for s, p, o in sorted(ontology)
        if isinstance(s, BNode) and str(p).endswith("#someValuesFrom") and not isinstance(o, BNode)
    )
    edited = Graph()
    for t in ontology:
        edited.add(t)
    edited.remove((s, p, o))
    edited.add((s, p, EX.SomethingElse))
    after = labels(serialize.canonical(edited))
    tree = {s}  # the blank nodes connected to the restriction
    while grown := {n for a, _, b in ontology for n in (a, b) if isinstance(n, BNode) and {a, b} & tree} - tree:
        tree |= grown
    assert len(before - after) == len(after - before) == len(tree) < len(before) / 10


def test_the_leaf_label_is_the_hash_of_its_triples():
    """A blank node that nothing points to and that points to no blank node: "h" + SHA-256 of its sorted
    predicate-object lines, the label release/plain_view.py gives a plain triple's axiom."""
    import hashlib

    g = Graph()
    a = BNode()
    g.add((a, EX.annotatedSource, EX.s))
    g.add((a, EX.note, Literal("x")))
    lines = "\n".join(sorted(f"{p.n3()} {o.n3()}" for _, p, o in g))
    assert labels(serialize.canonical(g)) == {"h" + hashlib.sha256(lines.encode()).hexdigest()[:32]}


def random_graph(rng: random.Random, shared: bool) -> Triples:
    """Random trees of blank nodes hanging from IRIs or from nothing, with look-alike nodes (few predicates and
    values); with `shared`, extra blank-to-blank edges that make shared nodes, cycles and twins."""
    iris = [EX[f"i{k}"] for k in range(4)]
    preds = [EX[f"p{k}"] for k in range(3)]
    values: list[Node] = [*iris, Literal("v"), Literal("w", lang="en")]
    nodes = [BNode() for _ in range(rng.randint(1, 25))]
    triples: Triples = []
    for k, b in enumerate(nodes):
        if k and rng.random() < 0.7:
            triples.append((nodes[rng.randrange(k)], rng.choice(preds), b))
        elif rng.random() < 0.5:
            triples.append((rng.choice(iris), rng.choice(preds), b))
        for _ in range(rng.randint(0, 2)):
            triples.append((b, rng.choice(preds), rng.choice(values)))
    if shared:
        for _ in range(rng.randint(1, 3)):
            triples.append((rng.choice(nodes), rng.choice(preds), rng.choice(nodes)))
    triples.append((EX.i0, EX.p0, Literal("no blank node")))
    return triples


@pytest.mark.parametrize("shared", [False, True])
def test_random_graphs_are_canonical(shared: bool):
    """Trees (the fast path) and graphs with shared nodes, cycles and identical twins (RDFC-1.0 for those parts):
    isomorphic to the input, and the same bytes whatever the input's labels and triple order."""
    rng = random.Random(18 + shared)
    kinds: set[str] = set()
    for seed in range(150):
        g = Graph()
        for t in random_graph(rng, shared):
            g.add(t)
        kinds |= {label[0] for label in labels(assert_canonical(g, seed))}
    assert kinds == {"h", "c"}  # both ways of labelling were used (twins occur in random trees too)
