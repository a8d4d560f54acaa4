"""The ontology reference page, written by pyLODE (the field's OWL documentation tool) from the ontology's own metadata.

pyLODE is given the ontology part of the built graph (queries/site/ontology-terms.rq): header, classes,
properties and controlled values, without the generated entities and claims. It works offline: it reads only
that graph and its own bundled background vocabularies, and its stylesheet is inlined into the page.
pyLODE shows an anonymous class expression (a restriction, an intersection, an enumeration) as a bare blank-node
id, or not at all; so each one is handed to it written out in Manchester syntax, as Protégé shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, FOAF
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
    triples = store.query(query)
    if not isinstance(triples, ox.QueryTriples):
        raise TypeError("queries/site/ontology-terms.rq must be a CONSTRUCT query")
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    parsed = Graph().parse(data=nt, format="nt")
    g = Graph(bind_namespaces="core")
    for prefix, uri in prefix_map().items():
        g.bind(prefix, uri)
    for s, p, o in parsed:
        if isinstance(s, BNode):
            continue  # parts of class expressions and lists, or axioms pyLODE does not show (AllDisjointClasses)
        g.add((s, p, Literal(manchester(parsed, o)) if isinstance(o, BNode) else o))
    return g


PROJECT = "https://w3id.org/mscsle/"
DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")


@dataclass(frozen=True)
class ImportedTerm:
    iri: str
    curie: str
    label: str
    kind: str  # class, object property, ...
    definition: str


def _is_imported(g: Graph, s: Node) -> bool:
    return isinstance(s, URIRef) and not str(s).startswith(PROJECT) and (s, RDF.type, OWL.Ontology) not in g


def imported_terms(terms: Graph) -> list[ImportedTerm]:
    """The external terms the ontology imports (CL, GO, HGNC, ...), by label: listed after the project's own."""
    kinds = {
        OWL.Class: "class",
        OWL.ObjectProperty: "object property",
        OWL.AnnotationProperty: "annotation property",
        OWL.DatatypeProperty: "datatype property",
        OWL.NamedIndividual: "individual",
    }
    out = []
    for s in {s for s in terms.subjects(RDF.type, None) if _is_imported(terms, s)}:
        kind = next((k for t, k in kinds.items() if (s, RDF.type, t) in terms), "")
        if not kind:
            continue
        label = str(terms.value(s, RDFS.label) or "")
        definition = str(terms.value(s, DEFINITION) or "")
        out.append(ImportedTerm(str(s), converter().compress(str(s)) or str(s), label, kind, definition))
    return sorted(out, key=lambda t: (t.label.casefold(), t.iri))


def _imported_section(imported: list[ImportedTerm]) -> str:
    """A collapsed list of the imported terms, closing the page."""
    rows = "".join(
        f'<tr><td>{escape(t.label)}</td><td><a href="{escape(t.iri)}"><code>{escape(t.curie)}</code></a></td>'
        f"<td>{escape(t.kind)}</td><td>{escape(t.definition)}</td></tr>"
        for t in imported
    )
    return (
        '<section id="imported-terms" style="font:14px sans-serif;margin:2em 1em">'
        f'<details><summary style="font-size:1.3em;cursor:pointer">Imported terms ({len(imported)}): the external '
        "terms the project's classes, values and relations map to (MIREOT modules of ontology/imports/)</summary>"
        '<table style="border-collapse:collapse" border="1" cellpadding="4"><thead><tr><th>label</th><th>IRI</th>'
        f"<th>kind</th><th>definition</th></tr></thead><tbody>{rows}</tbody></table></details></section>"
    )


def reference_html(terms: Graph, imported: Sequence[ImportedTerm] = ()) -> tuple[str, dict[str, str]]:
    """pyLODE's OntPub page of the project's own terms (one self-contained HTML document, stylesheet included),
    the imported terms collapsed after them, and the page's anchors (IRI -> id)."""
    own = Graph(bind_namespaces="core")
    for prefix, uri in terms.namespaces():
        own.bind(prefix, uri, replace=True)
    for s, p, o in terms:
        if _is_imported(terms, s):
            continue
        if p == DCTERMS.creator and isinstance(o, URIRef) and (name := terms.value(o, FOAF.name)) is not None:
            o = name  # pyLODE writes an agent node as JSON-LD in hash-seed order; its name reads the same, stably
        own.add((s, p, o))
    doc = _import_ontpub()(ontology=own, sort_subjects=True)
    html = doc.make_html(include_css=True)
    if imported:
        html = html.replace("</body>", _imported_section(list(imported)) + "\n</body>", 1)
    return html, dict(doc.fids)
