"""Validate KGX nodes/edges TSV with KGX's own validator, offline, against the Biolink model of `biolink-model`.

Usage: python tests/kgx_validate.py NODES.tsv EDGES.tsv   (in the environment of mscsle's `kgx` extra)
Prints "VALID nodes=<n> edges=<n>" and exits 0, or prints KGX's errors and exits 1. It also checks with bmt
what KGX's validator does not: that every edge column is a Biolink slot and the enumerated qualifiers' values.

kgx 2.7.0 downloads the Biolink model (bmt.Toolkit() at import) and Biolink's JSON-LD context at validation; here
bmt's Toolkit is given the YAML that the `biolink-model` package ships, the context is built from that package's
prefix map, and every network connection is refused, so a download attempt fails loudly instead of passing.
The project's own CURIE prefixes (mscsle.*) are declared to the validator, as KGX requires.
"""

from __future__ import annotations

import json
import socket
import sys
from importlib.resources import files


def _offline(*args: object, **kwargs: object) -> None:
    raise OSError("network access refused: the KGX validation must run offline")


socket.socket.connect = _offline  # type: ignore[method-assign]
socket.create_connection = _offline  # type: ignore[assignment]

SCHEMA = str(files("biolink_model") / "schema" / "biolink_model.yaml")
PREFIX_MAP = json.loads((files("biolink_model") / "prefixmaps" / "biolink_model_prefix_map.json").read_text())
OWN = {"mscsle": "https://w3id.org/mscsle/"}
for name in ("entity", "claim", "ref", "graph"):
    OWN[f"mscsle.{name}"] = f"https://w3id.org/mscsle/{'reference' if name == 'ref' else name}/"

import bmt  # noqa: E402
from linkml_runtime.utils.schemaview import SchemaView  # noqa: E402


def _local_toolkit(self: bmt.Toolkit, schema: object = None, predicate_map: object = None) -> None:
    """bmt.Toolkit.__init__ without downloads: the packaged model, and no predicate mapping (a table that maps
    other vocabularies' predicates onto Biolink's; validation does not use it, and no package ships it)."""
    self.view = SchemaView(SCHEMA if schema is None or str(schema).startswith("http") else schema)
    self.pmap = {}


bmt.Toolkit.__init__ = _local_toolkit  # type: ignore[method-assign]

from kgx import config  # noqa: E402

context = {**PREFIX_MAP, **OWN}
for name in ("biolink", "monarch_context", "obo_context"):
    config.jsonld_context_map[name] = context

from kgx.transformer import Transformer  # noqa: E402
from kgx.validator import Validator  # noqa: E402


def qualifier_problems(tk: bmt.Toolkit, edges: str) -> list[str]:
    """What KGX's validator leaves out: every edge column is a Biolink slot, and knowledge_level and agent_type
    hold values of Biolink's enumerations."""
    import csv

    with open(edges, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    problems = [f"column {c!r} is not a Biolink slot" for c in rows[0] if c != "id" and tk.get_element(c) is None]
    for column, enum in (("knowledge_level", "KnowledgeLevelEnum"), ("agent_type", "AgentTypeEnum")):
        allowed = set(tk.view.get_enum(enum).permissible_values)
        problems += [f"{r['id']}: {column} {r[column]!r} is not in {enum}" for r in rows if r[column] not in allowed]
    return problems


def main(nodes: str, edges: str) -> int:
    transformer = Transformer(stream=False)
    transformer.transform({"filename": [nodes, edges], "format": "tsv"})
    validator = Validator()
    validator.validate(transformer.store.graph)
    errors = validator.get_errors()
    problems = qualifier_problems(validator.get_validating_toolkit(), edges)
    if problems:
        errors.setdefault("ERROR", {})["QUALIFIERS (checked with bmt)"] = problems
    if errors.get("ERROR"):
        print(json.dumps(errors, indent=1, default=str)[:20000])
        return 1
    graph = transformer.store.graph
    print(
        f"VALID nodes={graph.number_of_nodes()} edges={graph.number_of_edges()} biolink={validator.get_validation_model_version()}"
    )
    if errors:
        print(json.dumps(errors, indent=1, default=str)[:5000])
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
