"""The one prefix map: bijective, Bioregistry's prefixes, and every CURIE of the project expands with it."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import bioregistry
import pyoxigraph as ox
import pytest
import yaml
from curies import Converter

from mscsle.model import vocab
from mscsle.model.prefixes import converter, jsonld_context, prefix_map
from mscsle.query.prefix_prologue import with_prologue

from .conftest import FIXTURES, ROOT

PREFIXES_YAML = ROOT / "src" / "mscsle" / "model" / "prefixes.yaml"
OWN = {p for p, u in prefix_map().items() if u.startswith("https://w3id.org/mscsle/")}
DECLARATION = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.M | re.I)


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses duplicate keys (safe_load would silently keep the last one)."""


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    keys = [loader.construct_object(k) for k, _ in node.value]
    dupes = {k for k in keys if keys.count(k) > 1}
    if dupes:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate prefixes {sorted(dupes)}", node.start_mark)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def test_prefix_map_is_bijective():
    raw = yaml.load(PREFIXES_YAML.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    assert raw == prefix_map()
    prefixes, uris = list(raw), list(raw.values())
    assert len({p.casefold() for p in prefixes}) == len(prefixes), "two prefixes differ only in case"
    assert len(set(uris)) == len(uris), "two prefixes share a URI prefix"
    conv = Converter.from_prefix_map(raw)  # curies refuses duplicates itself
    for p, u in raw.items():
        assert conv.compress(u + "X1") == f"{p}:X1", f"{u}X1 does not compress back to {p}:X1"


def test_external_prefixes_are_bioregistrys():
    """Each external prefix is Bioregistry's prefix in its OBO context, with a URI prefix Bioregistry knows."""
    context = bioregistry.manager.get_context("obo")
    wrong = []
    for prefix, uri in prefix_map().items():
        if prefix in OWN:
            continue
        resource = bioregistry.get_resource(prefix)
        if resource is None:
            wrong.append(f"{prefix}: not in Bioregistry")
            continue
        standard = context.prefix_remapping.get(resource.prefix) or resource.get_priority_prefix(
            priority=context.prefix_priority
        )
        if prefix != standard:
            wrong.append(f"{prefix}: Bioregistry's OBO context writes {standard!r}")
        if uri not in resource.get_uri_prefixes():
            wrong.append(f"{prefix}: {uri} is not a URI prefix Bioregistry knows for {resource.prefix}")
    assert not wrong, "\n".join(wrong)


def _declared(path: Path) -> dict[str, str]:
    return dict(DECLARATION.findall(path.read_text(encoding="utf-8")))


RDF_SOURCES = sorted([*(ROOT / "ontology").rglob("*.ttl"), *(ROOT / "shapes").glob("*.ttl")])


@pytest.mark.parametrize("path", RDF_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_turtle_sources_use_the_prefix_map(path: Path):
    """Every prefix a Turtle source declares is the map's, with the same URI; so its CURIEs expand with the map."""
    declared = _declared(path)
    assert declared, f"{path.name} declares no prefixes"
    differing = {p: u for p, u in declared.items() if prefix_map().get(p) != u}
    assert not differing, f"{path.name} declares prefixes outside the map or with other URIs: {differing}"


SPARQL_FILES = sorted([*(ROOT / "queries").rglob("*.rq"), *(FIXTURES / "shapes").rglob("*.ru")])


@pytest.mark.parametrize("path", SPARQL_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_sparql_files_take_their_prefixes_from_the_map(path: Path):
    """Every prefix a query declares is the map's; with the map's missing PREFIX lines added each one parses."""
    text = path.read_text(encoding="utf-8")
    differing = {p: u for p, u in _declared(path).items() if prefix_map().get(p) != u}
    assert not differing, f"{path.name} declares prefixes outside the map or with other URIs: {differing}"
    store = ox.Store()
    if path.suffix == ".ru":
        store.update(with_prologue(text))
    else:
        store.query(with_prologue(text))


@pytest.mark.parametrize(
    "table",
    [ROOT / "data" / "mappings.tsv", FIXTURES / "mini" / "mappings.tsv"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_mapping_table_curies_expand_in_standard_form(table: Path):
    conv = converter()
    with open(table, encoding="utf-8", newline="") as fh:
        curies = [c for row in csv.DictReader(fh, delimiter="\t") for c in (row["subject_id"], row["object_id"]) if c]
    assert curies
    for c in curies:
        assert conv.compress(conv.expand_strict(c)) == c, c


def test_artifacts_use_the_prefix_map(dist: Path):
    """Turtle prefixes, the JSON-LD context and the SSSOM curie_map all come from the one map."""
    ttl = _declared(dist / "mscsle.ttl")
    assert ttl and all(prefix_map()[p] == u for p, u in ttl.items())
    context = json.loads((dist / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context == prefix_map() == jsonld_context()["@context"]
    header = "".join(
        line[2:] + "\n"
        for line in (dist / "mscsle.sssom.tsv").read_text(encoding="utf-8").splitlines()
        if line.startswith("# ")
    )
    curie_map = yaml.safe_load(header)["curie_map"]
    assert curie_map and all(prefix_map()[p] == u for p, u in curie_map.items())


def test_python_namespaces_agree_with_the_map():
    assert str(vocab.MSCSLE) == prefix_map()["mscsle"]
    assert str(vocab.ENTITY) == prefix_map()["mscsle.entity"]
    assert str(vocab.CLAIM) == prefix_map()["mscsle.claim"]
    assert str(vocab.REF) == prefix_map()["mscsle.ref"]
    assert converter().compress(str(vocab.IAO_DEFINITION)) == "IAO:0000115"
    assert converter().compress(str(vocab.EXACT_SYNONYM)) == "oboInOwl:hasExactSynonym"


def _project_iris() -> set[str]:
    """Every IRI of the ontology, its import modules and the verified external terms."""
    iris = set()
    for path in [ROOT / "ontology" / "mscsle.ttl", *sorted((ROOT / "ontology" / "imports").glob("*.ttl"))]:
        for t in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
            iris |= {n.value for n in (t.subject, t.predicate, t.object) if isinstance(n, ox.NamedNode)}
    with open(ROOT / "data" / "reference" / "external-terms.tsv", encoding="utf-8", newline="") as fh:
        iris |= {row["iri"] for row in csv.DictReader(fh, delimiter="\t")}
    return iris


def test_converter_agrees_with_curies():
    """The build's converter gives what curies' Converter of the same map gives: on every IRI of the project,
    on each URI prefix alone, with a suffix and cut short, and on CURIEs known, unknown, empty or without colon."""
    ours, theirs = converter(), Converter.from_prefix_map(prefix_map())
    namespaces = list(prefix_map().values())
    iris = _project_iris() | set(namespaces) | {u + "X:1/a#b" for u in namespaces} | {u[:-1] for u in namespaces}
    iris |= {"", "urn:x", "http://purl.obolibrary.org/obo/", "http://purl.obolibrary.org/obo/GO_0008150x"}
    assert len(iris) > 500
    compressed = 0
    for iri in sorted(iris):
        assert ours.compress(iri) == theirs.compress(iri), iri
        assert ours.compress(iri, passthrough=True) == theirs.compress(iri, passthrough=True), iri
        if theirs.compress(iri) is None:
            with pytest.raises(ValueError):
                ours.compress_strict(iri)
        else:
            assert ours.compress_strict(iri) == theirs.compress_strict(iri), iri
        compressed += ours.compress(iri) is not None
    assert compressed > 300
    curies = {c for iri in iris if (c := theirs.compress(iri))} | {"GO:", ":x", "unknown:1", "go:0008150", "a:b:c"}
    for curie in sorted(curies):
        assert ours.expand(curie) == theirs.expand(curie), curie
        if theirs.expand(curie) is not None:
            assert ours.expand_strict(curie) == theirs.expand_strict(curie), curie
        else:
            with pytest.raises(ValueError):
                ours.expand_strict(curie)
    for bad in ("no colon", ""):
        with pytest.raises(ValueError):
            theirs.expand(bad)
        with pytest.raises(ValueError):
            ours.expand(bad)
