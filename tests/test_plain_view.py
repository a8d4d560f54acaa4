"""The honest plain-triple view: only stated claims about more than mice give a plain triple in the release; each
plain triple names the claims behind it in an OWL axiom annotation that rdflib and Oxigraph read; hedged and
mouse-only triples sit in the named graphs of dist/mscsle-opt-in.nq, never in the release's own artifacts."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, Dataset, Graph, Literal, URIRef

from mscsle.cli import main
from mscsle.curation.records import Claim, load
from mscsle.model.prefixes import sparql_prologue
from mscsle.model.vocab import CLAIM, MSCSLE, Vocab
from mscsle.project import Project
from mscsle.release.named_graphs import graph_iri
from mscsle.release.pipeline import project_entity_iris
from mscsle.release.plain_view import DEFAULT, HEDGED, MOUSE_ONLY, species_of, view_of

from .conftest import ROOT

IRIS = project_entity_iris(Project(ROOT))
GRAPH_HEDGED, GRAPH_MOUSE = graph_iri(HEDGED), graph_iri(MOUSE_ONLY)


@pytest.fixture(scope="module")
def claims(project: Project) -> dict[str, Claim]:
    vocab = Vocab.from_ontology(Graph().parse(project.ontology))
    return {c.id: c for c in load(project.root, project.entities, project.claims_dir, vocab).claims}


@pytest.fixture(scope="module")
def release(dist: Path) -> Graph:
    """The release as rdflib reads its Turtle."""
    return Graph().parse(dist / "mscsle.ttl", format="turtle")


@pytest.fixture(scope="module")
def opt_in(dist: Path) -> Dataset:
    ds = Dataset()
    ds.parse(dist / "mscsle-opt-in.nq", format="nquads")
    return ds


def _triple(c: Claim) -> tuple[URIRef, URIRef, URIRef]:
    return IRIS[c.subject], MSCSLE[c.relation], IRIS[c.object]


def _claims_quoting(claims: dict[str, Claim], words: str, relation: str) -> list[Claim]:
    """The claims with `relation` whose quote holds `words` (found by the review's text, not by an id); one at least."""
    quotes = lambda c: (c.quote,) if isinstance(c.quote, str) else tuple(c.quote)  # noqa: E731
    found = [c for c in claims.values() if c.relation == relation and any(words in q for q in quotes(c))]
    assert found, f"no {relation} claim quotes {words!r}"
    return found


def _supporters(g: Graph, triple: tuple[URIRef, URIRef, URIRef]) -> set[str]:
    """The claim ids that the axiom annotations of `triple` in `g` name."""
    s, p, o = triple
    return {
        str(claim).removeprefix(str(CLAIM))
        for axiom in g.subjects(OWL.annotatedSource, s)
        if (axiom, RDF.type, OWL.Axiom) in g
        and (axiom, OWL.annotatedProperty, p) in g
        and (axiom, OWL.annotatedTarget, o) in g
        for claim in g.objects(axiom, MSCSLE.supported_by)
    }


# Hedged findings and the review's own speculation: the object must not be a plain fact of the release.
HEDGED_EXAMPLES = [
    # "Therefore, p16INK4A may cripple the function of SLE MSCs by both the induction of cell senescence ..." (the
    # review's conclusion: speculative)
    ("p16INK4A may cripple the function of SLE MSCs", "inhibits", "may"),
    # "Decreased expression of PD-1 may impair MSC suppression of p38, ERK, and Akt phosphorylation ... [23]" (hedged)
    ("Decreased expression of PD-1 may impair MSC suppression of p38", "inhibits", "may"),
    # "TNF-α could increase MSC migration and invasion via activation of the nuclear factor kappa-light-chain ..."
    ("TNF-α could increase MSC migration", "promotes", "could"),
]


@pytest.mark.parametrize(("words", "relation", "cue"), HEDGED_EXAMPLES)
def test_hedged_object_is_only_reached_through_its_claim(release, opt_in, claims, words, relation, cue):
    for c in _claims_quoting(claims, words, relation):
        _hedged_claim_is_apart(c, claims, release, opt_in, cue)


def _hedged_claim_is_apart(c: Claim, claims: dict[str, Claim], release: Graph, opt_in: Dataset, cue: str) -> None:
    s, p, o = _triple(c)
    assert c.certainty in ("hedged", "speculative") and cue in (c.hedge or "")
    assert not [d for d in claims.values() if view_of(d) == DEFAULT and _triple(d) == (s, p, o)], "stated elsewhere"
    # absent from the default plain-triple view ...
    assert (s, p, o) not in release
    assert not _supporters(release, (s, p, o))
    # ... present through the claim, with its certainty and cue
    node = CLAIM[c.id]
    assert (node, MSCSLE.has_subject, s) in release and (node, MSCSLE.has_object, o) in release
    assert (node, MSCSLE.has_certainty, MSCSLE[c.certainty]) in release
    assert (node, MSCSLE.hedge_cue, Literal(c.hedge)) in release
    # ... and in the hedged-triples graph shipped apart, annotated with the claim
    hedged = opt_in.graph(URIRef(GRAPH_HEDGED))
    assert (s, p, o) in hedged and c.id in _supporters(hedged, (s, p, o))


def test_mouse_only_finding_sits_in_its_own_graph(release, opt_in, claims):
    # "murine MSCs secrete nitric oxide (NO) to inhibit T-cell production"
    (c,) = _claims_quoting(claims, "murine MSCs secrete nitric oxide", "secretes")
    assert c.certainty == "stated" and species_of(c) == {"mouse"}
    triple = _triple(c)
    assert triple not in release
    mouse = opt_in.graph(URIRef(GRAPH_MOUSE))
    assert triple in mouse and _supporters(mouse, triple) >= {c.id}
    assert triple not in opt_in.graph(URIRef(GRAPH_HEDGED))


def test_every_plain_triple_has_stated_claims_behind_it(release, claims):
    """Each relation triple of the release is annotated; every claim behind it is stated and not mouse-only, and
    it says what the triple says; every such claim gives its triple."""
    relations = {MSCSLE[c.relation] for c in claims.values()}
    plain = {(s, p, o) for s, p, o in release if p in relations}
    assert len(plain) > 100
    for triple in plain:
        behind = _supporters(release, triple)
        assert behind, f"{triple} has no supporting claim"
        for cid in behind:
            assert view_of(claims[cid]) == DEFAULT, f"{cid} is not a stated claim beyond mice"
            assert _triple(claims[cid]) == triple
    assert plain == {_triple(c) for c in claims.values() if view_of(c) == DEFAULT}


def test_opt_in_graphs_hold_exactly_the_other_claims(opt_in, claims):
    for view, iri in ((HEDGED, GRAPH_HEDGED), (MOUSE_ONLY, GRAPH_MOUSE)):
        g = opt_in.graph(URIRef(iri))
        expected = {c.id for c in claims.values() if view_of(c) == view}
        assert expected, view
        annotated = {str(o).removeprefix(str(CLAIM)) for o in g.objects(None, MSCSLE.supported_by)}
        assert annotated == expected
    names = {str(g.identifier) for g in opt_in.graphs() if len(g)}
    assert names == {GRAPH_HEDGED, GRAPH_MOUSE}


def test_oxigraph_reads_the_annotations(dist: Path, claims):
    """A SPARQL user finds the claims behind a plain triple, and their quotes, in the release as it is."""
    store = ox.Store()
    store.bulk_load(path=dist / "mscsle.nq", format=ox.RdfFormat.N_QUADS)
    query = (
        sparql_prologue()
        + """
        SELECT ?s ?p ?o ?claim WHERE {
          ?axiom a owl:Axiom ; owl:annotatedSource ?s ; owl:annotatedProperty ?p ; owl:annotatedTarget ?o ;
                 mscsle:supported_by ?claim .
          ?s ?p ?o .
          ?claim mscsle:has_certainty mscsle:stated .
        }"""
    )
    rows = list(store.query(query, use_default_graph_as_union=True))
    expected = {c.id for c in claims.values() if view_of(c) == DEFAULT}
    assert {r["claim"].value.removeprefix(str(CLAIM)) for r in rows} == expected


def test_opt_in_triples_stay_out_of_every_release_artifact(dist: Path, opt_in, claims):
    """The hedged and mouse-only plain triples that no stated claim gives are in none of nt, OWL and nq."""
    relations = {MSCSLE[c.relation] for c in claims.values()}
    nt = Graph().parse(dist / "mscsle.nt", format="nt")
    owl = Graph().parse(dist / "mscsle.owl", format="xml")
    extra = {t for g in (GRAPH_HEDGED, GRAPH_MOUSE) for t in opt_in.graph(URIRef(g)) if t[1] in relations}
    only_there = {t for t in extra if t not in nt}
    assert len(only_there) > 20
    assert not {t for t in only_there if t in owl}
    quads = (dist / "mscsle.nq").read_text(encoding="utf-8")
    assert GRAPH_HEDGED not in quads and GRAPH_MOUSE not in quads


def test_stats_reports_each_view(project: Project, release, opt_in, claims):
    """`mscsle stats` counts the claims and plain triples of each view: the same numbers as the release's files."""
    result = CliRunner().invoke(main, ["--root", str(project.root), "stats"])
    assert result.exit_code == 0, result.output
    relations = {MSCSLE[c.relation] for c in claims.values()}
    shipped = {
        DEFAULT: {t for t in release if t[1] in relations},
        HEDGED: {t for t in opt_in.graph(URIRef(GRAPH_HEDGED)) if t[1] in relations},
        MOUSE_ONLY: {t for t in opt_in.graph(URIRef(GRAPH_MOUSE)) if t[1] in relations},
    }
    for view, triples in shipped.items():
        n = sum(view_of(c) == view for c in claims.values())
        assert re.search(rf"\n{view} +{n} +{len(triples)}\n", result.output), (view, n, len(triples), result.output)
