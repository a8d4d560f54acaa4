"""The build pipeline, timed stage by stage on the real review and on synthetic records, against a naive pipeline.

Each size runs in fresh processes (so one size's memory never pads another's):
- fast: the package's own stages as `mscsle build` runs them (read ontology, read records, generate RDF, SHACL,
  each format, claims.tsv, the Oxigraph store, every stored query), in one worker process;
- process: the whole `mscsle build` command, and the pipeline to N-Triples alone (read, generate, validate, write
  mscsle.nt), each as a child process whose wall time and peak RSS come from wait4();
- naive: the same N-Triples through rdflib (Graph.parse), pySHACL with RDFS inference, rdflib's serialisers and
  rdflib's SPARQL, in one worker process with a time budget (a stage cut off by it is reported as "> budget");
- reasoning (review size only): `mscsle reason` (HermiT through owlready2) as a child process.

Medians of --repeat runs; every naive figure is also given as a ratio to the fast one of the same run. Results:
<out>/latest.json and <out>/latest.md (the table the README shows), and whether each target of issue 8 holds.

    python benchmarks/bench.py                                  # review, 1k, 10k, 100k claims (about an hour)
    python benchmarks/bench.py --sizes review,1000 --repeat 5   # a quick look
    python benchmarks/bench.py --smoke --out /tmp/bench         # CI: 1k claims, one run, a short naive budget
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

FAST_STAGES = {  # key -> what it measures (in the order assemble() runs them)
    "ontology": "read ontology/mscsle.ttl, vocabularies",
    "records": "read and check data/ (entities.tsv, claims/*.yaml), quotes verified against the review",
    "mappings": "read and check the mappings to external identifiers",
    "rdf": "generate the merged RDF graph (with mappings; canonical blank nodes)",
    "shacl": "SHACL validation against shapes/",
    "nt": "write mscsle.nt",
    "named": "write mscsle.nq and mscsle.trig (named graphs)",
    "ttl": "write mscsle.ttl",
    "owl": "write mscsle.owl (RDF/XML)",
    "jsonld": "write mscsle.jsonld",
    "tsv": "write claims.tsv (two export queries)",
    "sssom": "write mscsle.sssom.tsv",
    "store": "load mscsle.nt into the query engine",
}
NAIVE_STAGES = ("store", "nt", "ttl", "owl", "jsonld", "queries", "shacl")  # cheap ones first: a cut-off loses least
TARGETS = {  # issue 8
    "review_build_s": 2.0,
    "nt_100k_s": 60.0,
    "nt_100k_rss_mb": 3072.0,
    "query_review_ms": 10.0,
    "query_100k_ms": 500.0,
    "growth_10k_100k": 12.0,
}
EXPORT = "export/"  # queries the build runs to write claims.tsv (timed, but part of that stage, not `mscsle query`)
QUERY_RUNS = 5  # each stored query is timed this many times in a worker; the median counts


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Recorder:
    """Stage timings written to a JSON file after every stage, so a worker cut off by its budget loses only one."""

    def __init__(self, path: Path):
        self.path = path
        self.data: dict = {"stages": {}, "queries": {}, "cpu": {}, "running": None}

    def flush(self) -> None:
        self.data["peak_rss_mb"] = peak_rss_mb()
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data), encoding="utf-8")
        tmp.replace(self.path)

    @contextmanager
    def stage(self, key: str, table: str = "stages", cap: float | None = None) -> Iterator[None]:
        """Time the block; with a cap, stop it after `cap` seconds and record that as a lower bound."""
        self.data["running"] = {"key": key, "table": table, "since": time.time()}
        self.flush()
        t, c = time.perf_counter(), time.process_time()
        if cap:
            signal.signal(signal.SIGALRM, _cut)
            signal.setitimer(signal.ITIMER_REAL, cap)
        try:
            yield
        except Cut:
            self.data.setdefault("cut", {})[f"{table}:{key}"] = time.perf_counter() - t
        else:
            self.data[table][key] = time.perf_counter() - t
            if table == "stages":
                self.data["cpu"][key] = time.process_time() - c
        finally:
            if cap:
                signal.setitimer(signal.ITIMER_REAL, 0)
        self.data["running"] = None
        self.flush()


class Cut(Exception):
    """A naive stage ran out of its time cap (rdflib and pySHACL are pure Python: the alarm stops them cleanly)."""


def _cut(signum: int, frame: object) -> None:
    raise Cut()


def all_queries(queries_dir: Path) -> dict[str, str]:
    """Every stored query (competency questions, exports, quality checks), by path without .rq, prefixes added."""
    from mscsle.model.prefixes import sparql_prologue

    return {
        str(p.relative_to(queries_dir).with_suffix("")): sparql_prologue() + p.read_text(encoding="utf-8")
        for p in sorted(queries_dir.rglob("*.rq"))
    }


def _consume(result: object) -> int:
    """Pull every answer (SELECT rows, CONSTRUCT triples; ASK is one answer)."""
    return 1 if isinstance(result, bool) else sum(1 for _ in result)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------------- workers


def worker_fast(root: Path, source: Path | None, out: Path, nt_out: Path) -> None:
    """The build's stages, one after the other, as assemble() runs them (cyclic GC paused, as there)."""
    from mscsle.release.paused_gc import paused_gc

    with paused_gc():
        _fast_stages(root, source, out, nt_out)


