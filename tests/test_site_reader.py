"""What a researcher reads on the site: references as publications, the review's text with every quote in place,
a readable overview picture, counts over every role, the project's own terms first in the ontology reference."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from mscsle.query.stored import load_store
from mscsle.site import render_site
from mscsle.site.data import read_site_data
from mscsle.site.network import MAX_OVERVIEW_NODES, busiest, overview_claims

from .test_site import Page, graph, read, require, select, site  # noqa: F401  (fixtures)

FABIO = Namespace("http://purl.org/spar/fabio/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
DCTERMS = Namespace("http://purl.org/dc/terms/")
REF = "https://w3id.org/mscsle/reference/"


def citing(g: Graph, n: int) -> list[str]:
    return sorted(r[0] for r in select(g, f"SELECT ?i WHERE {{ ?c mscsle:claim_id ?i ; mscsle:cites <{REF}{n}> }}"))


@pytest.fixture(scope="module")
def with_bibliography(dist: Path, project, graph: Graph) -> dict[str, bytes]:  # noqa: F811
    """The site of a graph whose references are publications (as the term model makes them): one with every
    detail, one without PubMed id; the others keep only their number."""
    require("dot")
    g = Graph().parse(dist / "mscsle.nt", format="nt")
    cited = sorted(
        {int(r[0]) for r in select(g, "SELECT ?n WHERE { ?c mscsle:cites ?r . ?r mscsle:reference_number ?n }")}
    )
    full, partial = cited[0], cited[1]
    for n, pmid in ((full, "23456789"), (partial, "")):
        r = URIRef(f"{REF}{n}")
        g.add(
            (
                r,
                DCTERMS.title,
                Literal(f"A long title of reference {n} about mesenchymal stem cells in lupus nephritis and beyond"),
            )
        )
        g.add((r, DCTERMS.creator, Literal("Doe J")))
        g.add((r, PRISM.publicationName, Literal("Stem Cells")))
        g.add((r, FABIO.hasPublicationYear, Literal("2013")))
        g.add((r, PRISM.doi, Literal(f"10.1000/ref{n}")))
        if pmid:
            g.add((r, FABIO.hasPubMedId, Literal(pmid)))
    files = render_site(g.serialize(format="nt", encoding="utf-8"), project)
    files["_numbers"] = f"{full} {partial}".encode()
    return files


def test_claims_show_references_as_publications(with_bibliography: dict[str, bytes], graph: Graph):  # noqa: F811
    full, partial = (int(n) for n in with_bibliography["_numbers"].split())
    html = with_bibliography["claims.html"].decode("utf-8")
    for cid in citing(graph, full):
        row = html.split(f'<tr id="claim-{cid}"', 1)[1].split("</tr>", 1)[0]
        assert f"[{full}]</a> A long title of reference {full} about mesenchymal stem cells in…" in row
        assert "(2013)" in row
        assert f'href="https://doi.org/10.1000/ref{full}"' in row
        assert 'href="https://pubmed.ncbi.nlm.nih.gov/23456789/"' in row
    for cid in citing(graph, partial):
        row = html.split(f'<tr id="claim-{cid}"', 1)[1].split("</tr>", 1)[0]
        assert f'href="https://doi.org/10.1000/ref{partial}"' in row
        assert "pubmed" not in row.split(f"ref-{partial}", 1)[1].split("</span>", 1)[0]
    # every page that shows a claim citing it shows the publication: the entity pages too
    cid = citing(graph, full)[0]
    query = f'SELECT ?id WHERE {{ ?c mscsle:claim_id "{cid}" ; mscsle:has_subject ?s . ?s mscsle:entity_id ?id }}'
    (subject,) = select(graph, query)[0:1]  # entity pages are named by the registry id (the IRI may be external)
    entity_page = with_bibliography[f"entity/{subject[0]}.html"].decode("utf-8")
    assert f"A long title of reference {full}" in entity_page and "ncbi.nlm.nih.gov/23456789" in entity_page
    refs = Page(with_bibliography["references.html"].decode("utf-8"))
    assert f"doi:10.1000/ref{full}" in "".join(refs.text) and f"https://doi.org/10.1000/ref{full}" in refs.links


def test_bare_references_show_their_number(site: Path, graph: Graph):  # noqa: F811
    """Before the bibliography is filled in, a reference is its number, linked to the references page."""
    html = (site / "claims.html").read_text(encoding="utf-8")
    n = int(select(graph, "SELECT ?n WHERE { ?c mscsle:cites ?r . ?r mscsle:reference_number ?n } LIMIT 1")[0][0])
    assert f'<a href="references.html#ref-{n}">[{n}]</a>' in html
    assert f'id="ref-{n}"' in (site / "references.html").read_text(encoding="utf-8")


def _norm(text: str) -> str:
    """Quote and text compared without white space, hyphens or soft hyphens (the PDF's line breaks)."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


def test_review_page_places_every_claim(site: Path, graph: Graph):  # noqa: F811
    html = (site / "review.html").read_text(encoding="utf-8")
    quotes: dict[str, list[str]] = {}
    for cid, quote in select(graph, "SELECT ?i ?q WHERE { ?c mscsle:claim_id ?i ; mscsle:quote ?q }"):
        quotes.setdefault(cid, []).append(quote)
    marks = re.findall(r'<mark data-claims="([^"]*)">(.*?)</mark>', html, re.S)
    for cid, said in quotes.items():
        assert html.count(f'id="q-{cid}" href="claims.html#claim-{cid}"') == 1, cid  # one anchor, at its first quote
        covered = _norm(unescape(re.sub(r"<[^>]+>", "", "".join(text for ids, text in marks if cid in ids.split()))))
        # every quote of the claim is marked where it stands, and nothing else (a claim may have several quotes)
        assert all(_norm(q) in covered for q in said) and len(covered) == sum(len(_norm(q)) for q in said), cid
    claims = (site / "claims.html").read_text(encoding="utf-8")
    assert all(f'href="review.html#q-{cid}"' in claims for cid in quotes), "each claim links to its place"
    assert '[<a class="cite" href="references.html#ref-1">1</a>]' in html, "citations link to the references"
    paras = re.findall(r'<p id="para-\d+" class="para( no-claim)?">', html)
    silent = [p for p in paras if p]
    assert paras and 0 < len(silent) < len(paras)
    assert html.count('<span class="no-claim-tag">no claim</span>') == len(silent) + 1  # +1: the explanation


def test_overview_is_readable(site: Path, project, dist: Path):  # noqa: F811
    data = read_site_data(load_store((dist / "mscsle.nt").read_bytes()), project.queries_dir)
    claims = overview_claims(data)
    nodes = {e for c in claims for e in c.entities} | {f.entity for f in data.factors()}
    assert len(nodes) <= MAX_OVERVIEW_NODES
    assert {c.subject for c in claims} <= {f.entity for f in data.factors()}
    svg = (site / "network.svg").read_text(encoding="utf-8")
    drawn = set(map(unescape, re.findall(r'<g id="node\d+" class="node">\s*<title>([^<]+)</title>', svg))) - {"legend"}
    assert drawn == nodes
    assert "Table 1: direct evidence" in svg and "Table 1: indirect evidence" in svg


def test_claims_by_entity_are_every_claim_naming_it_in_order(project, dist: Path):  # noqa: F811
    """The site's index of claims by entity and role (made once) lists what a pass over all claims finds."""
    data = read_site_data(load_store((dist / "mscsle.nt").read_bytes()), project.queries_dir)
    for e in data.entities:
        assert data.claims_with_subject(e) == [c for c in data.claims if c.subject == e]
        assert data.claims_with_object(e) == [c for c in data.claims if c.object == e]
        assert data.neighbourhood(e) == [c for c in data.claims if e in c.entities]
        assert data.claims_naming(e) == [c for c in data.claims if e in c.all_entities]
        assert data.claims_in_context(e) == [c for c in data.claims if e in [x for _, x in c.context_entities]]
    assert sum(map(len, map(data.claims_in_context, data.entities))) > 0


def test_pictures_of_many_entities_draw_the_busiest(project, dist: Path):  # noqa: F811
    """A picture names at most MAX_PICTURE_NODES entities (Graphviz's layout time grows faster than the graph):
    those most claims name; below the limit it is every claim."""
    data = read_site_data(load_store((dist / "mscsle.nt").read_bytes()), project.queries_dir)
    assert busiest(data, data.claims) == data.claims  # the review: 233 claims, every one drawn
    named = Counter(e for c in data.claims for e in dict.fromkeys(c.entities))
    drawn = busiest(data, data.claims, max_nodes=10)
    entities = {e for c in drawn for e in c.entities}
    assert drawn and len(entities) <= 10
    assert min(named[e] for e in entities) >= sorted(named.values(), reverse=True)[9]
    assert all(c in drawn for c in data.claims if {c.subject, c.object} <= entities)
    around = busiest(data, data.neighbourhood("MSC"), max_nodes=5)  # an entity's own picture keeps it
    assert around and all("MSC" in c.entities for c in around)
    assert len({e for c in around for e in c.entities}) <= 5


def test_counts_include_every_role(site: Path, graph: Graph):  # noqa: F811
    """An entity named only as mediator, cell context or model is counted, not shown with 0 claims."""
    rows = select(
        graph,
        """SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE {
             ?c mscsle:in_cell_context|mscsle:via|mscsle:in_model ?e .
             FILTER NOT EXISTS { ?d mscsle:has_subject|mscsle:has_object ?e } } GROUP BY ?e""",
    )
    assert rows, "the review has entities named only in a qualifying role"
    entities = (site / "entities.html").read_text(encoding="utf-8")
    for e, n in rows:
        eid = e.rsplit("/", 1)[-1]
        assert re.search(
            rf'href="entity/{re.escape(eid)}.html">[^<]+</a> <span class="muted">[^<]*{n} claims?</span>', entities
        ), eid
        page = (site / f"entity/{eid}.html").read_text(encoding="utf-8")
        assert f">{n} in the claims browser</a>" in page


def test_ontology_reference_lists_project_terms_first(site: Path):  # noqa: F811
    html = (site / "ontology.html").read_text(encoding="utf-8")
    imported = html.index('<section id="imported-terms"')
    assert "<details>" in html[imported:]
    assert "https://w3id.org/mscsle/Claim" in html[:imported]
    iri = "http://purl.obolibrary.org/obo/CL_0000134"  # CL's mesenchymal stem cell, imported
    assert f"<code>{iri}</code>" not in html[:imported], "an imported term among the project's"
    assert f'<a href="{iri}"><code>CL:0000134</code></a>' in html[imported:]
