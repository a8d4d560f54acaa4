"""The site's pages: Jinja2 templates (autoescaped) filled from SiteData, pictures from Graphviz, the ontology from pyLODE.

`render_site` returns every file as bytes keyed by its path in the site, so that writing it is one atomic step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, StrictUndefined

from mscsle.curation.review_text import ReviewText
from mscsle.model.prefixes import converter
from mscsle.model.vocab import ENTITY, MSCSLE
from mscsle.project import Project
from mscsle.query.stored import load_store
from mscsle.site.data import TABLE1, Claim, Factor, SiteData, read_site_data
from mscsle.site.network import FOCUS, MAX_PICTURE_NODES, Drawing, busiest, inline_svg, network, overview
from mscsle.site.ontodoc import imported_terms, ontology_terms, reference_html
from mscsle.site.provenance import provenance

NAV = (
    ("index.html", "Home"),
    ("claims.html", "Claims"),
    ("review.html", "Review text"),
    ("references.html", "References"),
    ("network.html", "Network"),
    ("factors.html", "Table 1"),
    ("entities.html", "Entities"),
    ("ontology.html", "Ontology"),
    ("values.html", "Values"),
)
NO_LEVEL = ("none", "not assigned")


@dataclass(frozen=True)
class Filter:
    """A filter of the claims browser: its field name in the form and the fragment, the row attribute, the options."""

    name: str
    label: str
    attribute: str  # the row's data-* attribute
    options: tuple[tuple[str, str, int], ...]  # value, label, number of claims


def _as_list(v: tuple[str, str] | list[tuple[str, str]]) -> list[tuple[str, str]]:
    return v if isinstance(v, list) else [v]


def _filter(
    name: str,
    label: str,
    claims: list[Claim],
    value: Callable[[Claim], tuple[str, str] | list[tuple[str, str]]],
    order: Callable[[str], object],
) -> Filter:
    counts = Counter(v for c in claims for v in _as_list(value(c)))
    options = sorted(((v, lbl, n) for (v, lbl), n in counts.items()), key=lambda o: (order(o[0]), o[1]))
    return Filter(name, label, name, tuple(options))


def _species(c: Claim) -> list[tuple[str, str]]:
    """A claim's species as filter options (one for each; a claim in humans and mice is found under both)."""
    labels = c.labels.get("species", "").split(", ")
    return list(zip(c.species, labels, strict=True)) if c.species else [("none", "species not stated")]


def claim_filters(data: SiteData) -> list[Filter]:
    """Relation, species, certainty, evidence level, section and Table 1 row, in the ontology's order of values."""
    rank = {v.id: i for i, v in enumerate(data.values)}
    section_order = {c.section: c.section_order for c in data.claims}
    factor_order = {f.entity: i for i, f in enumerate(data.factors())}

    def by_rank(v: str) -> object:
        return rank.get(v, len(rank))

    def table1_row(c: Claim) -> tuple[str, str]:
        if c.section == TABLE1:
            return c.subject, data.entities[c.subject].label
        return "none", "not a Table 1 row"

    return [
        _filter(
            "relation",
            "relation",
            data.claims,
            lambda c: (c.relation, data.relations[c.relation].label),
            lambda v: data.relations[v].label if v in data.relations else v,
        ),
        _filter("species", "species", data.claims, _species, by_rank),
        _filter("certainty", "certainty", data.claims, lambda c: (c.certainty, c.labels["certainty"]), by_rank),
        _filter(
            "evidence",
            "evidence level",
            data.claims,
            lambda c: (c.evidence_level, c.labels["evidence_level"]) if c.evidence_level else NO_LEVEL,
            by_rank,
        ),
        _filter("section", "section", data.claims, lambda c: (c.section, c.labels["section"]), section_order.get),
        _filter("table1", "Table 1 row", data.claims, table1_row, lambda v: factor_order.get(v, len(factor_order))),
    ]


def search_text(data: SiteData, c: Claim) -> str:
    """What the claims browser's search box matches besides the row's text: for every entity the claim names, its
    label, synonyms, CURIE and external identifiers with their labels (a gene's symbol), and the claim's id."""
    words = [c.id, f"mscsle.claim:{c.id}", f"mscsle:{c.relation}"]
    for eid in c.all_entities:
        e = data.entities[eid]
        words += [e.label, converter().compress(e.iri, passthrough=True) if e.iri else eid, *e.synonyms]
        for m in e.mappings:
            words += [m.target, m.target_label]
    return " | ".join(w for w in dict.fromkeys(words) if w)


