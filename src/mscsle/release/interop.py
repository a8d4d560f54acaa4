"""The release's artifacts for the field's other tools: triplestore set-ups, nanopublications and KGX, as files."""

from __future__ import annotations

from mscsle.release.kgx_export import kgx_files
from mscsle.release.nanopubs import nanopubs_trig
from mscsle.release.quad_graph import QuadGraph
from mscsle.release.triplestore_configs import triplestore_files


def interop_files(graph: QuadGraph, release: str) -> dict[str, bytes]:
    """dist/ name -> bytes of every interop artifact, from the built (validated, canonical) graph."""
    return {**triplestore_files(), "nanopubs.trig": nanopubs_trig(graph, release), **kgx_files(graph)}
