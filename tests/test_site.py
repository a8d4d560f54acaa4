"""The documentation site (`mscsle docs`): its content agrees with the graph, it works offline, and it is deterministic.

The expected values are read from the built graph with rdflib, independently of the site's own queries. Graphviz
(`dot`) and Chromium are Debian packages that .ci/run installs: without them these tests skip with the reason,
except under CI (CI=true), where a missing program is a failure, so that CI never skips them silently.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef

from mscsle.cli import main
from mscsle.model import vocab
from mscsle.model.prefixes import converter, sparql_prologue
from mscsle.model.vocab import IAO_DEFINITION
from mscsle.query.stored import load_store
from mscsle.release.pipeline import assemble, build
from mscsle.site import render_site

from .conftest import FIXTURES, ROOT, make_project

ENTITY = str(vocab.ENTITY)
SVG = "{http://www.w3.org/2000/svg}"
CHROMIUM = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def require(*programs: str) -> str:
    """The path of the first program found; skip (fail under CI) when none is installed."""
    for p in programs:
        if path := shutil.which(p):
            return path
    reason = f"{' or '.join(programs)} not installed (Debian: apt-get install {programs[0]}; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def graph(dist: Path) -> Graph:
    return Graph().parse(dist / "mscsle.nt", format="nt")


@pytest.fixture(scope="session")
def site(dist: Path, project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site rendered from the built artifacts and written to a folder, as a browser opens it."""
    require("dot")
    out = tmp_path_factory.mktemp("site")
    for name, data in render_site((dist / "mscsle.nt").read_bytes(), project).items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out


def select(g: Graph, query: str) -> list[tuple[str, ...]]:
    prologue = (
        "PREFIX mscsle: <https://w3id.org/mscsle/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX obo: <http://purl.obolibrary.org/obo/> "
    )
    return [tuple(str(v) if v is not None else "" for v in row) for row in g.query(prologue + query)]


def claim_ids(g: Graph) -> set[str]:
    return {r[0] for r in select(g, "SELECT ?i WHERE { ?c a mscsle:Claim ; mscsle:claim_id ?i }")}


def entity_ids(g: Graph) -> dict[str, str]:
    rows = select(g, "SELECT ?id ?l WHERE { ?e mscsle:entity_id ?id ; rdfs:label ?l }")
    return dict(rows)


def eid(g: Graph, iri: str) -> str:
    """The registry id of an entity IRI (a project IRI or the external term the entity is)."""
    return str(g.value(URIRef(iri), URIRef("https://w3id.org/mscsle/entity_id")))


