"""Serving: a read-only SPARQL endpoint behind a guard, and uploads to any triplestore."""
