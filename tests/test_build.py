"""The main job: artifacts exist, parse, agree with each other, are deterministic, and are written atomically."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from mscsle.errors import CurationError
from mscsle.project import Project
from mscsle.release.pipeline import CLAIMS_COLUMNS, ValidationFailed, assemble, build, claims_table

from .conftest import add_failing_shape

ARTIFACTS = {"mscsle.ttl": "turtle", "mscsle.owl": "xml", "mscsle.nt": "nt", "mscsle.jsonld": "json-ld"}


def test_artifacts_exist(dist: Path):
    for name in (*ARTIFACTS, "context.jsonld", "claims.tsv", "shacl-report.ttl"):
        assert (dist / name).stat().st_size > 0, name


def test_formats_are_isomorphic(dist: Path):
    graphs = {name: Graph().parse(dist / name, format=fmt) for name, fmt in ARTIFACTS.items()}
    ttl = graphs.pop("mscsle.ttl")
    assert len(ttl) > 1000
    for name, g in graphs.items():
        assert isomorphic(ttl, g), f"{name} differs from mscsle.ttl"


def test_jsonld_is_expanded_and_compacts_with_its_context(dist: Path):
    """mscsle.jsonld needs no context (full IRIs, nothing remote); compacted with context.jsonld by rdflib's JSON-LD
    processor it is still the same graph (OBO prefixes ending in `_` included) and its keys become CURIEs."""
    doc = json.loads((dist / "mscsle.jsonld").read_text(encoding="utf-8"))
    assert isinstance(doc, list) and not any("@context" in node for node in doc)
    context = json.loads((dist / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    g = Graph().parse(dist / "mscsle.jsonld", format="json-ld")
    compact = g.serialize(format="json-ld", context=context, auto_compact=True)
    assert '"mscsle:has_subject"' in compact and "https://w3id.org/mscsle/has_subject" not in compact
    assert isomorphic(Graph().parse(data=compact, format="json-ld"), Graph().parse(dist / "mscsle.nt", format="nt"))


def test_claims_table_has_every_claim(dist: Path):
    with open(dist / "claims.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert tuple(rows[0].keys()) == CLAIMS_COLUMNS
    g = Graph().parse(dist / "mscsle.nt", format="nt")
    claims = {str(r.i) for r in g.query("SELECT ?i WHERE { ?c <https://w3id.org/mscsle/claim_id> ?i }")}
    assert {r["claim_id"] for r in rows} == claims
    assert all(r["quote"] and r["certainty"] for r in rows)
    assert {s for r in rows for s in r["species"].split(" | ") if s} == {"human", "mouse"}  # "" where not stated
    assert any(r["species"] == "human | mouse" and " | " not in r["quote"] for r in rows)  # one claim, two species


def test_claims_table_written_from_the_records_equals_the_export_query(dist: Path, project: Project):
    """The build writes claims.tsv from the records (a join of 17 columns costs minutes at 100k claims); it must be
    byte for byte what queries/export/claims-table.rq and claim-references.rq answer on the built graph."""
    from_records, nt = (dist / "claims.tsv").read_bytes(), (dist / "mscsle.nt").read_bytes()
    claims = nt.count(b" <https://w3id.org/mscsle/claim_id> ")
    assert claims > 200 and from_records.count(b"\n") == 1 + claims  # the header and one row per claim
    assert from_records == claims_table(nt, project)


def _build_in_subprocess(root: Path, out: Path, seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-m", "mscsle", "--root", str(root), "build", "--out", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )


def test_two_builds_are_byte_identical(project, tmp_path: Path):
    """Different hash seeds, same bytes: nothing depends on set or dict order."""
    _build_in_subprocess(project.root, tmp_path / "a", "1")
    _build_in_subprocess(project.root, tmp_path / "b", "2")
    names = sorted(str(p.relative_to(tmp_path / "a")) for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(tmp_path / "b")) for p in (tmp_path / "b").rglob("*") if p.is_file())
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_bad_input_leaves_dist_unchanged(mini, tmp_path: Path):
    out = tmp_path / "dist"
    build(mini, out)
    before = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    claims = mini.claims_dir / "direct_genes.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("subject: OAZ", "subject: OAZZ"), encoding="utf-8")
    with pytest.raises(CurationError) as err:
        build(mini, out)
    assert "data/claims/direct_genes.yaml: claim dg-01 (line 3): field 'subject': unknown entity 'OAZZ'" in str(
        err.value
    )
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert not list(tmp_path.glob(".dist.staging-*"))


def test_shacl_verdict_comes_before_a_stale_qc_exception(mini: Project):
    """The build runs the QC queries before or beside SHACL (one process: first, so that their store is gone before
    SHACL's copy of the graph is made; two: at the same time), yet reports as before: a graph that breaks a shape fails validation (exit 1) even when the QC exceptions
    file is also stale (bad input, exit 2, once the graph conforms)."""
    mini.qc_exceptions.write_text(
        "rule\tclaim\tabout\treason\ntable1_unsupported_row\tt1-01\t\tstale\n", encoding="utf-8"
    )
    with pytest.raises(CurationError, match="explains no violation of rule table1_unsupported_row"):
        assemble(mini, None)
    add_failing_shape(mini)
    with pytest.raises(ValidationFailed, match="SHACL validation failed"):
        assemble(mini, None)
