"""Protégé's XML catalog (ontology/catalog-v001.xml): the one map from ontology IRIs to local files.

Protégé and the OWL API read it to resolve owl:imports offline; `mscsle reason` reads the same file, so an import
module added for one of them works for all three and nothing ever downloads an ontology.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path


def read_catalog(path: Path) -> dict[str, Path]:
    """IRI -> local file for every <uri name=".." uri=".."/> (paths relative to the catalog's folder); {} if absent."""
    if not path.is_file():
        return {}
    mapping: dict[str, Path] = {}
    for element in ET.parse(path).getroot().iter():
        name, uri = element.get("name"), element.get("uri")
        if element.tag.rsplit("}", 1)[-1] == "uri" and name and uri:
            mapping[name] = (path.parent / uri).resolve()
    return mapping