def _fast_stages(root: Path, source: Path | None, out: Path, nt_out: Path) -> None:
    from mscsle.checks.shacl import load_shapes, validate
    from mscsle.curation.mappings import load_mappings
    from mscsle.curation.records import load
    from mscsle.curation.review_text import ReviewText
    from mscsle.model.vocab import Vocab
    from mscsle.project import Project
    from mscsle.query.stored import load_store
    from mscsle.release import serialize
    from mscsle.release.graph import merged_graph
    from mscsle.release.import_modules import link
    from mscsle.release.named_graphs import data_ntriples, quads, split
    from mscsle.release.pipeline import claims_table, read_ontology
    from mscsle.release.sssom_tsv import sssom_tsv

    project = Project(root)
    rec = Recorder(out)
    with rec.stage("ontology"):
        ontology = read_ontology(project)
        vocab = Vocab.from_ontology(ontology)
    with rec.stage("records"):
        review = ReviewText.read(source) if source else None
        records = load(project.root, project.entities, project.claims_dir, vocab, review)
    with rec.stage("mappings"):
        mapping_set = load_mappings(project, ontology, records)
    release = project.settings()["release"]
    with rec.stage("rdf"):
        graph = serialize.canonical(link(merged_graph(ontology, records, vocab, release), mapping_set))
    with rec.stage("shacl"):
        report = validate(graph, load_shapes(project.shapes_dir))
    if not report.conforms:
        raise SystemExit(f"SHACL: the graph does not conform:\n{report.text}")
    with rec.stage("nt"):
        nt = serialize.ntriples(graph)
    with rec.stage("named"):
        named = quads(split(nt, data_ntriples(records, vocab, ontology)))
        serialize.nquads(named)
        serialize.trig(named)
    with rec.stage("ttl"):
        serialize.turtle_from_ntriples(nt)
    with rec.stage("owl"):
        serialize.rdfxml(nt)
    with rec.stage("jsonld"):
        serialize.jsonld(graph)
    with rec.stage("tsv"):
        claims_table(nt, project)
    with rec.stage("sssom"):
        sssom_tsv(mapping_set, graph, release)
    nt_out.write_bytes(nt)
    rec.data.update(
        claims=len(records.claims),
        entities=len(records.entities),
        triples=nt.count(b"\n"),
        quotes_verified=review is not None,
    )
    del graph
    with rec.stage("store"):
        store = load_store(nt)
    answers = {}
    for name, sparql in all_queries(project.queries_dir).items():
        runs = []
        for _ in range(QUERY_RUNS):
            t = time.perf_counter()
            answers[name] = _consume(store.query(sparql))
            runs.append(time.perf_counter() - t)
        rec.data["queries"][name] = statistics.median(runs)
    rec.data["answers"] = answers
    rec.flush()


