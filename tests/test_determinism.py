"""Determinism and round trips, beyond test_build.py: all RDF artifacts (N-Quads and TriG included) are one graph
to a second parser, the graph read back is written byte for byte as built, and a build does not depend on the
machine's environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from mscsle.release import serialize

ARTIFACTS = {
    "mscsle.ttl": ox.RdfFormat.TURTLE,
    "mscsle.nt": ox.RdfFormat.N_TRIPLES,
    "mscsle.owl": ox.RdfFormat.RDF_XML,
    "mscsle.jsonld": ox.RdfFormat.JSON_LD,
    "mscsle.nq": ox.RdfFormat.N_QUADS,
    "mscsle.trig": ox.RdfFormat.TRIG,
}


def canonical_triples(path: Path, fmt: ox.RdfFormat) -> ox.Dataset:
    """The artifact's triples as Oxigraph reads them (a dataset's graphs merged), blank nodes canonically named."""
    ds = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(path=path, format=fmt))
    ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return ds


def test_all_formats_are_isomorphic_to_a_second_parser(dist: Path):
    """Read by Oxigraph (test_build.py reads them with rdflib): Turtle, N-Triples, RDF/XML, JSON-LD and the union
    of the N-Quads and TriG graphs are one and the same graph."""
    turtle = canonical_triples(dist / "mscsle.ttl", ox.RdfFormat.TURTLE)
    assert len(turtle) > 1000
    for name, fmt in ARTIFACTS.items():
        assert canonical_triples(dist / name, fmt) == turtle, f"{name} differs from mscsle.ttl"


def test_serialising_is_idempotent(dist: Path):
    """The graph read back from mscsle.ttl is written as exactly the same Turtle, N-Triples, RDF/XML and JSON-LD."""
    g = serialize.canonical(Graph().parse(dist / "mscsle.ttl", format="turtle"))
    assert serialize.turtle(g) == (dist / "mscsle.ttl").read_bytes()
    nt = serialize.ntriples(g)
    assert nt == (dist / "mscsle.nt").read_bytes()
    assert serialize.rdfxml(nt) == (dist / "mscsle.owl").read_bytes()
    assert serialize.jsonld(g) == (dist / "mscsle.jsonld").read_bytes()


def test_build_does_not_depend_on_the_environment(project, dist: Path, tmp_path: Path):
    """Another process, hash seed, time zone, locale, working folder and output path: the same bytes as `dist`."""
    out = tmp_path / "elsewhere" / "deeper" / "out"
    env = {
        **os.environ,
        "PYTHONHASHSEED": "4242",
        "TZ": "Pacific/Kiritimati",
        "LC_ALL": "C",
        "LANG": "C",
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
    }
    subprocess.run(
        [sys.executable, "-m", "mscsle", "--root", str(project.root), "build", "--out", str(out)],
        check=True,
        env=env,
        cwd="/",
        capture_output=True,
    )
    names = sorted(str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    for name in names:
        assert (out / name).read_bytes() == (dist / name).read_bytes(), name