def _environment(data: SiteData) -> Environment:
    env = Environment(
        loader=PackageLoader("mscsle.site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.globals.update(
        ontology=data.ontology,
        entities=data.entities,
        relations=data.relations,
        references=data.references,
        nav=NAV,
        search_text=lambda c: search_text(data, c),
    )
    return env


def _with_site_nav(html: str) -> str:
    """pyLODE's page with a link bar back to the site (inline styles: the page keeps pyLODE's own stylesheet)."""
    links = " · ".join(f'<a href="{href}">{name}</a>' for href, name in NAV)
    bar = f'<nav style="font:14px sans-serif;padding:6px 12px;border-bottom:1px solid #ccc">mscsle: {links}</nav>'
    return html.replace("<body>", "<body>\n" + bar, 1)


def _neighbourhood_picture(data: SiteData, eid: str, root: str) -> Drawing:
    """The picture of the claims that have the entity as subject or object (with the entities it shares the most
    claims with, where they are more than a picture holds)."""
    claims = data.neighbourhood(eid)
    title = f"{data.entities[eid].label}: its claims"
    if len(drawn := busiest(data, claims)) < len(claims):
        title += f" ({len(drawn)} of {len(claims)}: those with the {MAX_PICTURE_NODES - 1} entities most of them name)"
    return Drawing.layout(network(data, drawn, root=root, focus=eid, title=title, attrs=FOCUS))


def _factor_pictures(data: SiteData, factors: list[Factor], root: str) -> dict[str, Drawing]:
    return {f.entity: _neighbourhood_picture(data, f.entity, root) for f in factors}


def _neighbourhoods(data: SiteData, entities: list[str], root: str) -> dict[str, Drawing]:
    """Each entity's own picture: every claim that has it as subject or object."""
    return {eid: _neighbourhood_picture(data, eid, root) for eid in entities if data.neighbourhood(eid)}


def render_site(
    nt: bytes,
    project: Project,
    review: ReviewText | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> dict[str, bytes]:
    """Every file of the site (path -> bytes) from the N-Triples of the built graph.

    With the review's text (default: the project's data/review/review.txt where present) the site also shows the
    text with every claim's quote highlighted in place.
    """
    progress("reading the graph with the site's queries")
    store: ox.Store = load_store(nt)
    data = read_site_data(store, project.queries_dir)
    if review is None and project.default_source_text.is_file():
        review = ReviewText.read(project.default_source_text)
    env = _environment(data)
    out: dict[str, bytes] = {}

    def page(path: str, template: str, root: str = "", **context: object) -> None:
        html = env.get_template(template).render(root=root, page=path, **context)
        out[path] = html.encode("utf-8")

    filters = claim_filters(data)
    factors = data.factors()
    used = data.used_entities()
    claim_counts = Counter(e for c in data.claims for e in c.all_entities)
    prov = provenance(review, [s.heading for s in data.sections], data.claims) if review else None

    progress("drawing the network pictures (Graphviz)")
    title = f"{data.ontology.review_label}: {len(data.claims)} claims, {len(used)} entities"
    summary = Drawing.layout(overview(data))
    out["network.svg"], out["network.png"] = summary.svg, summary.png
    if len(drawn := busiest(data, data.claims)) < len(data.claims):
        title += f"; drawn: the {MAX_PICTURE_NODES} entities most claims name, and the {len(drawn)} claims among them"
    full = Drawing.layout(network(data, drawn, title=title))
    out["network-full.svg"], out["network-full.png"] = full.svg, full.png
    at_root = _factor_pictures(data, factors, "")
    for f in factors:
        out[f"factor-{f.entity}.svg"], out[f"factor-{f.entity}.png"] = at_root[f.entity].svg, at_root[f.entity].png
    in_entity = _neighbourhoods(data, used, "../")

    progress("writing the ontology reference (pyLODE)")
    terms = ontology_terms(store, project)
    reference, fids = reference_html(terms, imported_terms(terms))
    out["ontology.html"] = _with_site_nav(reference).encode("utf-8")
    out["style.css"] = files("mscsle.site").joinpath("static/style.css").read_bytes()

    progress("writing the pages")
    page("index.html", "index.html.j2", claims=data.claims, filters=filters, factors=factors, used_entities=len(used))
    page(
        "claims.html",
        "claims.html.j2",
        claims=data.claims,
        filters=filters,
        filter_entities=[{"id": e, "label": data.entities[e].label, "count": claim_counts[e]} for e in used],
        located=prov.located if prov else {},
    )
    cited: dict[int, list[Claim]] = {}
    for c in data.claims:
        for n in c.references:
            cited.setdefault(n, []).append(c)
    page("references.html", "references.html.j2", cited=cited)
    if prov is not None:
        by_id = {c.id: c for c in data.claims}
        page("review.html", "review.html.j2", prov=prov, by_id=by_id, review_path="data/review/review.txt")
    page(
        "network.html",
        "network.html.j2",
        picture=inline_svg(out["network.svg"]),
        full_picture=inline_svg(out["network-full.svg"]),
    )
    page(
        "factors.html",
        "factors.html.j2",
        factors=factors,
        table=[
            (level, [f for f in factors if f.evidence_level_label == level])
            for level in dict.fromkeys(f.evidence_level_label for f in factors)
        ],
        pictures={e: inline_svg(out[f"factor-{e}.svg"]) for e in at_root},
    )
    groups: dict[str, list] = {}
    for e in data.entities.values():
        groups.setdefault(e.category_label, []).append(e)
    page("entities.html", "entities.html.j2", groups=sorted(groups.items()), claim_counts=claim_counts)
    value_sets: dict[str, list] = {}
    for v in data.values:
        value_sets.setdefault(v.set_label, []).append(v)
    page(
        "values.html",
        "values.html.j2",
        value_sets=list(value_sets.items()),
        relation_counts=Counter(c.relation for c in data.claims),
    )
    by_factor = {f.entity: f for f in factors}
    for eid, e in data.entities.items():
        kind_iri = str(MSCSLE[e.kind])
        page(
            f"entity/{eid}.html",
            "entity.html.j2",
            root="../",
            e=e,
            iri=e.iri or str(ENTITY[eid]),
            kind_anchor=f"#{fids[kind_iri]}" if kind_iri in fids else "",
            as_subject=data.claims_with_subject(eid),
            as_object=data.claims_with_object(eid),
            in_context=data.claims_in_context(eid),
            all_claims=len(data.claims_naming(eid)),
            factor=by_factor.get(eid),
            picture=inline_svg(in_entity[eid].svg) if eid in in_entity else "",
            located=prov.located if prov else {},
        )
    return out
