"""The one shape of an RDF triple that every generator yields (records -> triples -> graphs)."""

from rdflib.term import Node

Triple = tuple[Node, Node, Node]
