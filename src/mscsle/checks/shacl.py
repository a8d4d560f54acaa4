"""SHACL validation of the built graph against shapes/, with a structured report (pySHACL underneath)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from mscsle.curation.input_files import read_turtle

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    shape: str
    path: str
    message: str


@dataclass
class Report:
    conforms: bool
    graph: Graph
    text: str

    @property
    def violations(self) -> list[Violation]:
        g = self.graph
        out = []
        for r in g.subjects(RDF.type, SH.ValidationResult):
            out.append(
                Violation(
                    str(g.value(r, SH.focusNode)),
                    str(g.value(r, SH.sourceShape)),
                    str(g.value(r, SH.resultPath) or ""),
                    str(g.value(r, SH.resultMessage) or ""),
                )
            )
        return sorted(out, key=lambda v: (v.shape, v.focus, v.path, v.message))


def load_shapes(shapes_dir: Path) -> Graph:
    g = Graph()
    for f in sorted(shapes_dir.glob("*.ttl")):
        g += read_turtle(f, f"{shapes_dir.name}/{f.name}")  # a syntax error: exit 2 naming the file and line
    return g


def validate(data: Graph, shapes: Graph) -> Report:
    """Validate without inference: the data graph already holds the ontology's class hierarchy."""
    conforms, results, text = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False
    )
    return Report(bool(conforms), results, text)
