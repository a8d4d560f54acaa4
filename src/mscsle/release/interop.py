"""The release's artifacts for the field's other tools: triplestore set-ups, nanopublications and KGX, as files."""

from __future__ import annotations

from mscsle.release.kgx_export import kgx_files
from mscsle.release.nanopubs import nanopubs_trig
from mscsle.release.quad_graph import QuadGraph
from mscsle.release.spool import Spool
from mscsle.release.triplestore_configs import triplestore_files


def interop_files(graph: QuadGraph, release: str, files: Spool) -> None:
    """Every interop artifact into `files`, from the built (validated, canonical) graph."""
    files.update(triplestore_files())
    nanopubs_trig(graph, release, files.open("nanopubs.trig"))
    files.update(kgx_files(graph))
