"""dist/nanopubs.trig: one nanopublication per claim, accepted by the `nanopub` library's own check and by
nanopub-sign's, with the Nanopublication test suite's structural rules checked here, and the claims read back."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nanopub_sign
import pyoxigraph as ox
import pytest
from nanopub import Nanopub
from nanopub.utils import MalformedNanopubError
from rdflib import Dataset, Literal

from mscsle.model.prefixes import prefix_map
from mscsle.release.nanopubs import GRAPHS, NP, NP_BASE, np_iri

from .conftest import ROOT

MSCSLE = "https://w3id.org/mscsle/"
CLAIM = f"{MSCSLE}Claim"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _blocks(trig: str) -> list[str]:
    """The file's nanopublications, one TriG block each (each block declares its own prefixes)."""
    out: list[list[str]] = []
    for line in trig.splitlines():
        if line.startswith("@prefix ") and (not out or not out[-1][-1].startswith("@prefix ")):
            out.append([])
        out[-1].append(line)
    return ["\n".join(b) + "\n" for b in out]


@pytest.fixture(scope="module")
def nanopubs(dist: Path) -> dict[str, str]:
    """nanopub IRI -> its TriG block."""
    blocks = _blocks((dist / "nanopubs.trig").read_text(encoding="utf-8"))
    by_iri = {}
    for block in blocks:
        heads = {q.graph_name.value for q in ox.parse(block.encode(), format=ox.RdfFormat.TRIG)}
        (head,) = [g for g in heads if g.endswith("/Head")]
        by_iri[head[: -len("Head")]] = block
    assert len(by_iri) == len(blocks)
    return by_iri


@pytest.fixture(scope="module")
def claims(dist: Path) -> dict[str, set[str]]:
    """claim IRI -> the N-Triples lines of the claim node in the release."""
    store = ox.Store()
    store.bulk_load(path=dist / "mscsle.nt", format=ox.RdfFormat.N_TRIPLES)
    out: dict[str, set[str]] = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(CLAIM)):
        out[q.subject.value] = {f"{t.triple} ." for t in store.quads_for_pattern(q.subject, None, None)}
    return out


def test_one_nanopub_per_claim(nanopubs, claims, claim_ids):
    ids = {c[len(MSCSLE + "claim/") :] for c in claims}
    assert ids == claim_ids  # every curated claim is in the graph, and nothing else is a claim
    assert set(nanopubs) == {np_iri(i) for i in ids}


def test_structure_follows_the_test_suite_rules(nanopubs):
    """Four distinct graphs named under the nanopub IRI, nothing else, no ill-typed literal, no blank node."""
    for iri, block in nanopubs.items():
        quads = list(ox.parse(block.encode(), format=ox.RdfFormat.TRIG))
        assert {q.graph_name.value for q in quads} == {iri + g for g in GRAPHS}, iri
        assert iri.startswith(NP_BASE) and iri.endswith("/")
        for q in quads:
            for term in (q.subject, q.object):
                assert not isinstance(term, ox.BlankNode), iri
                if isinstance(term, ox.Literal) and term.datatype:
                    lit = Literal(term.value, datatype=term.datatype.value)
                    assert not lit.ill_typed, f"{iri}: ill-typed {term}"


def test_nanopub_library_accepts_every_one(nanopubs):
    for iri, block in nanopubs.items():
        d = Dataset()
        d.parse(data=block, format="trig")
        assert Nanopub(rdf=d).is_valid, iri


def test_nanopub_sign_accepts_every_one_unsigned_and_not_trusty(nanopubs):
    for iri, block in nanopubs.items():
        info = nanopub_sign.Nanopub(block).check().info()
        assert info["uri"]["value"] == iri.rstrip("/")
        assert info["trusty_hash"] == "" and info["signature"] == "", "README says: not trusty, not signed"


def test_check_fails_without_provenance(nanopubs):
    """The library's check can fail: the same nanopub with the assertion's provenance links removed."""
    iri, block = sorted(nanopubs.items())[0]
    d = Dataset()
    d.parse(data=block, format="trig")
    prov = d.graph(iri + "provenance")
    for t in list(prov.triples((None, None, None))):
        if str(t[0]) == iri + "assertion":
            prov.remove(t)
    with pytest.raises(MalformedNanopubError, match="provenance"):
        assert Nanopub(rdf=d).is_valid


def test_assertions_and_provenance_give_back_the_claims(nanopubs, claims):
    """Round trip: the claim node's triples in assertion + provenance are exactly the release's, and the assertion
    states the claim's subject, relation and object as one triple."""
    release = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mscsle"]["release"]
    for iri, block in nanopubs.items():
        quads = list(ox.parse(block.encode(), format=ox.RdfFormat.TRIG))
        claim = next(q.subject.value for q in quads if q.predicate.value == RDF_TYPE and q.object.value == CLAIM)
        graphs: dict[str, set[str]] = {g: set() for g in GRAPHS}
        for q in quads:
            graphs[q.graph_name.value[len(iri) :]].add(f"{q.triple} .")
        back = {t for g in ("assertion", "provenance") for t in graphs[g] if t.startswith(f"<{claim}> ")}
        assert back == claims[claim], iri
        node = {t.split(" ", 2)[1]: t.split(" ", 2)[2] for t in claims[claim]}
        spo = f"{node[f'<{MSCSLE}has_subject>'][:-2]} {node[f'<{MSCSLE}has_relation>'][:-2]} {node[f'<{MSCSLE}has_object>'][:-2]} ."
        assert spo in graphs["assertion"], iri
        assert f"<{iri}assertion> <http://www.w3.org/ns/prov#value> {node[f'<{MSCSLE}quote>']}" in graphs["provenance"]
        assert (
            f'<{iri}> <http://purl.org/dc/terms/created> "{release}T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .'
            in graphs["pubinfo"]
        )
        assert any("<http://purl.org/dc/terms/license>" in t for t in graphs["pubinfo"])
        assert any("<http://purl.org/dc/terms/creator>" in t for t in graphs["pubinfo"])
        cites = {t.split(" ", 2)[2] for t in claims[claim] if f"<{MSCSLE}cites>" in t}
        refs = {t.split(" ", 2)[2] for t in graphs["provenance"] if "<http://purl.org/dc/terms/references>" in t}
        assert cites == refs, iri


def test_blocks_are_what_oxigraphs_trig_writer_writes(nanopubs):
    """The nanopublications are written as text, in one pass (release/nanopubs.py); the plain way, Oxigraph's TriG
    writer given each block's quads (each graph sorted as N-Quads, Head first) and the block's own prefixes, writes
    the very same bytes."""
    for iri, block in nanopubs.items():
        prefixes = dict(re.findall(r"^@prefix (\S*): <([^>]*)> \.$", block, re.M))
        assert prefixes["sub"] == iri
        quads = sorted(
            ox.parse(block.encode(), format=ox.RdfFormat.TRIG),
            key=lambda q: (GRAPHS.index(q.graph_name.value[len(iri) :]), f"{q.triple} {q.graph_name}"),
        )
        written = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes).decode("utf-8").split("\n")
        header = [line for line in block.split("\n") if line.startswith("@prefix ")]
        assert block.rstrip("\n") == "\n".join([*header, *(x for x in written if not x.startswith("@prefix "))]).rstrip(
            "\n"
        ), iri


def test_no_prefix_lies_under_the_nanopub_base():
    """What the one-pass writer relies on: a nanopublication's own IRIs sort and abbreviate as `sub:`'s."""
    assert [u for u in {**prefix_map(), "np": NP}.values() if u.startswith(NP_BASE)] == []
