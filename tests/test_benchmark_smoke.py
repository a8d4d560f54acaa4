"""The benchmark keeps working: a 1k-claim smoke run writes every stage, every query and both processes.

Speed is never asserted here (benchmarks/bench.py reports the targets); this only proves that the synthetic
records go through the real pipeline unchanged and that the benchmark measures what it claims to.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import (  # noqa: E402
    FAST_STAGES,
    NAIVE_STAGES,
    TARGETS,
    all_queries,
    floor_queries,
    naive_total,
    process_tree,
    run_child,
    tree_rss_kb,
)
from synthetic import entity_count, write_project  # noqa: E402


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench")
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--smoke", "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return json.loads((out / "latest.json").read_text(encoding="utf-8")) | {
        "md": (out / "latest.md").read_text(encoding="utf-8")
    }


def test_smoke_run_has_every_stage(smoke: dict):
    r = smoke["results"]["1000"]
    assert r["claims"] == 1000 and r["entities"] == entity_count(1000) and r["triples"] > 15_000
    assert set(r["fast"]["stages"]) == set(FAST_STAGES)
    assert all(v > 0 for v in r["fast"]["stages"].values())
    assert set(r["fast"]["queries"]) == set(all_queries(ROOT / "queries"))
    assert set(r["fast"]["floors"]) == set(floor_queries()) and len(floor_queries()) >= 3  # engine floors too
    for run in ("build_process", "build_process_one"):  # the default build and `--jobs 1`
        assert r[run]["wall_s"] > 0 and r[run]["rss_mb"] > 10 and r[run]["runs"] >= 1
    assert r["load_before"] and r["load_after"]


def test_smoke_run_times_the_naive_pipeline(smoke: dict):
    """Each naive stage and query ran, or was stopped by its time cap (then reported as a lower bound)."""
    r = smoke["results"]["1000"]
    naive = r["naive"]
    assert not naive["process"]["timed_out"], naive["process"]["stderr"]
    assert "records" in naive["stages"] and "graph" in naive["stages"]  # never cut off
    for stage in NAIVE_STAGES:
        if stage != "queries":
            assert stage in naive["stages"] or naive["cut"][f"stages:{stage}"] > 0, stage
    for q in all_queries(ROOT / "queries"):
        assert q in naive["queries"] or naive["cut"][f"queries:{q}"] > 0, q
    assert naive_total(r)[0] > naive["stages"]["graph"]


def test_smoke_report_has_one_table_and_the_targets(smoke: dict):
    md = smoke["md"]
    assert "python benchmarks/bench.py --smoke" in md
    assert md.count("| size | stage | mscsle | naive | ratio | peak RSS") == 1
    for key, what in FAST_STAGES.items():
        if key not in ("ontology", "records", "mappings"):  # one row, as the naive pipeline reads them together
            assert what in md, what
    assert "read ontology, records and mappings" in md
    assert "whole `mscsle build` process" in md and "load average" in md
    assert all(f"`floors/{name}.rq`" in md for name in floor_queries())
    assert {t["target"] for t in smoke["targets"]} == set(TARGETS)


def test_synthetic_records_follow_the_curated_format(tmp_path: Path):
    """Same schema as data/: the real loader accepts them (quotes checked where the review's text is present)."""
    from mscsle.curation.records import load
    from mscsle.curation.review_text import ReviewText
    from mscsle.model.vocab import Vocab
    from mscsle.release.pipeline import read_ontology

    text = ROOT / "data" / "review" / "review.txt"
    project = write_project(300, tmp_path / "syn", text if text.is_file() else None)
    vocab = Vocab.from_ontology(read_ontology(project))
    records = load(
        project.root, project.entities, project.claims_dir, vocab, ReviewText.read(text) if text.is_file() else None
    )
    claims = records.claims
    assert len(claims) == 300
    assert {c.certainty for c in claims} == {"stated", "hedged"}
    assert {s for c in claims for s in c.species} == set(vocab.species) and any(not c.species for c in claims)
    assert len({c.relation for c in claims}) > len(vocab.relations) // 2
    assert any(c.references for c in claims) and any(not c.references for c in claims)
    assert any(c.evidence_level for c in claims) and any(c.cell_context for c in claims)
    assert all(c.hedge for c in claims if c.certainty == "hedged")


TREE = """
import os, time
child = os.fork()
if child == 0:
    grandchild = os.fork()
    if grandchild == 0:
        block = b"x" * (200 << 20)  # written, so resident: 200 MB in the grandchild alone
        time.sleep(1.0)
        os._exit(0)
    os.waitpid(grandchild, 0)
    os._exit(0)
os.waitpid(child, 0)
"""


def test_build_process_memory_counts_every_forked_process():
    """The whole-process peak is the summed RSS of the process and its descendants: a grandchild's 200 MB count,
    though the process measured itself holds a few MB (wait4's peak RSS would say so)."""
    run = run_child([sys.executable, "-c", TREE])
    assert run["exit"] == 0
    assert 200 <= run["rss_mb"] < 400, run


def test_process_tree_lists_descendants():
    proc = subprocess.Popen([sys.executable, "-c", TREE])
    try:
        for _ in range(500):  # until the grandchild holds its block
            tree = process_tree(proc.pid)
            if len(tree) == 3 and tree_rss_kb(tree[2]) >= 200 << 10:
                break
            subprocess.run(["sleep", "0.01"], check=True)
        assert tree[0] == proc.pid and len(set(tree)) == 3
        assert tree_rss_kb(proc.pid) > tree_rss_kb(tree[1]) > tree_rss_kb(tree[2]) >= 200 << 10
    finally:
        proc.wait()
