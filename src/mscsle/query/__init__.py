"""Querying: stored SPARQL queries, the engines that run them, the query guard and user-supplied RDF."""
