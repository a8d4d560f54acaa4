"""The ontology reference page, written by pyLODE (the field's OWL documentation tool) from the ontology's own metadata.

pyLODE is given the ontology part of the built graph (queries/site/ontology-terms.rq): header, classes,
properties and controlled values, without the generated entities and claims. It works offline: it reads only
that graph and its own bundled background vocabularies, and its stylesheet is inlined into the page.
pyLODE shows an anonymous class expression (a restriction, an intersection, an enumeration) as a bare blank-node
id, or not at all; so each one is handed to it written out in Manchester syntax, as Protégé shows it.
"""

from __future__ import annotations

import logging

import pyoxigraph as ox
from rdflib import OWL, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from mscsle.model.prefixes import converter, prefix_map, sparql_prologue
from mscsle.project import Project

RESTRICTIONS = (
    (OWL.someValuesFrom, "some"),
    (OWL.allValuesFrom, "only"),
    (OWL.hasValue, "value"),
    (OWL.minQualifiedCardinality, "min"),
    (OWL.maxQualifiedCardinality, "max"),
    (OWL.qualifiedCardinality, "exactly"),
    (OWL.minCardinality, "min"),
    (OWL.maxCardinality, "max"),
    (OWL.cardinality, "exactly"),
)
CONNECTIVES = ((OWL.intersectionOf, " and "), (OWL.unionOf, " or "))


def _import_ontpub() -> type:
    """pyLODE's OntPub; pyLODE sets the root logger to DEBUG when first imported, which is undone here."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    from pylode import OntPub

    root.setLevel(level)
    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
    return OntPub


def manchester(g: Graph, node: Node) -> str:
    """A class expression in Manchester syntax, with CURIEs (`mscsle:in_species value mscsle:mouse`)."""
    if not isinstance(node, BNode):
        return (converter().compress(str(node)) or f"<{node}>") if isinstance(node, URIRef) else node.n3()

    def nested(n: Node) -> str:
        text = manchester(g, n)
        return f"({text})" if isinstance(n, BNode) and " " in text and not text.startswith("{") else text

    prop = g.value(node, OWL.onProperty)
    if prop is not None:
        for pred, word in RESTRICTIONS:
            value = g.value(node, pred)
            if value is not None:
                filler = g.value(node, OWL.onClass)
                tail = f" {nested(filler)}" if filler is not None else ""
                shown = str(value) if isinstance(value, Literal) else nested(value)
                return f"{manchester(g, prop)} {word} {shown}{tail}"
    for pred, word in CONNECTIVES:
        members = g.value(node, pred)
        if members is not None:
            return word.join(nested(m) for m in Collection(g, members))
    if (members := g.value(node, OWL.oneOf)) is not None:
        return "{" + ", ".join(manchester(g, m) for m in Collection(g, members)) + "}"
    if (other := g.value(node, OWL.complementOf)) is not None:
        return f"not {nested(other)}"
    return "(anonymous class expression)"


def ontology_terms(store: ox.Store, project: Project) -> Graph:
    """The ontology alone, as pyLODE's input: the project's prefixes, class expressions in Manchester syntax."""
    query = sparql_prologue() + (project.queries_dir / "site" / "ontology-terms.rq").read_text(encoding="utf-8")
    parsed = Graph().parse(data=ox.serialize(store.query(query), format=ox.RdfFormat.N_TRIPLES), format="nt")
    g = Graph(bind_namespaces="core")
    for prefix, uri in prefix_map().items():
        g.bind(prefix, uri)
    for s, p, o in parsed:
        if isinstance(s, BNode):
            continue  # parts of class expressions and lists, or axioms pyLODE does not show (AllDisjointClasses)
        g.add((s, p, Literal(manchester(parsed, o)) if isinstance(o, BNode) else o))
    return g


def reference_html(terms: Graph) -> tuple[str, dict[str, str]]:
    """pyLODE's OntPub page (one self-contained HTML document, stylesheet included) and its anchors (IRI -> id)."""
    doc = _import_ontpub()(ontology=terms, sort_subjects=True)
    html = doc.make_html(include_css=True)
    return html, dict(doc.fids)
