"""Where the project's sources live: one object that every other module asks for paths."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

REVIEW_DOI = "10.1186/s13287-018-0898-x"


def _default_root() -> Path:
    """The checkout that holds ontology/, data/, shapes/ and queries/ (the package is installed editable)."""
    env = os.environ.get("MSCSLE_ROOT")
    return Path(env) if env else Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Project:
    root: Path

    @classmethod
    def default(cls) -> Project:
        return cls(_default_root())

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "mscsle.ttl"

    @property
    def catalog(self) -> Path:
        """Protégé's XML catalog: ontology IRIs -> local files, so that imports resolve offline."""
        return self.root / "ontology" / "catalog-v001.xml"

    @property
    def entities(self) -> Path:
        return self.root / "data" / "entities.tsv"

    @property
    def mappings(self) -> Path:
        """The mapping table: every entity and ontology term with its external identifiers (optional)."""
        return self.root / "data" / "mappings.tsv"

    @property
    def mapping_sources(self) -> Path:
        return self.root / "data" / "mapping-sources.tsv"

    @property
    def qc_exceptions(self) -> Path:
        """The QC violations that the curators explain, each with its reason (optional)."""
        return self.root / "data" / "qc-exceptions.tsv"

    @property
    def claims_dir(self) -> Path:
        return self.root / "data" / "claims"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def dist(self) -> Path:
        return self.root / "dist"

    @property
    def default_source_text(self) -> Path:
        """The review's text (CC BY 4.0), shipped in data/review/ so that every clone verifies quotes."""
        return self.root / "data" / "review" / "review.txt"

    def settings(self) -> dict:
        """[tool.mscsle] of pyproject.toml: the release date that stamps versionIRI and versionInfo."""
        with open(self.root / "pyproject.toml", "rb") as fh:
            return tomllib.load(fh)["tool"]["mscsle"]
