"""mscsle: the claims of Zhu & Feng 2018 (MSC dysfunction in SLE) as an OWL ontology and knowledge graph.

The library API lives in small modules (records, vocab, source, graph, serialize, validate, queries,
build); `mscsle.cli` is a thin command line over it.
"""

__version__ = "0.1.0"
