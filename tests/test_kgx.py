"""dist/kgx/: KGX nodes and edges, one edge per claim that gives the claim back, Biolink terms validated by KGX
offline against the Biolink model of the `biolink-model` package (in its own environment: see kgx_validate.py)."""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from mscsle.model.prefixes import converter
from mscsle.release.kgx_export import BIOLINK_PREFIXES, EDGES, MULTI, NODES

from .conftest import ROOT

CLAIMS = """
PREFIX mscsle: <https://w3id.org/mscsle/>
SELECT ?c ?s ?r ?o ?taxon ?certainty ?type ?level ?doi WHERE {
  ?c a mscsle:Claim ; mscsle:has_subject ?s ; mscsle:has_relation ?r ; mscsle:has_object ?o ;
     mscsle:has_certainty ?certainty ; mscsle:has_evidence_type ?type ; mscsle:asserted_in ?doi .
  OPTIONAL { ?c mscsle:in_species ?taxon }
  OPTIONAL { ?c mscsle:has_evidence_level ?level }
}
"""


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def biolink(curie: str) -> str:
    """A CURIE of the project's prefix map as KGX writes it (Biolink's spelling of the prefix)."""
    prefix, _, local = curie.partition(":")
    return f"{BIOLINK_PREFIXES.get(prefix, prefix)}:{local}" if local else curie


def test_edges_give_back_the_claims(dist: Path, claim_ids: set[str]):
    """Round trip: subject, relation, object, species, certainty, evidence and source of every claim, once each."""
    store = ox.Store()
    store.bulk_load(path=dist / "mscsle.nt", format=ox.RdfFormat.N_TRIPLES)
    c = converter()
    claims: dict[str, tuple] = {}
    species: dict[str, set[str]] = {}
    evidence: dict[str, set[str]] = {}
    for row in store.query(CLAIMS):
        cur = {
            k: biolink(c.compress(row[k].value, passthrough=True)) if row[k] is not None else ""
            for k in ("c", "s", "r", "o", "taxon", "certainty", "type", "level")
        }
        species.setdefault(cur["c"], set()).add(cur["taxon"])
        evidence.setdefault(cur["c"], set()).update({cur["type"], cur["level"]})
        claims[cur["c"]] = (
            cur["s"],
            cur["r"],
            cur["o"],
            MULTI.join(sorted(species[cur["c"]] - {""})),  # the claim's NCBITaxon terms, several allowed
            cur["certainty"],
            evidence[cur["c"]] - {""},
            row["doi"].value.replace("https://doi.org/", "doi:"),
        )
    edges = _rows(dist / EDGES)
    assert len(edges) == len({e["id"] for e in edges}) == len(claims) == len(claim_ids)  # one edge per curated claim
    back = {
        e["id"]: (
            e["subject"],
            e["original_predicate"],
            e["object"],
            e["species_context_qualifier"] or e["qualifiers"],  # one species, or several (Biolink allows one)
            e["has_confidence_level"],
            {x for x in e["has_evidence"].split(MULTI) if x.startswith(("mscsle:", "ECO:"))},
            e["publications"],
        )
        for e in edges
    }
    assert back == claims
    assert any(MULTI in e["qualifiers"] for e in edges)  # e.g. findings "in SLE patients and lupus mice"
    for e in edges:
        assert not (e["species_context_qualifier"] and e["qualifiers"])
        assert MULTI not in e["species_context_qualifier"]  # single-valued in Biolink
        assert e["predicate"].startswith("biolink:") and e["category"] == "biolink:Association"
        assert (e["knowledge_level"], e["agent_type"]) == ("knowledge_assertion", "manual_agent")


def test_nodes_are_the_claimed_entities_with_biolink_categories(dist: Path):
    nodes = _rows(dist / NODES)
    edges = _rows(dist / EDGES)
    assert {n["id"] for n in nodes} == {e[k] for e in edges for k in ("subject", "object")}
    assert all(n["category"].startswith("biolink:") and n["name"] for n in nodes)
    cell = next(n for n in nodes if n["id"] == "CL:0000236")  # the B cell entity is the CL term itself
    assert (cell["category"], cell["name"]) == ("biolink:Cell", "B cell")


def test_kgx_validates_offline_against_biolink(dist: Path, tmp_path: Path):
    """KGX's validator, in the environment of the `kgx` extra (kgx pins click<8.2, which the test extra cannot
    share), with the Biolink model of the biolink-model package and every network connection refused."""
    python = os.environ.get("MSCSLE_KGX_PYTHON")
    if not python:
        if os.environ.get("MSCSLE_REQUIRE_KGX"):
            pytest.fail("MSCSLE_KGX_PYTHON is not set; .ci/run makes the kgx environment")
        pytest.skip("set MSCSLE_KGX_PYTHON to the python of a venv with `pip install -e '.[kgx]'` (see .ci/run)")
    run = subprocess.run(
        [python, str(ROOT / "tests" / "kgx_validate.py"), str(dist / NODES), str(dist / EDGES)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "VALID nodes=" in run.stdout


def test_kgx_validation_can_fail(dist: Path, tmp_path: Path):
    """An unknown Biolink predicate and a value outside AgentTypeEnum are reported, and the check exits 1."""
    python = os.environ.get("MSCSLE_KGX_PYTHON")
    if not python:
        if os.environ.get("MSCSLE_REQUIRE_KGX"):
            pytest.fail("MSCSLE_KGX_PYTHON is not set; .ci/run makes the kgx environment")
        pytest.skip("set MSCSLE_KGX_PYTHON (see test_kgx_validates_offline_against_biolink)")
    edges = (dist / EDGES).read_text(encoding="utf-8")
    bad = tmp_path / "bad_edges.tsv"  # KGX tells nodes from edges by the file name
    bad.write_text(
        edges.replace("biolink:ameliorates_condition", "biolink:cures").replace("\tmanual_agent\t", "\tcurator\t", 1)
    )
    run = subprocess.run(
        [python, str(ROOT / "tests" / "kgx_validate.py"), str(dist / NODES), str(bad)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 1, run.stdout[-2000:] + run.stderr[-2000:]
    assert "Edge predicate 'cures' is not in Biolink Model" in run.stdout
    assert "agent_type 'curator' is not in AgentTypeEnum" in run.stdout
