"""The ontology reference page, written by pyLODE (the field's OWL documentation tool) from the ontology's own metadata.

pyLODE is given the ontology part of the built graph (queries/site/ontology-terms.rq): header, classes,
properties and controlled values, without the generated entities and claims. It works offline: it reads only
that graph and its own bundled background vocabularies, and its stylesheet is inlined into the page.
"""

from __future__ import annotations

import logging

import pyoxigraph as ox
from rdflib import Graph

from ..prefixes import prefix_map, sparql_prologue
from ..project import Project


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


def ontology_terms(store: ox.Store, project: Project) -> Graph:
    """The ontology alone, as an rdflib graph with the project's prefixes (pyLODE's input)."""
    query = sparql_prologue() + (project.queries_dir / "site" / "ontology-terms.rq").read_text(encoding="utf-8")
    nt = ox.serialize(store.query(query), format=ox.RdfFormat.N_TRIPLES)
    g = Graph(bind_namespaces="core")
    for prefix, uri in prefix_map().items():
        g.bind(prefix, uri)
    return g.parse(data=nt, format="nt")


def reference_html(terms: Graph) -> tuple[str, dict[str, str]]:
    """pyLODE's OntPub page (one self-contained HTML document, stylesheet included) and its anchors (IRI -> id)."""
    doc = _import_ontpub()(ontology=terms, sort_subjects=True)
    html = doc.make_html(include_css=True)
    return html, dict(doc.fids)
