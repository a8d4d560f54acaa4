"""Release: curated records + ontology -> the graph, its named graphs and every artifact in dist/, written atomically."""
