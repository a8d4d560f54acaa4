"""Curation: read and check what curators write (entities, claims, mappings) against the review's own text."""