class Page(HTMLParser):
    """What the tests read from a page: rows of the claims tables, links, resources, headings and text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.rows: list[dict[str, str]] = []  # attributes of each <tr id="claim-..."> with "_text" and "_h2"
        self.links: list[str] = []
        self.resources: list[tuple[str, str]] = []  # (tag, url) that the browser would load
        self.h1 = self.h2 = ""
        self.text: list[str] = []
        self._row: dict[str, str] | None = None
        self._heading: str | None = None
        self._svg_depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "tr" and a.get("id", "").startswith("claim-"):
            self._row = {**a, "_text": "", "_h2": self.h2}
            self.rows.append(self._row)
        if tag in ("h1", "h2"):
            self._heading = tag
            setattr(self, tag, "")
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("script", "img", "iframe", "embed", "source", "audio", "video") and a.get("src"):
            self.resources.append((tag, a["src"]))
        if tag == "link" and "stylesheet" in a.get("rel", "") or tag == "object" and a.get("data"):
            self.resources.append((tag, a.get("href") or a.get("data", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr":
            self._row = None
        if tag == self._heading:
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._row is not None:
            self._row["_text"] += data
        if self._heading:
            setattr(self, self._heading, getattr(self, self._heading) + data)


def read(site: Path, name: str) -> Page:
    return Page((site / name).read_text(encoding="utf-8"))


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------- content


def test_every_claim_is_a_row_of_the_claims_browser(site: Path, graph: Graph):
    page = read(site, "claims.html")
    ids = [r["id"].removeprefix("claim-") for r in page.rows]
    assert len(ids) == len(set(ids)), "a claim appears twice"
    assert set(ids) == claim_ids(graph)
    quotes = dict(select(graph, "SELECT ?i ?q WHERE { ?c mscsle:claim_id ?i ; mscsle:quote ?q }"))
    for row in page.rows:
        assert norm(quotes[row["id"].removeprefix("claim-")]) in norm(row["_text"]), row["id"]


def test_claim_rows_carry_what_the_graph_says(site: Path, graph: Graph):
    rows = {r["id"].removeprefix("claim-"): r for r in read(site, "claims.html").rows}
    facts = select(
        graph,
        """
        SELECT ?i ?s ?o ?ce ?el ?r (GROUP_CONCAT(STR(?x); separator=" ") AS ?ctx)
               (GROUP_CONCAT(STR(?n); separator=" ") AS ?sp) WHERE {
          ?c mscsle:claim_id ?i ; mscsle:has_subject ?s ; mscsle:has_object ?o ;
             mscsle:has_certainty ?ce ; mscsle:has_relation ?r .
          OPTIONAL { ?c mscsle:has_evidence_level ?el }
          OPTIONAL { ?c mscsle:in_cell_context|mscsle:via|mscsle:in_model ?x }
          OPTIONAL { ?c mscsle:in_species/<http://www.w3.org/2004/02/skos/core#notation> ?n } }
        GROUP BY ?i ?s ?o ?ce ?el ?r""",
    )

    def local(iri):
        return iri.rsplit("/", 1)[-1]

    assert len(facts) == len(rows) > 0  # every claim of the graph, each a row
    for cid, s, o, ce, el, r, ctx, sp in facts:
        row = rows[cid]
        # every role counts: subject, object, then cell context, mediator and model
        assert row["data-entities"].split()[:2] == [eid(graph, s), eid(graph, o)]
        assert set(row["data-entities"].split()) == {
            eid(graph, s),
            eid(graph, o),
            *(eid(graph, URIRef(x)) for x in ctx.split()),
        }
        # species: the record's values (human, mouse), "none" where the review names none
        assert (sorted(row["data-species"].split()), row["data-certainty"]) == (
            sorted(set(sp.split())) or ["none"],
            local(ce),
        )
        assert row["data-evidence"] == (local(el) if el else "none")
        assert row["data-relation"] == local(r)
    refs = Counter(cid for (cid,) in select(graph, "SELECT ?i WHERE { ?c mscsle:claim_id ?i ; mscsle:cites ?r }"))
    assert refs
    html = (site / "claims.html").read_text(encoding="utf-8")
    for cid, n in refs.items():
        row_html = html.split(f'<tr id="claim-{cid}"', 1)[1].split("</tr>", 1)[0]
        assert len(set(re.findall(r'href="references\.html#ref-(\d+)"', row_html))) == n, cid


def test_every_entity_has_its_page(site: Path, graph: Graph):
    entities = entity_ids(graph)
    assert len(entities) > 100
    assert {p.stem for p in (site / "entity").glob("*.html")} == set(entities)
    for eid, label in entities.items():
        assert read(site, f"entity/{eid}.html").h1 == label, eid


def test_entity_page_lists_its_claims_as_subject_and_as_object(site: Path, graph: Graph):
    for eid in ("OAZ", "CCL2", "MSC"):
        page = read(site, f"entity/{eid}.html")
        iri = f"<{graph.value(predicate=URIRef('https://w3id.org/mscsle/entity_id'), object=Literal(eid))}>"
        as_subject = {
            r for (r,) in select(graph, f"SELECT ?i WHERE {{ ?c mscsle:claim_id ?i ; mscsle:has_subject {iri} }}")
        }
        as_object = {
            r for (r,) in select(graph, f"SELECT ?i WHERE {{ ?c mscsle:claim_id ?i ; mscsle:has_object {iri} }}")
        }
        shown = {}
        for row in page.rows:
            shown.setdefault(row["_h2"].split(" as ")[-1].split(" (")[0], set()).add(row["id"].removeprefix("claim-"))
        assert as_subject and shown.get("subject", set()) == as_subject, eid
        assert shown.get("object", set()) == as_object, eid


def test_entity_page_shows_synonyms_and_external_identifiers(site: Path, graph: Graph):
    synonyms = select(
        graph,
        """SELECT ?e ?s WHERE { ?e <http://www.geneontology.org/formats/oboInOwl#hasExactSynonym> ?s ;
                                 mscsle:entity_id ?id }""",
    )
    assert synonyms
    for e, syn in synonyms:
        assert norm(syn) in norm(" ".join(read(site, f"entity/{eid(graph, e)}.html").text)), (e, syn)
    mappings = select(
        graph,
        """SELECT ?e ?t WHERE { ?e ?p ?t ; mscsle:entity_id ?id
                                 FILTER(STRSTARTS(STR(?p), 'http://www.w3.org/2004/02/skos/core#') && STRENDS(STR(?p), 'Match')) }""",
    )
    assert mappings, "the graph has no skos:*Match of an entity"
    for e, target in mappings:
        page = read(site, f"entity/{eid(graph, e)}.html")
        assert target in page.links and (converter().compress(target) or target) in page.text, (e, target)


def test_mappings_in_the_graph_appear_on_the_entity_page(mini, tmp_path: Path):
    """Any skos:*Match the graph holds is shown (issue 4 adds them); here one is added to a tiny graph."""
    require("dot")
    built = assemble(mini, None)
    g = Graph().parse(data=built.files["mscsle.nt"], format="nt")
    g.add(
        (
            URIRef("http://identifiers.org/hgnc/10618"),  # CCL2 is HGNC:10618; here it gets a close match
            URIRef("http://www.w3.org/2004/02/skos/core#closeMatch"),
            URIRef("http://purl.obolibrary.org/obo/CL_0000084"),
        )
    )
    files = render_site(g.serialize(format="nt", encoding="utf-8"), mini)
    page = Page(files["entity/CCL2.html"].decode("utf-8"))
    assert "http://purl.obolibrary.org/obo/CL_0000084" in page.links
    assert "CL:0000084" in page.text and "has close match" in page.text


def test_every_internal_link_and_resource_resolves(site: Path):
    """Every relative link leads to a file of the site, and its fragment to an element there (or is a filter)."""
    ids: dict[Path, set[str]] = {}
    assert len(list(site.rglob("*.html"))) > 10
    for html in sorted(site.rglob("*.html")):
        page = read(site, str(html.relative_to(site)))
        for url in page.links + [u for _, u in page.resources]:
            parts = urlsplit(url)
            if parts.scheme:
                continue
            target = (html.parent / unquote(parts.path)).resolve() if parts.path else html
            assert target.is_file(), f"{html.relative_to(site)}: {url}"
            if parts.fragment and "=" not in parts.fragment:
                if target not in ids:
                    ids[target] = set(re.findall(r'\bid="([^"]+)"', target.read_text(encoding="utf-8")))
                assert unquote(parts.fragment) in ids[target], f"{html.relative_to(site)}: {url}"


def test_pages_load_nothing_from_the_network(site: Path):
    """Offline: no page loads a script, stylesheet, font or picture from elsewhere (links to read are fine)."""
    for html in sorted(site.rglob("*.html")):
        page = read(site, str(html.relative_to(site)))
        remote = [(t, u) for t, u in page.resources if urlsplit(u).scheme not in ("", "data")]
        assert not remote, f"{html.relative_to(site)} loads {remote}"
        assert "@import" not in html.read_text(encoding="utf-8")
    css = (site / "style.css").read_text(encoding="utf-8")
    assert "url(" not in css and "@import" not in css


def test_ontology_reference_documents_the_ontology(site: Path, graph: Graph):
    page = read(site, "ontology.html")
    text = norm(" ".join(page.text))
    ((title, version, license_),) = select(
        graph,
        "SELECT ?t ?v ?l WHERE { ?o a owl:Ontology ; "
        "<http://purl.org/dc/terms/title> ?t ; owl:versionInfo ?v ; <http://purl.org/dc/terms/license> ?l }",
    )
    assert title in text and version in text and license_ in text
    terms = select(
        graph,
        """SELECT ?l ?d WHERE { { ?t a owl:Class } UNION { ?t a owl:ObjectProperty } UNION { ?t a owl:DatatypeProperty }
                             ?t rdfs:label ?l ; obo:IAO_0000115 ?d FILTER(STRSTARTS(STR(?t), 'https://w3id.org/mscsle/')) }""",
    )
    assert len(terms) > 80
    for label, definition in terms:
        assert label in text and norm(definition) in text, label


def test_ontology_reference_writes_class_expressions_in_manchester_syntax(site: Path, graph: Graph):
    """pyLODE alone shows anonymous classes as blank-node ids or not at all; the page spells them out."""
    html = (site / "ontology.html").read_text(encoding="utf-8")
    assert not re.search(r'href="N[0-9a-f]{32}"', html), "a blank node shown as a link"
    text = norm(" ".join(read(site, "ontology.html").text))
    assert "mscsle:is_subject_of some (mscsle:Claim and (mscsle:in_section value mscsle:section_table1))" in text
    defined = select(graph, "SELECT ?c WHERE { ?c owl:equivalentClass ?e FILTER(isBlank(?e)) }")
    assert len(defined) >= 4
    for (iri,) in defined:
        block = html[html.index(f"<code>{iri}</code>") :]
        row = block[block.index("owl#equivalentClass") : block.index("</tr>", block.index("owl#equivalentClass"))]
        assert norm(re.sub(r"<[^>]+>", " ", row.split("</th>", 1)[1])), f"{iri}: empty equivalent class"


@pytest.mark.parametrize("build_of", ["review", "mini"])
def test_ontology_terms_are_the_ontology_without_the_data(build_of: str, dist: Path, tmp_path: Path):
    """The site's ontology part (queries/site/ontology-terms.rq): every triple the built graph has of each term
    ontology/mscsle.ttl describes and of its class expressions, and nothing of the data (the claims, references, the
    project's entities, the owl:Axiom notes on plain triples and mappings). The mini build maps no entity to MONDO:
    its disease states are MONDO terms that nothing declares."""
    if build_of == "mini":
        build(make_project(tmp_path, FIXTURES / "mini"), tmp_path / "dist")
        dist = tmp_path / "dist"
    graph = Graph().parse(dist / "mscsle.nt", format="nt")
    store = load_store((dist / "mscsle.nt").read_bytes())
    query = sparql_prologue() + (ROOT / "queries" / "site" / "ontology-terms.rq").read_text(encoding="utf-8")
    got = Graph().parse(data=ox.serialize(store.query(query), format=ox.RdfFormat.N_TRIPLES), format="nt")
    ontology = Graph().parse(ROOT / "ontology" / "mscsle.ttl")
    for term in {s for s in ontology.subjects() if isinstance(s, URIRef)}:
        built = {(p, o) for p, o in graph.predicate_objects(term) if not isinstance(o, BNode)}
        built -= {(RDF.type, OWL.NamedIndividual)} if (term, RDFS.subPropertyOf, None) in ontology else set()
        assert built <= set(got.predicate_objects(term)), term
    defined = [o for o in graph.objects(None, OWL.equivalentClass) if isinstance(o, BNode)]
    expressions = [o for o in got.objects(None, OWL.equivalentClass) if isinstance(o, BNode)]
    assert len(expressions) == len(defined) > 0 and all((e, None, None) in got for e in expressions)
    assert all(str(d) for d in got.objects(None, SKOS.definition))
    assert set(got.objects(None, SKOS.definition)) == set(got.objects(None, IAO_DEFINITION))
    generated = (ENTITY, str(vocab.CLAIM), str(vocab.REF))
    assert not [s for s in got.subjects() if isinstance(s, URIRef) and s.startswith(generated)]
    assert (None, RDF.type, OWL.Axiom) in graph and (None, RDF.type, OWL.Axiom) not in got


def test_table1_factors_each_have_a_picture(site: Path, graph: Graph):
    factors = {
        eid(graph, s)
        for (s,) in select(
            graph, "SELECT DISTINCT ?s WHERE { ?c mscsle:in_section mscsle:section_table1 ; mscsle:has_subject ?s }"
        )
    }
    assert len(factors) == 14
    page = read(site, "factors.html")
    for f in factors:
        svg = ET.parse(site / f"factor-{f}.svg").getroot()
        nodes = {n.findtext(f"{SVG}title") for n in svg.iter(f"{SVG}g") if n.get("class") == "node"}
        assert f in nodes
        assert (site / f"factor-{f}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"#{f}" in page.links and f"entity/{f}.html" in page.links
    direct = {
        eid(graph, r[0])
        for r in select(
            graph,
            "SELECT DISTINCT ?s WHERE { ?c mscsle:in_section mscsle:section_table1 ; "
            "mscsle:has_subject ?s ; mscsle:has_evidence_level mscsle:direct_evidence }",
        )
    }
    assert direct == {"OAZ", "Pbx1-d", "p16INK4A"}


def test_full_network_picture_has_every_claim(site: Path, graph: Graph):
    svg = ET.parse(site / "network-full.svg").getroot()
    groups = [g for g in svg.iter(f"{SVG}g")]
    nodes = {g.findtext(f"{SVG}title") for g in groups if g.get("class") == "node"} - {"legend"}
    involved = {
        eid(graph, e)
        for row in select(
            graph, "SELECT ?s ?o WHERE { ?c a mscsle:Claim ; mscsle:has_subject ?s ; mscsle:has_object ?o }"
        )
        for e in row
    }
    assert nodes == involved
    edges = [g for g in groups if g.get("class") == "edge"]
    triples = set(
        select(
            graph,
            "SELECT ?s ?r ?o WHERE { ?c a mscsle:Claim ; mscsle:has_subject ?s ; mscsle:has_relation ?r ; mscsle:has_object ?o }",
        )
    )
    assert len(edges) == len(triples)
    tooltips = " ".join(a.get("{http://www.w3.org/1999/xlink}title", "") for e in edges for a in e.iter(f"{SVG}a"))
    assert claim_ids(graph) <= set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", tooltips))
    # inhibits-like edges end in a bar (tee), drawn red; hedged ones are dashed
    assert any(p.get("stroke") == "#cf222e" and p.get("stroke-dasharray") for e in edges for p in e.iter(f"{SVG}path"))
    inline = (site / "network.html").read_text(encoding="utf-8")
    ET.fromstring(inline[inline.index("<svg") : inline.index("</svg>") + len("</svg>")])  # the embedded copy parses too
    png = (site / "network.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") > 1000


def test_labels_are_escaped_everywhere(mini, tmp_path: Path):
    """A label with markup is shown as text on the pages and in the pictures, never interpreted."""
    require("dot")
    tsv = mini.entities
    tsv.write_text(
        tsv.read_text(encoding="utf-8").replace(
            "\tCCL2\tChemokine", "\tCCL2 <script>alert('x')</script> & co\tChemokine"
        ),
        encoding="utf-8",
    )
    table = mini.mappings  # CCL2 as a project term, so that the label shown is the curator's
    table.write_text(
        table.read_text(encoding="utf-8").replace(
            "mscsle.entity:CCL2\texact\thgnc:10618\tCCL2\t", "mscsle.entity:CCL2\tunmapped\t\t\ta test: no term"
        ),
        encoding="utf-8",
    )
    files = render_site(assemble(mini, None).files["mscsle.nt"], mini)
    for name, data in files.items():
        if name.endswith((".html", ".svg")):
            assert b"<script>alert" not in data, name
    page = Page(files["entity/CCL2.html"].decode("utf-8"))
    assert page.h1 == "CCL2 <script>alert('x')</script> & co"
    svg = ET.fromstring(files["network-full.svg"])
    (node,) = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "node" and g.findtext(f"{SVG}title") == "CCL2"]
    drawn = "".join(t.text or "" for t in node.iter(f"{SVG}text"))  # wrapped over lines
    assert drawn.replace(" ", "") == "CCL2<script>alert('x')</script>&co"


def test_docs_command_is_deterministic_and_writes_the_png(project, dist: Path, tmp_path: Path):
    """Two `mscsle docs` runs with different hash seeds give byte-identical sites; --png writes the picture."""
    require("dot")
    for seed in ("1", "2"):  # one after the other: pyLODE caches its background vocabularies on first use
        cmd = [
            sys.executable,
            "-m",
            "mscsle",
            "--root",
            str(project.root),
            "docs",
            "--dist",
            str(dist),
            "--out",
            str(tmp_path / f"site{seed}"),
            "--png",
            str(tmp_path / f"network{seed}.png"),
        ]
        run = subprocess.run(cmd, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, timeout=600)
        assert run.returncode == 0, run.stderr.decode()
        assert not run.stderr.strip(), f"unexpected output on stderr: {run.stderr.decode()[:500]}"
    a, b = tmp_path / "site1", tmp_path / "site2"
    names = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file())
    assert "claims.html" in names and "ontology.html" in names
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (tmp_path / "network1.png").read_bytes() == (a / "network.png").read_bytes()


def test_readme_shows_the_network_picture():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/network.png)" in readme and "mscsle docs --png docs/network.png" in readme
    png = (ROOT / "docs" / "network.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") > 1000


# --------------------------------------------------------------------------- the claims browser in a browser


# Headless Chromium, offline and quiet: no first-run, sync, update or background network traffic
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def dump_dom(chromium: str, page: Path, fragment: str, profile: Path) -> str:
    """The page's DOM after its scripts ran, from headless Chromium opening it from the file system."""
    url = page.resolve().as_uri() + ("#" + fragment if fragment else "")
    cmd = [chromium, *HEADLESS, f"--user-data-dir={profile}", "--dump-dom", url]
    done = subprocess.run(cmd, capture_output=True, timeout=120, text=True)
    assert done.returncode == 0 and "<tbody>" in done.stdout, done.stderr[-2000:]
    return done.stdout


def visible_rows(dom: str) -> tuple[int, int, str]:
    """(visible rows, all rows, the page's own count) of the claims table in a dumped DOM."""
    page = Page(dom)
    shown = [r for r in page.rows if "hidden" not in r]
    count = re.search(r'<output id="count"[^>]*>(\d+)</output>', dom)
    return len(shown), len(page.rows), count.group(1) if count else ""


@pytest.mark.parametrize(
    "fragment, query",
    [
        ("species=mouse", "?c mscsle:in_species <http://purl.obolibrary.org/obo/NCBITaxon_10090>"),
        (
            "entity=OAZ&certainty=hedged",
            "{ ?c mscsle:has_subject <http://identifiers.org/hgnc/16762> } UNION "
            "{ ?c mscsle:has_object <http://identifiers.org/hgnc/16762> } ?c mscsle:has_certainty mscsle:hedged",
        ),
    ],
)
def test_claims_browser_filters_in_chromium(site: Path, graph: Graph, tmp_path: Path, fragment: str, query: str):
    chromium = require(*CHROMIUM)
    prologue = "PREFIX mscsle.entity: <https://w3id.org/mscsle/entity/> "
    ((expected,),) = select(
        graph, prologue + f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a mscsle:Claim . {query} }}"
    )
    total = len(claim_ids(graph))
    assert 0 < int(expected) < total
    shown, rows, count = visible_rows(dump_dom(chromium, site / "claims.html", fragment, tmp_path / "profile"))
    assert rows == total
    assert shown == int(expected), f"#{fragment}: {shown} rows visible, the graph has {expected} such claims"
    assert count == expected


def test_claims_browser_without_filter_shows_every_row(site: Path, graph: Graph, tmp_path: Path):
    chromium = require(*CHROMIUM)
    shown, rows, count = visible_rows(dump_dom(chromium, site / "claims.html", "", tmp_path / "profile"))
    assert shown == rows == len(claim_ids(graph))
    assert count == str(rows)


# --------------------------------------------------------------------------- the command's errors


def test_docs_without_graphviz_says_what_to_install(mini, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    build(mini)
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("previous site", encoding="utf-8")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = CliRunner().invoke(main, ["--root", str(mini.root), "docs", "--out", str(out)])
    assert result.exit_code == 1
    assert "Graphviz" in result.output and "apt-get install graphviz" in result.output
    assert [p.name for p in out.iterdir()] == ["index.html"]
    assert (out / "index.html").read_text(encoding="utf-8") == "previous site"


def test_docs_without_a_build_says_to_build_first(mini, tmp_path: Path):
    result = CliRunner().invoke(main, ["--root", str(mini.root), "docs", "--out", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert f"{mini.dist / 'mscsle.nt'} does not exist; run `mscsle build` first" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "site").exists()


def test_docs_after_the_records_changed_says_the_build_is_stale(mini, tmp_path: Path):
    build(mini)
    claims = mini.claims_dir / "direct_genes.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("species: [human]", "species: [mouse]"), encoding="utf-8"
    )
    os.utime(claims, (time.time() + 5, time.time() + 5))  # later than the build, whatever the clock's resolution
    result = CliRunner().invoke(main, ["--root", str(mini.root), "docs", "--out", str(tmp_path / "site")])
    assert result.exit_code == 2
    assert f"is older than {claims}; run `mscsle build` first" in result.output
    assert not (tmp_path / "site").exists()


def test_docs_reads_the_built_graph_and_never_rebuilds(mini, tmp_path: Path):
    """With dist/ built, docs shows what dist/mscsle.nt says, even once the records could no longer be built."""
    require("dot")
    build(mini)
    claims = mini.claims_dir / "direct_genes.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("species: [human]", "species: [hamster]"), encoding="utf-8"
    )
    nt = mini.dist / "mscsle.nt"
    os.utime(nt, (time.time() + 5, time.time() + 5))  # the build is newer than the (now broken) records
    result = CliRunner().invoke(main, ["--root", str(mini.root), "docs", "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site" / "claims.html").read_text(encoding="utf-8")
    assert 'id="claim-dg-01"' in page and 'id="claim-dg-02"' in page
    assert "hamster" not in page


def test_rendering_opens_no_network_connection(mini, monkeypatch: pytest.MonkeyPatch):
    """pyLODE, Jinja2 and Graphviz work from local files only: any socket use would fail the rendering."""
    require("dot")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    nt = assemble(mini, None).files["mscsle.nt"]
    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    files = render_site(nt, mini)
    assert "ontology.html" in files and "network.svg" in files