def worker_naive(root: Path, nt_path: Path, out: Path, cap: float) -> None:
    """The same graph the naive way: rdflib Graph, pySHACL with RDFS inference, rdflib serialisers and SPARQL."""
    from pyshacl import validate as shacl_validate
    from rdflib import Graph, URIRef

    SH_RESULT = URIRef("http://www.w3.org/ns/shacl#ValidationResult")

    from mscsle.checks.shacl import load_shapes
    from mscsle.model.prefixes import jsonld_context

    rec = Recorder(out)
    shapes = load_shapes(root / "shapes")
    graph = Graph()
    for stage in NAIVE_STAGES:
        if stage == "store":
            with rec.stage("store"):
                graph.parse(nt_path, format="nt")
        elif stage == "queries":
            for name, sparql in all_queries(root / "queries").items():
                with rec.stage(name, table="queries", cap=cap / 4):
                    _consume(graph.query(sparql))
        elif stage == "shacl":
            with rec.stage("shacl", cap=cap):
                conforms, report, _ = shacl_validate(graph, shacl_graph=shapes, inference="rdfs", advanced=False)
            if "shacl" in rec.data["stages"]:
                # RDFS inference types every entity with all its superclasses, so "exactly one kind" fails:
                # the shapes are written for the asserted graph, which the fast pipeline validates
                rec.data["shacl_conforms"] = bool(conforms)
                rec.data["shacl_violations"] = len(set(report.subjects(predicate=None, object=SH_RESULT)))
                rec.flush()
        else:
            fmt = {"nt": "nt", "ttl": "longturtle", "owl": "xml", "jsonld": "json-ld"}[stage]
            with rec.stage(stage, cap=cap):
                if fmt == "json-ld":
                    graph.serialize(format=fmt, context=jsonld_context()["@context"], auto_compact=True)
                else:
                    graph.serialize(format=fmt)


def worker_to_nt(root: Path, source: Path | None, out: Path) -> None:
    """Read, generate, validate, write mscsle.nt: the pipeline of the 100k-claims target, as one process."""
    from mscsle.release.paused_gc import paused_gc

    with paused_gc():
        _to_nt(root, source, out)


def _to_nt(root: Path, source: Path | None, out: Path) -> None:
    from mscsle.checks.shacl import load_shapes, validate
    from mscsle.curation.mappings import load_mappings
    from mscsle.curation.records import load
    from mscsle.curation.review_text import ReviewText
    from mscsle.model.vocab import Vocab
    from mscsle.project import Project
    from mscsle.release import serialize
    from mscsle.release.graph import merged_graph
    from mscsle.release.import_modules import link
    from mscsle.release.pipeline import read_ontology

    project = Project(root)
    ontology = read_ontology(project)
    vocab = Vocab.from_ontology(ontology)
    records = load(
        project.root, project.entities, project.claims_dir, vocab, ReviewText.read(source) if source else None
    )
    mapping_set = load_mappings(project, ontology, records)
    graph = serialize.canonical(
        link(merged_graph(ontology, records, vocab, project.settings()["release"]), mapping_set)
    )
    if not validate(graph, load_shapes(project.shapes_dir)).conforms:
        raise SystemExit("SHACL: the graph does not conform")
    out.write_bytes(serialize.ntriples(graph))


# ---------------------------------------------------------------------------------------------------- the runner


