"""The build's memory: Python's cyclic garbage collector paused while it runs, and freed memory given back.

The pipeline allocates millions of small objects that reference counting alone frees (YAML nodes, claim records,
RDF terms, triples); the cyclic collector's repeated passes over the growing heap cost more than the work itself
at scale (at 100k claims: reading the records 3.5x, generating the graph 2x slower). Paused, little is lost: the
few cycles (rdflib's graphs) are collected by the second process between its jobs (`give_back_memory`).
"""

from __future__ import annotations

import ctypes
import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """As a context manager or a decorator (`@paused_gc()`); nested uses leave the collector as they found it."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def give_back_memory(collect: bool = False) -> None:
    """Return freed memory to the system (glibc's malloc_trim; nothing where there is none), after a collection of
    the cycles if `collect` (the second process between jobs: what a job's rdflib graphs held). Oxigraph's store is
    filled by its threads, and glibc keeps what they free for their own reuse: at 100k claims half a gigabyte that
    would otherwise count in the build's peak until it ends; dropping the records gives back 300 MB more."""
    if collect:
        gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, from the symbols the process has loaded already: not by ctypes.util.find_library, which
    runs ldconfig in a forked process, a copy of the build's page tables (at 100k claims a second gigabyte of
    resident memory, briefly, for whoever measures the build's processes)."""
    return getattr(ctypes.CDLL(None), "malloc_trim", None)
