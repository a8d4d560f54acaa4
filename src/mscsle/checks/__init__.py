"""Checks on the built graph: SHACL shapes, QC queries and the HermiT reasoner."""