def run_child(cmd: list[str], timeout: float | None = None, cwd: Path = ROOT) -> dict:
    """Wall time, peak RSS (this child alone, from wait4) and exit code of one process; killed after `timeout`."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = None if timeout is None else t + timeout
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            timed_out = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "exit": proc.returncode,
        "timed_out": timed_out,
        "stderr": err[-2000:],
    }


def _self(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def _median_runs(runs: list[dict]) -> dict:
    ok = [r for r in runs if r["exit"] == 0]
    if not ok:
        raise SystemExit(f"benchmark child failed:\n{runs[-1]['stderr']}")
    return {
        "wall_s": statistics.median(r["wall_s"] for r in ok),
        "cpu_s": statistics.median(r["cpu_s"] for r in ok),
        "rss_mb": statistics.median(r["rss_mb"] for r in ok),
        "runs": len(ok),
        "wall_all_s": [r["wall_s"] for r in ok],
    }


def prepare(size: str, work: Path, source: Path | None) -> tuple[Path, float | None]:
    """The project to build: the real one (review) or a synthetic one (generated once per work folder)."""
    if size == "review":
        return ROOT, None
    from synthetic import write_project

    folder = work / f"synthetic-{int(size)}"
    if (folder / "data" / "entities.tsv").is_file():
        return folder, None
    t = time.perf_counter()
    write_project(int(size), folder, source)
    return folder, time.perf_counter() - t


def bench_size(size: str, work: Path, source: Path | None, repeat: int, naive_budget: float, naive_cap: float) -> dict:
    root, generated = prepare(size, work, source)
    src = [str(source)] if source else []
    scratch = Path(tempfile.mkdtemp(prefix=f"run-{size}-", dir=work))
    res: dict = {"size": size, "root": str(root), "generate_records_s": generated}

    fast_runs = []
    for i in range(repeat):
        out, nt = scratch / f"fast-{i}.json", scratch / "mscsle.nt"
        child = run_child(_self("worker", "fast", str(root), str(out), str(nt), *src))
        if child["exit"] != 0:
            raise SystemExit(f"fast worker failed at {size}:\n{child['stderr']}")
        data = json.loads(out.read_text(encoding="utf-8"))
        data["process"] = child
        fast_runs.append(data)
    res["fast"] = {
        "stages": {k: statistics.median(r["stages"][k] for r in fast_runs) for k in FAST_STAGES},
        "cpu": {k: statistics.median(r["cpu"][k] for r in fast_runs) for k in FAST_STAGES},
        "queries": {k: statistics.median(r["queries"][k] for r in fast_runs) for k in fast_runs[0]["queries"]},
        "worker_rss_mb": statistics.median(r["peak_rss_mb"] for r in fast_runs),
        "answers": fast_runs[0]["answers"],
    }
    for k in ("claims", "entities", "triples", "quotes_verified"):
        res[k] = fast_runs[0][k]

    build = [str(x) for x in ("-m", "mscsle", "--root", root, "build", "--out", scratch / "dist")]
    if source:
        build += ["--source-text", str(source)]
    res["build_process"] = _median_runs([run_child([sys.executable, *build]) for _ in range(repeat)])
    res["to_nt_process"] = _median_runs(
        [run_child(_self("worker", "to-nt", str(root), str(scratch / "to.nt"), *src)) for _ in range(repeat)]
    )

    out = scratch / "naive.json"
    child = run_child(
        _self("worker", "naive", str(root), str(scratch / "mscsle.nt"), str(out), str(naive_cap)), timeout=naive_budget
    )
    naive = (
        json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {"stages": {}, "queries": {}, "running": None}
    )
    if child["exit"] != 0 and not child["timed_out"]:
        raise SystemExit(f"naive worker failed at {size}:\n{child['stderr']}")
    cut = naive.get("running")
    res["naive"] = {
        "stages": naive["stages"],
        "queries": naive["queries"],
        "capped": naive.get("cut", {}),
        "shacl_conforms": naive.get("shacl_conforms"),
        "shacl_violations": naive.get("shacl_violations"),
        "cap_s": naive_cap,
        "process": child,
        "budget_s": naive_budget,
        "cut_off": None
        if not child["timed_out"] or not cut
        else {"key": cut["key"], "table": cut["table"], "after_s": time.time() - cut["since"]},
    }

    if size == "review" and os.environ.get("MSCSLE_BENCH_NO_REASON") != "1":
        reason = run_child(
            [sys.executable, "-m", "mscsle", "--root", str(root), "reason", "--dist", str(scratch / "dist")]
        )
        res["reasoning"] = reason if reason["exit"] == 0 else {**reason, "error": reason["stderr"][-500:]}
    shutil.rmtree(scratch, ignore_errors=True)
    return res


# ---------------------------------------------------------------------------------------------------- the report


def _naive_value(res: dict, table: str, key: str) -> tuple[float | None, bool]:
    """The naive figure, and whether it is only a lower bound (cut off by the budget)."""
    naive = res["naive"]
    if key in naive[table]:
        return naive[table][key], False
    if f"{table}:{key}" in naive["capped"]:
        return naive["capped"][f"{table}:{key}"], True
    cut = naive["cut_off"]
    if cut and cut["table"] == table and cut["key"] == key:
        return cut["after_s"], True
    return None, False


def _cell(fast: float | None, naive: float | None, lower: bool, unit: str = "s") -> str:
    if fast is None:
        return "—"
    text = f"{fast * 1000:.1f} ms" if unit == "ms" else f"{fast:.3f} s"
    if naive is None:
        return text
    return (
        f"{text} ({'≥ ' if lower else ''}×{naive / fast:,.0f})"
        if naive / fast >= 10
        else f"{text} ({'≥ ' if lower else ''}×{naive / fast:.1f})"
    )


def check_targets(results: dict[str, dict]) -> list[dict]:
    out = []

    def target(name: str, measured: float | None, limit: float, unit: str, what: str) -> None:
        if measured is None:
            out.append({"target": name, "what": what, "limit": limit, "unit": unit, "measured": None, "holds": None})
            return
        holds = measured <= limit
        out.append(
            {
                "target": name,
                "what": what,
                "limit": limit,
                "unit": unit,
                "measured": measured,
                "holds": holds,
                "missed_by": None if holds else measured / limit,
            }
        )

    review, k10, k100 = results.get("review"), results.get("10000"), results.get("100000")
    target(
        "review_build_s",
        review and review["build_process"]["wall_s"],
        TARGETS["review_build_s"],
        "s",
        "`mscsle build` of the review graph, whole process",
    )
    target(
        "nt_100k_s",
        k100 and k100["to_nt_process"]["wall_s"],
        TARGETS["nt_100k_s"],
        "s",
        "100k claims read, generated, validated and written as N-Triples (one process)",
    )
    target(
        "nt_100k_rss_mb",
        k100 and k100["to_nt_process"]["rss_mb"],
        TARGETS["nt_100k_rss_mb"],
        "MB",
        "peak RSS of that process",
    )

    def slowest(res: dict | None) -> float | None:
        return res and max(v for k, v in res["fast"]["queries"].items() if not k.startswith(EXPORT)) * 1000

    target(
        "query_review_ms",
        slowest(review),
        TARGETS["query_review_ms"],
        "ms",
        "slowest stored query (`mscsle query`) on the review graph, embedded store",
    )
    target(
        "query_100k_ms",
        slowest(k100),
        TARGETS["query_100k_ms"],
        "ms",
        "slowest stored query (`mscsle query`) at 100k claims, embedded store",
    )
    target(
        "growth_10k_100k",
        k10 and k100 and k100["to_nt_process"]["wall_s"] / k10["to_nt_process"]["wall_s"],
        TARGETS["growth_10k_100k"],
        "×",
        "growth of that pipeline's wall time from 10k to 100k claims",
    )
    return out


def markdown(report: dict) -> str:
    results = report["results"]
    sizes = list(results)
    label = {s: ("review" if s == "review" else f"{int(s) // 1000}k") for s in sizes}
    head = (
        "| stage | "
        + " | ".join(f"{label[s]} ({results[s]['claims']:,} claims, {results[s]['triples']:,} triples)" for s in sizes)
        + " |"
    )
    rows = [head, "| --- |" + " --- |" * len(sizes)]

    def row(name: str, cells: list[str]) -> None:
        rows.append(f"| {name} | " + " | ".join(cells) + " |")

    row(
        "generate synthetic records (benchmark only)",
        [f"{results[s]['generate_records_s']:.1f} s" if results[s]["generate_records_s"] else "—" for s in sizes],
    )
    for key, what in FAST_STAGES.items():
        cells = []
        for s in sizes:
            naive, lower = _naive_value(results[s], "stages", key)
            cells.append(_cell(results[s]["fast"]["stages"][key], naive, lower))
        row(what, cells)
    queries = sorted({q for s in sizes for q in results[s]["fast"]["queries"]})
    for q in queries:
        cells = []
        for s in sizes:
            naive, lower = _naive_value(results[s], "queries", q)
            cells.append(_cell(results[s]["fast"]["queries"].get(q), naive, lower, unit="ms"))
        row(f"query `{q}`" + (" (builds claims.tsv)" if q.startswith(EXPORT) else ""), cells)
    for key, what in (
        ("build_process", "**whole `mscsle build` process**"),
        ("to_nt_process", "**pipeline to N-Triples, one process**"),
    ):
        row(
            f"{what} (wall, CPU, peak RSS)",
            [
                f"**{results[s][key]['wall_s']:.2f} s**, CPU {results[s][key]['cpu_s']:.2f} s, "
                f"{results[s][key]['rss_mb']:,.0f} MB"
                for s in sizes
            ],
        )
    cells = []
    for s in sizes:
        p = results[s]["naive"]["process"]
        cut = results[s]["naive"]["cut_off"]
        cells.append(
            (f"> {p['wall_s']:.0f} s (cut off in {cut['key']})" if p["timed_out"] else f"{p['wall_s']:.2f} s")
            + f", {p['rss_mb']:,.0f} MB"
        )
    row("naive pipeline, one process (wall, peak RSS)", cells)
    cells = []
    for s in sizes:
        r = results[s].get("reasoning")
        cells.append(
            "—"
            if r is None
            else (
                f"{r['wall_s']:.2f} s, {r['rss_mb']:,.0f} MB (+ JVM)"
                if r["exit"] == 0
                else f"failed (exit {r['exit']})"
            )
        )
    row("reasoning: `mscsle reason` (HermiT via owlready2), whole process", cells)

    unconform = [
        f"{label[s]}: {results[s]['naive']['shacl_violations']:,} violations"
        for s in sizes
        if results[s]["naive"].get("shacl_conforms") is False
    ]
    if unconform:
        rows += [
            "",
            "The naive SHACL run (RDFS inference) does not conform (" + "; ".join(unconform) + "): the inference "
            "types every entity with all its superclasses, so *an entity has exactly one kind* fails. The shapes "
            "are written for the asserted graph, which is what the build validates.",
        ]
    lines = [
        f"Measured {report['when']} on {report['machine']} by `{report['command']}`; "
        f"medians of {report['repeat']} run(s) ({report['repeat_large']} at 100k claims and more). A cell reads: "
        "wall time of the fast pipeline (× how many times longer the naive pipeline took: rdflib Graph + pySHACL "
        "with RDFS inference + rdflib serialisers and SPARQL, on the same N-Triples, in the same run; "
        f"≥ where that naive stage was stopped after {report['naive_cap_s']:.0f} s, or a query after "
        f"{report['naive_cap_s'] / 4:.0f} s).",
        "",
        *rows,
        "",
        "| target | limit | measured | holds |",
        "| --- | --- | --- | --- |",
    ]
    for t in report["targets"]:
        m = "not measured" if t["measured"] is None else f"{t['measured']:,.2f} {t['unit']}"
        holds = "—" if t["holds"] is None else ("yes" if t["holds"] else f"**no**: {t['missed_by']:.2f} × the limit")
        lines.append(f"| {t['what']} | {t['limit']:,g} {t['unit']} | {m} | {holds} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="review,1000,10000,100000", help="comma-separated: review and/or claim counts")
    ap.add_argument("--repeat", type=int, default=None, help="runs per measurement (medians); default 3")
    ap.add_argument(
        "--naive-budget",
        type=float,
        default=None,
        help="seconds the naive pipeline's process gets per size (then it is killed); default 1800",
    )
    ap.add_argument(
        "--naive-cap",
        type=float,
        default=None,
        help="seconds one naive stage gets (a quarter of it per query), then it is stopped and reported "
        "as a lower bound; default 120",
    )
    ap.add_argument(
        "--repeat-large", type=int, default=1, help="runs per measurement at 100k claims and more; default 1"
    )
    ap.add_argument("--out", type=Path, default=HERE / "results", help="folder for latest.json and latest.md")
    ap.add_argument(
        "--work", type=Path, default=None, help="folder for synthetic projects (kept; default: a temporary one)"
    )
    ap.add_argument(
        "--source-text",
        type=Path,
        default=ROOT / "data" / "review" / "review.txt",
        help="the review's text: quotes verified and synthetic quotes taken from it (skipped if absent)",
    )
    ap.add_argument("--smoke", action="store_true", help="1k claims, one run, a 10 s naive budget: for CI")
    ap.add_argument("--no-reason", action="store_true", help="skip the reasoning stage")
    ap.add_argument("--readme", action="store_true", help="also put the table into README.md (section 'Performance')")
    args = ap.parse_args()
    if args.smoke:
        args.sizes = "1000"
    args.repeat = args.repeat or (1 if args.smoke else 3)
    args.naive_budget = args.naive_budget or (30.0 if args.smoke else 1800.0)
    args.naive_cap = args.naive_cap or (4.0 if args.smoke else 120.0)
    if args.no_reason:
        os.environ["MSCSLE_BENCH_NO_REASON"] = "1"
    source = args.source_text if args.source_text and args.source_text.is_file() else None
    work = args.work or Path(tempfile.mkdtemp(prefix="mscsle-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    try:
        for size in args.sizes.split(","):
            print(f"[bench] {size} ...", file=sys.stderr, flush=True)
            repeat = args.repeat_large if size != "review" and int(size) >= 100_000 else args.repeat
            results[size] = bench_size(size, work, source, repeat, args.naive_budget, args.naive_cap)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "command": "python benchmarks/bench.py " + " ".join(sys.argv[1:]),
        "repeat": args.repeat,
        "repeat_large": args.repeat_large,
        "naive_budget_s": args.naive_budget,
        "naive_cap_s": args.naive_cap,
        "quotes_verified": source is not None,
        "stages": FAST_STAGES,
        "targets_limits": TARGETS,
        "results": results,
    }
    report["targets"] = check_targets(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (args.out / "latest.md").write_text(markdown(report), encoding="utf-8")
    if args.readme:
        update_readme(ROOT / "README.md", markdown(report))
    print(markdown(report))


README_START = "<!-- benchmark table: written by `python benchmarks/bench.py --readme` -->"
README_END = "<!-- end of benchmark table -->"


def update_readme(readme: Path, table: str) -> None:
    """Replace the table between the two markers of README.md's Performance section."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(
            f"{readme}: the markers of the benchmark table are missing ({README_START!r} ... {README_END!r})"
        )
    readme.write_text(text[: start + len(README_START)] + "\n" + table + text[end:], encoding="utf-8")


def worker_main(argv: list[str]) -> None:
    mode, root = argv[0], Path(argv[1])
    if mode == "fast":
        worker_fast(root, Path(argv[4]) if len(argv) > 4 else None, Path(argv[2]), Path(argv[3]))
    elif mode == "naive":
        worker_naive(root, Path(argv[2]), Path(argv[3]), float(argv[4]))
    elif mode == "to-nt":
        worker_to_nt(root, Path(argv[3]) if len(argv) > 3 else None, Path(argv[2]))
    else:
        raise SystemExit(f"unknown worker {mode!r}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker_main(sys.argv[2:])
    else:
        main()
