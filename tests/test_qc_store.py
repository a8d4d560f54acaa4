"""The QC store (release/pipeline.py `qc_store`) keeps the blank-node labels of the release's N-Triples.

It is filled with `Store.bulk_extend(ox.parse(lines))`, not with `Store.load` / `bulk_load`, which would be a little
cheaper at 100k claims (0.5 s CPU of ~5) but rename every blank node at random: a QC row may name a blank node (an
axiom annotation that points at a deprecated class), and its label is the key of a recorded exception
(data/qc-exceptions.tsv), so it must be the label the release itself writes.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import OWL, RDF, BNode, Literal, URIRef

from mscsle.checks.qc import run_checks
from mscsle.release.named_graphs import ONTOLOGY, build
from mscsle.release.pipeline import qc_store

ROOT = Path(__file__).resolve().parents[1]


def test_a_qc_row_names_a_blank_node_by_its_label_in_the_lines():
    old = URIRef("https://w3id.org/mscsle/OldClass")
    axiom = BNode("hb1")
    built = build(
        {
            ONTOLOGY: [
                (old, RDF.type, OWL.Class),
                (old, OWL.deprecated, Literal(True)),
                (axiom, OWL.annotatedTarget, old),
            ]
        }
    )
    assert b"_:hb1 " in built.nt
    rows = run_checks(qc_store(built), ROOT / "queries")["deprecated_class_reference"].rows
    assert rows == [("hb1", str(OWL.annotatedTarget), str(old))]
