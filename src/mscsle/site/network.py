"""Network pictures drawn with Graphviz: entities as nodes (shape and colour by kind), claims as directed edges.

An edge stands for every claim with the same subject, relation and object. Its colour and arrowhead follow
the relation's polarity (promotes-like: green arrow; inhibits-like: red bar; neutral: grey open arrow), it is
dashed when the review hedges all its claims, and it links to the claims in the claims browser.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape

import graphviz
from markupsafe import Markup

from mscsle.errors import Unavailable
from mscsle.site.data import Claim, SiteData

FONT = "DejaVu Sans"  # installed with Graphviz on Debian (fonts-dejavu-core): the same glyphs on every machine


@dataclass(frozen=True)
class NodeStyle:
    shape: str
    fill: str
    style: str = "filled"


# By top-level kind (a direct subclass of mscsle:Entity); kinds added later fall back to DEFAULT_NODE.
NODE_STYLES: dict[str, NodeStyle] = {
    "Cell": NodeStyle("ellipse", "#cfe2ff"),
    "GeneOrGeneProduct": NodeStyle("box", "#ffe8a3", "filled,rounded"),
    "GeneVariant": NodeStyle("box", "#ffd6a5", "filled,dashed"),
    "Locus": NodeStyle("cds", "#e9d8fd"),
    "MouseStrain": NodeStyle("tab", "#e9d8fd"),
    "SmallMolecule": NodeStyle("hexagon", "#c3f0ca"),
    "Pathway": NodeStyle("parallelogram", "#d3f4f0"),
    "BiologicalProcess": NodeStyle("box", "#eeeeee", "filled,rounded"),
    "Disease": NodeStyle("doubleoctagon", "#f8c4c4"),
    "Therapy": NodeStyle("house", "#d1f0ff"),
    "CellularComponent": NodeStyle("component", "#f1e7d0"),
    "Organism": NodeStyle("egg", "#e2f0cb"),
}
DEFAULT_NODE = NodeStyle("ellipse", "#ffffff")


@dataclass(frozen=True)
class EdgeStyle:
    color: str
    arrowhead: str
    name: str


# By the relation's polarity (queries/site/relations.rq: under mscsle:promotes, under mscsle:inhibits, or neither).
EDGE_STYLES: dict[str, EdgeStyle] = {
    "promotes": EdgeStyle("#1a7f37", "normal", "promotes-like"),
    "inhibits": EdgeStyle("#cf222e", "tee", "inhibits-like"),
    "neutral": EdgeStyle("#57606a", "vee", "neutral"),
}


def _text(text: str) -> str:
    """Text as Graphviz shows it literally: no escape sequence (\\N, \\l, ...) and no HTML-like label (<...>)."""
    return graphviz.escape(text)


def _tooltip(text: str) -> str:
    """Text for a tooltip: Graphviz expands escape sequences in an SVG tooltip twice, so a backslash goes in as four."""
    return graphviz.nohtml(text.replace("\\", "\\" * 4))


def _wrap(text: str, width: int = 18) -> str:
    return _text("\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text)


def _legend(data: SiteData, categories: Iterable[str]) -> str:
    """An HTML-like Graphviz label: node colours by kind, edge colours by polarity, dashes for hedged claims."""
    rows = ['<TR><TD COLSPAN="2"><B>Legend</B></TD></TR>']
    labels = {e.category: e.category_label for e in data.entities.values()}
    for cat in sorted(categories, key=lambda c: labels[c]):
        fill = NODE_STYLES.get(cat, DEFAULT_NODE).fill
        rows.append(f'<TR><TD BGCOLOR="{fill}" WIDTH="24"> </TD><TD ALIGN="LEFT">{escape(labels[cat])}</TD></TR>')
    for polarity, style in EDGE_STYLES.items():
        members = sorted(r.label for r in data.relations.values() if r.polarity == polarity)
        meaning = (
            f"{style.name}: {', '.join(members)}" if polarity != "neutral" else f"{style.name}: all other relations"
        )
        mark = "&#8867;" if style.arrowhead == "tee" else "&#8594;"
        rows.append(
            f'<TR><TD><FONT COLOR="{style.color}"><B>{mark}</B></FONT></TD>'
            f'<TD ALIGN="LEFT"><FONT COLOR="{style.color}">{escape(meaning)}</FONT></TD></TR>'
        )
    rows.append('<TR><TD>- -</TD><TD ALIGN="LEFT">dashed: hedged by the review</TD></TR>')
    return '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">' + "".join(rows) + "</TABLE>>"


# Graph attributes of the kinds of picture: the overview (factors to functions, layered); the whole review as a force-directed network (sfdp spreads a
# dense graph best), one factor's neighbourhood as a left-to-right layered drawing (dot). sfdp's spline router
# (splines=true) does not give the same curves from run to run; curved edges do.
OVERVIEW = {"layout": "sfdp", "K": "1.5", "repulsiveforce": "1.5", "overlap": "prism", "sep": "+6", "splines": "curved"}
FOCUS = {"layout": "dot", "rankdir": "LR", "nodesep": "0.25", "ranksep": "0.9"}
OVERVIEW_LAYERED = {"layout": "dot", "rankdir": "LR", "nodesep": "0.15", "ranksep": "3", "newrank": "true"}


# The kind of entity that the overview shows as what the Table 1 factors act on: the processes (MSC senescence,
# B-cell proliferation, ...), which are also the objects of Table 1's own rows.
FUNCTION_KINDS = ("BiologicalProcess",)
MAX_OVERVIEW_NODES = 60


def network(
    data: SiteData,
    claims: list[Claim],
    *,
    root: str = "",
    focus: str | None = None,
    title: str = "",
    attrs: dict[str, str] = OVERVIEW,
    clusters: dict[str, list[str]] | None = None,
    edge_labels: bool = True,
) -> graphviz.Digraph:
    """The picture of `claims`; `root` is the path from the page that shows it to the site's root folder.

    `clusters` (label -> entity ids) draws those entities in labelled boxes.
    """
    attrs = dict(attrs)
    g = graphviz.Digraph("mscsle", engine=attrs.pop("layout"))
    g.attr(
        fontname=FONT,
        label=_wrap(title, 90),
        labelloc="t",
        fontsize="20",
        bgcolor="white",
        tooltip=_tooltip(title or "mscsle"),
        outputorder="edgesfirst",
        **attrs,
    )
    g.attr("node", fontname=FONT, fontsize="11", penwidth="1", margin="0.08,0.04")
    g.attr("edge", fontname=FONT, fontsize="9", arrowsize="0.8")
    used = sorted({e for c in claims for e in c.entities}, key=lambda e: data.entities[e].label.casefold())

    def node(graph: graphviz.Digraph, eid: str) -> None:
        e = data.entities[eid]
        s = NODE_STYLES.get(e.category, DEFAULT_NODE)
        graph.node(
            eid,
            _wrap(e.label),
            shape=s.shape,
            style=s.style,
            fillcolor=s.fill,
            URL=f"{root}entity/{eid}.html",
            tooltip=_tooltip(f"{e.label} ({e.kind_label})"),
            target="_top",
            **({"penwidth": "3", "fontsize": "13"} if eid == focus else {}),
        )

    clustered = set()
    for i, (label, members) in enumerate((clusters or {}).items()):
        with g.subgraph(name=f"cluster_{i}") as sub:
            sub.attr(label=label, fontsize="14", style="rounded,filled", fillcolor="#f6f8fa", color="#d0d7de")
            for eid in members:  # drawn even without an edge here: the box lists all its members
                node(sub, eid)
                clustered.add(eid)
    for eid in used:
        if eid not in clustered:
            node(g, eid)
    edges: dict[tuple[str, str, str], list[Claim]] = {}
    for c in claims:
        edges.setdefault((c.subject, c.relation, c.object), []).append(c)
    for (s, r, o), group in sorted(edges.items()):
        rel = data.relations[r]
        st = EDGE_STYLES[rel.polarity]
        ids = ", ".join(c.id for c in group)
        g.edge(
            s,
            o,
            label=_wrap(rel.label, 16) if edge_labels else "",
            color=st.color,
            fontcolor=st.color,
            arrowhead=st.arrowhead,
            style="dashed" if all(c.hedged for c in group) else "solid",
            penwidth=str(min(1.0 + 0.5 * (len(group) - 1), 3.0)),
            URL=f"{root}claims.html#claim-{group[0].id}",
            target="_top",
            tooltip=_tooltip(f"{ids}: {data.entities[s].label} {rel.label} {data.entities[o].label}"),
        )
    categories = {data.entities[e].category for e in (*used, *clustered)}
    g.node("legend", _legend(data, categories), shape="plaintext", fontsize="10")
    return g


MAX_PICTURE_NODES = 150  # entities in one picture: what a reader can follow, and what Graphviz lays out in seconds


def busiest(data: SiteData, claims: list[Claim], max_nodes: int = MAX_PICTURE_NODES) -> list[Claim]:
    """The claims among the `max_nodes` entities that most of `claims` name as subject or object (ties in label
    order; an entity's own picture keeps it, as every one of its claims names it), in their order: all of `claims`
    where they name no more entities. Graphviz's layout time grows faster than the picture (the whole network of 10k
    synthetic claims took over ten minutes)."""
    counts = Counter(e for c in claims for e in dict.fromkeys(c.entities))
    if len(counts) <= max_nodes:
        return claims
    ranked = sorted(counts, key=lambda e: (-counts[e], data.entities[e].label.casefold(), e))
    kept = set(ranked[:max_nodes])
    return [c for c in claims if c.subject in kept and c.object in kept]


def overview_claims(data: SiteData, max_nodes: int = MAX_OVERVIEW_NODES) -> list[Claim]:
    """The claims of the overview: Table 1 factors acting on processes.

    Where that would exceed `max_nodes` labelled nodes, the targets named by the fewest claims are left out
    (the full network stays on its own page).
    """
    factors = {f.entity for f in data.factors()}
    claims = [c for c in data.claims if c.subject in factors and data.entities[c.object].category in FUNCTION_KINDS]
    targets: dict[str, int] = {}
    for c in claims:
        if c.object not in factors:
            targets[c.object] = targets.get(c.object, 0) + 1
    ranked = sorted(targets, key=lambda t: (-targets[t], data.entities[t].label.casefold()))
    kept = set(ranked[: max(max_nodes - len(factors), 0)]) | factors
    return [c for c in claims if c.object in kept]


def overview(data: SiteData) -> graphviz.Digraph:
    """A picture to read at a glance: the Table 1 factors, boxed by evidence level, and the functions they change."""
    claims = overview_claims(data)
    levels: dict[str, list[str]] = {}
    for f in data.factors():
        levels.setdefault(f"Table 1: {f.evidence_level_label}", []).append(f.entity)
    title = "What the Table 1 factors do to MSC and immune functions (claims of the review)"
    # dot stacks the boxes of this left-to-right layout bottom-up in the order they are given: reversed, the
    # direct evidence comes out on top, as in the review's Table 1
    boxes = dict(reversed(list(levels.items())))
    return network(data, claims, title=title, attrs=OVERVIEW_LAYERED, clusters=boxes, edge_labels=False)


class GraphvizMissing(Unavailable):
    """Graphviz (the `dot` program) is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "Graphviz's `dot` program was not found on PATH; install Graphviz "
            "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz)"
        )


def _pipe(source: graphviz.Source | graphviz.Digraph, fmt: str, **kwargs: object) -> bytes:
    try:
        return source.pipe(format=fmt, **kwargs)
    except graphviz.ExecutableNotFound as e:
        raise GraphvizMissing() from e


@dataclass(frozen=True)
class Drawing:
    """A picture laid out once (Graphviz's own DOT output with positions), rendered to any format."""

    laid_out: str

    @classmethod
    def layout(cls, g: graphviz.Digraph) -> Drawing:
        return cls(_pipe(g, "dot").decode("utf-8"))

    def render(self, fmt: str) -> bytes:
        """SVG or PNG bytes, drawn at the positions already computed (neato -n2)."""
        return _pipe(graphviz.Source(self.laid_out, engine="neato"), fmt, neato_no_op=2)

    @property
    def svg(self) -> bytes:
        return self.render("svg")

    @property
    def png(self) -> bytes:
        return self.render("png")


def inline_svg(svg: bytes) -> Markup:
    """The SVG document as an element to embed in HTML: without its XML declaration and DOCTYPE.

    Marked safe for the templates: Graphviz has escaped every label into the SVG's text.
    """
    text = svg.decode("utf-8")
    return Markup(text[text.index("<svg") :])
