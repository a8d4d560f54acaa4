"""Ready-made triplestore set-ups shipped in dist/triplestore/: an Apache Jena Fuseki configuration and an Oxigraph one.

Both serve dist/mscsle.nq read-only with the union of its named graphs (ontology, data, inferred) as the default
graph, so that every stored query runs as it is; without that setting a query with no `GRAPH` sees an empty
default graph and answers nothing. dist/mscsle.nt is the same triples in the default graph, for stores without
such a setting. tests/test_triplestore_configs.py loads the release with each set-up and compares every stored query
with `mscsle query`.

The default view stays honest because the set-ups load mscsle.nq only: the plain triples of hedged and of
mouse-only claims are in dist/mscsle-opt-in.nq, which a user loads on purpose (then the union default graph holds
them too; the QC query queries/qc/unsupported_plain_triple.rq lists them).
"""

from __future__ import annotations

FUSEKI = "triplestore/fuseki-mscsle.ttl"
OXIGRAPH = "triplestore/oxigraph-serve.sh"
TDB2_LOCATION = "databases/mscsle"

FUSEKI_CONFIG = f"""\
# Apache Jena Fuseki (4.x/5.x) configuration for the mscsle release: one read-only service, /mscsle,
# over a TDB2 database whose default graph is the union of the named graphs of mscsle.nq.
# mscsle.nq holds only what the review states about more than mice alone; the plain triples of hedged and of
# mouse-only claims are in mscsle-opt-in.nq: load it too (tdb2.tdbloader ... mscsle.nq mscsle-opt-in.nq) only if
# you want them in the default graph; its graphs are .../graph/hedged-triples and .../graph/mouse-only-triples.
#
# From the release folder (dist/), with Apache Jena's command-line tools and Fuseki on PATH:
#   tdb2.tdbloader --loc {TDB2_LOCATION} mscsle.nq
#   fuseki-server --config triplestore/fuseki-mscsle.ttl
# then query http://localhost:3030/mscsle/sparql (or /mscsle/query); the stored queries in queries/ run as they are.
# Without Fuseki, the same database answers on the command line:
#   tdb2.tdbquery --tdb triplestore/fuseki-mscsle.ttl --query ../queries/mouse-claims.rq

@prefix fuseki: <http://jena.apache.org/fuseki#> .
@prefix ja: <http://jena.hpl.hp.com/2005/11/Assembler#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix tdb2: <http://jena.apache.org/2016/tdb#> .

<https://w3id.org/mscsle/triplestore/fuseki#server>
    a fuseki:Server ;
    fuseki:services ( <https://w3id.org/mscsle/triplestore/fuseki#service> ) .

# Read-only: SPARQL query and Graph Store Protocol reads only; no update, no upload.
<https://w3id.org/mscsle/triplestore/fuseki#service>
    a fuseki:Service ;
    rdfs:label "mscsle (read-only)" ;
    fuseki:name "mscsle" ;
    fuseki:endpoint [ fuseki:operation fuseki:query ] ;
    fuseki:endpoint [ fuseki:operation fuseki:query ; fuseki:name "sparql" ] ;
    fuseki:endpoint [ fuseki:operation fuseki:query ; fuseki:name "query" ] ;
    fuseki:endpoint [ fuseki:operation fuseki:gsp-r ; fuseki:name "get" ] ;
    fuseki:dataset <https://w3id.org/mscsle/triplestore/fuseki#dataset> .

# The default graph is the union of the named graphs (ontology, data): queries without GRAPH see everything.
<https://w3id.org/mscsle/triplestore/fuseki#dataset>
    a tdb2:DatasetTDB2 ;
    tdb2:location "{TDB2_LOCATION}" ;
    tdb2:unionDefaultGraph true .
"""

OXIGRAPH_SCRIPT = """\
#!/bin/sh
# Oxigraph server for the mscsle release: load mscsle.nq into a store, then serve it read-only on this machine
# with the union of the named graphs (ontology, data, inferred) as the default graph, so the stored queries run as
# they are. Only mscsle.nq is loaded: the plain triples of hedged and of mouse-only claims (mscsle-opt-in.nq) join
# the default graph only if you load them on purpose: oxigraph load --location STORE --file mscsle-opt-in.nq
# Run from the release folder (dist/):  sh triplestore/oxigraph-serve.sh [STORE_DIR] [PORT]
# (the `oxigraph` command: `pip install oxigraph`, or https://github.com/oxigraph/oxigraph/releases)
# then query http://127.0.0.1:7878/query
set -eu
store="${1:-oxigraph-store}"
port="${2:-7878}"
oxigraph load --location "$store" --file mscsle.nq
exec oxigraph serve-read-only --location "$store" --bind "127.0.0.1:$port" --union-default-graph
"""


def triplestore_files() -> dict[str, bytes]:
    """dist/ name -> content of each set-up (fixed text: the same bytes every build)."""
    return {FUSEKI: FUSEKI_CONFIG.encode("utf-8"), OXIGRAPH: OXIGRAPH_SCRIPT.encode("utf-8")}
