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

from mscsle.model.vocab import ENTITY, MSCSLE
from mscsle.project import Project
from mscsle.query.stored import load_store
from mscsle.site.data import Claim, Factor, SiteData, read_site_data
from mscsle.site.network import FOCUS, Drawing, inline_svg, network
from mscsle.site.ontodoc import ontology_terms, reference_html

NAV = (
    ("index.html", "Home"),
    ("claims.html", "Claims"),
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


def _filter(
    name: str,
    label: str,
    claims: list[Claim],
    value: Callable[[Claim], tuple[str, str]],
    order: Callable[[str], object],
) -> Filter:
    counts = Counter(value(c) for c in claims)
    options = sorted(((v, lbl, n) for (v, lbl), n in counts.items()), key=lambda o: (order(o[0]), o[1]))
    return Filter(name, label, name, tuple(options))


def claim_filters(data: SiteData) -> list[Filter]:
    """Species, certainty, evidence level and section, in the ontology's order of their values."""
    rank = {v.id: i for i, v in enumerate(data.values)}
    section_order = {c.section: c.section_order for c in data.claims}

    def by_rank(v: str) -> object:
        return rank.get(v, len(rank))

    return [
        _filter("species", "species", data.claims, lambda c: (c.species, c.species_label), by_rank),
        _filter("certainty", "certainty", data.claims, lambda c: (c.certainty, c.certainty_label), by_rank),
        _filter(
            "evidence",
            "evidence level",
            data.claims,
            lambda c: (c.evidence_level, c.evidence_level_label) if c.evidence_level else NO_LEVEL,
            by_rank,
        ),
        _filter("section", "section", data.claims, lambda c: (c.section, c.section_label), section_order.get),
    ]


def _environment(data: SiteData) -> Environment:
    env = Environment(
        loader=PackageLoader("mscsle.site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    env.globals.update(ontology=data.ontology, entities=data.entities, relations=data.relations, nav=NAV)
    return env


def _with_site_nav(html: str) -> str:
    """pyLODE's page with a link bar back to the site (inline styles: the page keeps pyLODE's own stylesheet)."""
    links = " · ".join(f'<a href="{href}">{name}</a>' for href, name in NAV)
    bar = f'<nav style="font:14px sans-serif;padding:6px 12px;border-bottom:1px solid #ccc">mscsle: {links}</nav>'
    return html.replace("<body>", "<body>\n" + bar, 1)


def _factor_pictures(data: SiteData, factors: list[Factor], root: str) -> dict[str, Drawing]:
    return {
        f.entity: Drawing.layout(
            network(
                data,
                data.neighbourhood(f.entity),
                root=root,
                focus=f.entity,
                title=f"{data.entities[f.entity].label}: its claims",
                attrs=FOCUS,
            )
        )
        for f in factors
    }


def render_site(nt: bytes, project: Project) -> dict[str, bytes]:
    """Every file of the site (path -> bytes) from the N-Triples of the built graph."""
    store: ox.Store = load_store(nt)
    data = read_site_data(store, project.queries_dir)
    env = _environment(data)
    out: dict[str, bytes] = {}

    def page(path: str, template: str, root: str = "", **context: object) -> None:
        html = env.get_template(template).render(root=root, page=path, **context)
        out[path] = html.encode("utf-8")

    filters = claim_filters(data)
    factors = data.factors()
    used = data.used_entities()
    claim_counts = Counter(e for c in data.claims for e in c.entities)

    title = f"{data.ontology.review_label}: {len(data.claims)} claims, {len(used)} entities"
    overview = Drawing.layout(network(data, data.claims, title=title))
    out["network.svg"], out["network.png"] = overview.svg, overview.png
    at_root = _factor_pictures(data, factors, "")
    in_entity = _factor_pictures(data, factors, "../")
    for f in factors:
        out[f"factor-{f.entity}.svg"], out[f"factor-{f.entity}.png"] = at_root[f.entity].svg, at_root[f.entity].png

    reference, fids = reference_html(ontology_terms(store, project))
    out["ontology.html"] = _with_site_nav(reference).encode("utf-8")
    out["style.css"] = files("mscsle.site").joinpath("static/style.css").read_bytes()

    page("index.html", "index.html.j2", claims=data.claims, filters=filters, factors=factors, used_entities=len(used))
    page(
        "claims.html",
        "claims.html.j2",
        claims=data.claims,
        filters=filters,
        filter_entities=[{"id": e, "label": data.entities[e].label, "count": claim_counts[e]} for e in used],
    )
    page("network.html", "network.html.j2", picture=inline_svg(out["network.svg"]))
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
            factor=by_factor.get(eid),
            picture=inline_svg(in_entity[eid].svg) if eid in in_entity else "",
        )
    return out
