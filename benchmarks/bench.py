"""The build, stage by stage, against the naive rdflib/pySHACL pipeline doing the same job in the same run.

Each size (the review, or N synthetic claims) runs in fresh processes, so one size's memory never pads another's:
- mscsle: the build's own stages as `assemble()` runs them, in one worker process (wall time, CPU time and the
  peak RSS reached by the end of each stage), then every stored query (queries/**/*.rq) on the embedded store
  that `mscsle query` uses (median of several runs);
- engine floors: the queries of benchmarks/floors/ on the same store, each the least that a kind of stored
  query costs in this engine (every triple read, one sorted row per claim, the six fields every claim has);
- build process: the whole `mscsle build` command as a child process (wall and CPU time from wait4(), the
  peak of the summed RSS of it and every process it forks, sampled);
- naive: the same job the textbook way, in one worker process with a time budget: the same records read, an
  rdflib Graph of the same triples, pySHACL (no inference, as the build), rdflib's writers for every format
  (JSON-LD compacted with the context), the claims table and every stored query through rdflib's SPARQL.
  A stage stopped by its cap is reported as a lower bound ("≥").

It prints ONE table (size, stage, mscsle, naive, ratio, peak RSS) and writes it with the machine's load
(`uptime` before and after each size) to <out>/latest.md and <out>/latest.json, with the targets of issue 18.

    python benchmarks/bench.py                                   # review, 10k and 100k claims
    python benchmarks/bench.py --sizes review,1000 --repeat 3    # a quick look
    python benchmarks/bench.py --smoke --out "${TMPDIR:-/tmp}/bench"         # CI: 1k claims, one run, a short naive budget
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

FAST_STAGES = {  # key -> what it measures (in the order assemble() runs them in one process)
    "ontology": "read ontology/mscsle.ttl, vocabularies",
    "records": "read and check data/ (entities, claims; quotes verified against the review)",
    "mappings": "read and check the mappings",
    "graph": "generate the graph in its named graphs (+ sorted N-Triples)",
    "tsv": "write claims.tsv and mscsle-opt-in.* (from the records; naive: the two export queries)",
    "qc": "QC report (store + inferred memberships + queries/qc/)",
    "shacl": "SHACL validation against shapes/",
    "sssom": "write mscsle.sssom.tsv and shacl-report.ttl",
    "rdf": "write mscsle.nq, .ttl, .trig, .owl (RDF/XML) and .jsonld (one pass over the sorted lines)",
    "interop": "write nanopubs.trig and kgx/ (from the sorted N-Triples)",
}
NAIVE_STAGES = ("records", "graph", "nt", "ttl", "owl", "jsonld", "nq", "trig", "shacl", "tsv", "queries")
STAGE_NAMES = {**FAST_STAGES, "nt": "write mscsle.nt"}
NAIVE_PARTS = {"rdf": ("nq", "ttl", "trig", "owl", "jsonld")}  # a stage of the build that the naive pipeline splits
TARGETS = {  # issue 18
    "build_100k_s": 30.0,
    "build_100k_rss_mb": 2048.0,
    "build_100k_one_s": 30.0,  # the same two limits for `mscsle build --jobs 1` (one process)
    "build_100k_one_rss_mb": 2048.0,
    "naive_ratio_100k": 8.0,  # at least
    "review_build_s": 1.0,
    "query_review_ms": 10.0,
    "query_100k_ms": 500.0,
    "growth_10k_100k": 11.0,
}
QUERY_RUNS = 5  # runs per stored query in a worker (one on 200 MB of N-Triples or more); the median counts


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


class Cut(Exception):
    """A naive stage ran out of its time cap (rdflib and pySHACL are pure Python: the alarm stops them cleanly)."""


def _cut(signum: int, frame: object) -> None:
    raise Cut()


class Recorder:
    """Stage timings written to a JSON file after every stage, so a worker cut off by its budget loses only one."""

    def __init__(self, path: Path):
        self.path = path
        self.data: dict = {"stages": {}, "cpu": {}, "rss": {}, "queries": {}, "floors": {}, "cut": {}, "running": None}

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
            self.data["cut"][f"{table}:{key}"] = time.perf_counter() - t
        else:
            self.data[table][key] = time.perf_counter() - t
            if table == "stages":
                self.data["cpu"][key] = time.process_time() - c
        finally:
            if cap:
                signal.setitimer(signal.ITIMER_REAL, 0)
        if table == "stages":
            self.data["rss"][key] = peak_rss_mb()
        self.data["running"] = None
        self.flush()


def floor_queries() -> dict[str, str]:
    """benchmarks/floors/*.rq by name: the least a kind of stored query costs in the engine (not stored queries)."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted((HERE / "floors").glob("*.rq"))}


def floor_description(name: str) -> str:
    """What a floor query measures: its first comment, up to the colon."""
    first = (HERE / "floors" / f"{name}.rq").read_text(encoding="utf-8").split("\n", 1)[0]
    return first.removeprefix("# ").split(":", 1)[0]


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


def worker_fast(root: Path, source: Path | None, out: Path) -> None:
    """The build's stages, one after the other, as assemble() runs them (cyclic GC paused, as there)."""
    from mscsle.release.memory import paused_gc

    with paused_gc():
        _fast_stages(root, source, out)


def _fast_stages(root: Path, source: Path | None, out: Path) -> None:
    from mscsle.checks.qc import release_checks
    from mscsle.checks.shacl import load_shapes, validate
    from mscsle.curation.mappings import load_mappings
    from mscsle.curation.records import load
    from mscsle.curation.review_text import ReviewText
    from mscsle.model.vocab import Vocab
    from mscsle.project import Project
    from mscsle.query.stored import load_store
    from mscsle.release import serialize
    from mscsle.release.claims_tsv import claims_tsv
    from mscsle.release.interop import interop_files
    from mscsle.release.memory import give_back_memory
    from mscsle.release.pipeline import (
        make_graph,
        opt_in_files,
        qc_store,
        rdf_files,
        read_ontology,
        read_terms,
        with_memberships,
    )
    from mscsle.release.quad_graph import QuadGraph
    from mscsle.release.spool import Spool
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
    with rec.stage("graph"):
        terms = read_terms(project, records, mapping_set)
        merged, side = make_graph(ontology, records, vocab, mapping_set, release, terms)
    with rec.stage("tsv"):
        claims_tsv(records, ontology, terms, vocab.sections)
        opt_in_files(records, terms)
    rec.data.update(claims=len(records.claims), entities=len(records.entities))
    del records  # as the build does: gone before the QC store
    give_back_memory()
    with rec.stage("qc"):
        store = qc_store(merged)
        merged = with_memberships(merged, side, store)
        release_checks(store, project.queries_dir, project.qc_exceptions)
        del store
        give_back_memory()
    with rec.stage("shacl"):
        report = validate(merged.nt, load_shapes(project.shapes_dir))
        give_back_memory()
    if not report.conforms:
        raise SystemExit(f"SHACL: the graph does not conform:\n{report.text}")
    nt = merged.nt
    with rec.stage("sssom"):
        serialize.turtle(serialize.canonical(report.graph))
        sssom_tsv(mapping_set, side, release, terms.iris)
    del side
    give_back_memory()
    with rec.stage("rdf"):
        rdf_files(merged, Spool())
    with rec.stage("interop"):
        interop_files(QuadGraph(nt), release, Spool())
    rec.data.update(triples=len(merged))
    del merged
    store = load_store(nt)  # what `mscsle query` does with dist/mscsle.nt
    answers = {}
    for table, queries in (("queries", all_queries(project.queries_dir)), ("floors", floor_queries())):
        for name, sparql in queries.items():
            runs = []
            for _ in range(QUERY_RUNS if len(nt) < 200_000_000 else 1):
                t = time.perf_counter()
                n = _consume(store.query(sparql))
                runs.append(time.perf_counter() - t)
            rec.data[table][name] = statistics.median(runs)
            if table == "queries":
                answers[name] = n
    rec.data["answers"] = answers
    rec.flush()


def worker_naive(root: Path, source: Path | None, out: Path, cap: float, query_cap: float) -> None:
    """The same job the naive way: an rdflib Graph, pySHACL, rdflib's writers and SPARQL."""
    from pyshacl import validate as shacl_validate
    from rdflib import Dataset, Graph, URIRef

    from mscsle.checks.shacl import load_shapes
    from mscsle.curation.mappings import load_mappings
    from mscsle.curation.records import load
    from mscsle.curation.review_text import ReviewText
    from mscsle.model.prefixes import jsonld_context, sparql_prologue
    from mscsle.model.vocab import Vocab
    from mscsle.project import Project
    from mscsle.release.graph import merged_graph
    from mscsle.release.import_modules import link
    from mscsle.release.pipeline import read_ontology

    project = Project(root)
    rec = Recorder(out)
    graph = Graph()
    for stage in NAIVE_STAGES:
        if stage == "records":
            with rec.stage("records"):
                ontology = read_ontology(project)
                vocab = Vocab.from_ontology(ontology)
                records = load(
                    project.root,
                    project.entities,
                    project.claims_dir,
                    vocab,
                    ReviewText.read(source) if source else None,
                )
                mapping_set = load_mappings(project, ontology, records)
        elif stage == "graph":
            with rec.stage("graph"):
                graph = link(merged_graph(ontology, records, vocab, project.settings()["release"]), mapping_set)
        elif stage == "shacl":
            with rec.stage("shacl", cap=cap):
                shacl_validate(graph, shacl_graph=load_shapes(project.shapes_dir), inference="none", advanced=False)
        elif stage in ("nq", "trig"):
            with rec.stage(stage, cap=cap):
                ds = Dataset()
                ds.graph(URIRef("https://w3id.org/mscsle/graph/data")).addN(
                    (*t, ds.graph(URIRef("https://w3id.org/mscsle/graph/data"))) for t in graph
                )
                ds.serialize(format="nquads" if stage == "nq" else "trig")
        elif stage == "tsv":
            export = project.queries_dir / "export"
            with rec.stage("tsv", cap=cap):
                for name in ("claims-table", "claim-references"):
                    _consume(graph.query(sparql_prologue() + (export / f"{name}.rq").read_text(encoding="utf-8")))
        elif stage == "queries":
            for name, sparql in all_queries(project.queries_dir).items():
                with rec.stage(name, table="queries", cap=query_cap):
                    _consume(graph.query(sparql))
        else:
            fmt = {"nt": "nt", "ttl": "longturtle", "owl": "xml", "jsonld": "json-ld"}[stage]
            with rec.stage(stage, cap=cap):
                if fmt == "json-ld":
                    graph.serialize(format=fmt, context=jsonld_context()["@context"], auto_compact=True)
                else:
                    graph.serialize(format=fmt)


# ---------------------------------------------------------------------------------------------------- the runner


RSS_EVERY = 0.01  # seconds between samples of the build's memory (see run_child)


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants now (Linux: /proc/<pid>/task/<tid>/children); gone ones are skipped."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{p}/task/{tid}/children", encoding="ascii") as fh:
                    todo += [int(c) for c in fh.read().split()]
            except OSError:
                pass
    return found


def tree_rss_kb(pid: int) -> int:
    """The summed resident set size (kB) of `pid` and its descendants (VmRSS: cheap to read, unlike PSS, whose page
    walk would take CPU from the build measured). Pages a forked child still shares with its parent count in each:
    an upper bound of what the tree holds (the build forks while small, so by some tens of MB)."""
    total = 0
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/status", encoding="ascii") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass  # ended between the listing and the reading
    return total


def run_child(cmd: list[str], timeout: float | None = None, cwd: Path = ROOT) -> dict:
    """Wall time, CPU time (from wait4: the child's and that of the processes it waited for), peak memory and exit
    code of one process. Peak memory: the summed RSS of the child and all its descendants, sampled every RSS_EVERY
    seconds, or wait4's peak RSS (one process's, never missed by sampling) if that is higher."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = None if timeout is None else t + timeout
    timed_out = False
    peak_kb = 0
    while True:
        peak_kb = max(peak_kb, tree_rss_kb(proc.pid))
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            timed_out = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(RSS_EVERY)
    wall = time.perf_counter() - t
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_mb": max(peak_kb, usage.ru_maxrss) / 1024,
        "exit": os.waitstatus_to_exitcode(status),
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


def bench_size(
    size: str, work: Path, source: Path | None, repeat: int, naive_budget: float, naive_cap: float, query_cap: float
) -> dict:
    root, generated = prepare(size, work, source)
    src = [str(source)] if source else []
    scratch = Path(tempfile.mkdtemp(prefix=f"run-{size}-", dir=work))
    res: dict = {"size": size, "generate_records_s": generated, "load_before": uptime()}

    build = [sys.executable, "-m", "mscsle", "--root", str(root), "build", "--out", str(scratch / "dist")]
    if source:
        build += ["--source-text", str(source)]
    res["build_process"] = _median_runs([run_child(build) for _ in range(repeat)])
    res["build_process_one"] = _median_runs([run_child([*build, "--jobs", "1"]) for _ in range(repeat)])

    fast_runs = []
    for i in range(repeat):
        out = scratch / f"fast-{i}.json"
        child = run_child(_self("worker", "fast", str(root), str(out), *src))
        if child["exit"] != 0:
            raise SystemExit(f"fast worker failed at {size}:\n{child['stderr']}")
        fast_runs.append(json.loads(out.read_text(encoding="utf-8")))
    res["fast"] = {
        table: {k: statistics.median(r[table][k] for r in fast_runs) for k in fast_runs[0][table]}
        for table in ("stages", "cpu", "rss", "queries", "floors")
    }
    res["fast"]["answers"] = fast_runs[0]["answers"]
    for k in ("claims", "entities", "triples"):
        res[k] = fast_runs[0][k]

    out = scratch / "naive.json"
    child = run_child(
        _self("worker", "naive", str(root), str(out), str(naive_cap), str(query_cap), *src), timeout=naive_budget
    )
    naive = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else Recorder(out).data
    if child["exit"] != 0 and not child["timed_out"]:
        raise SystemExit(f"naive worker failed at {size}:\n{child['stderr']}")
    cut = naive.get("running")
    if child["timed_out"] and cut:  # the stage the budget stopped counts as a lower bound
        naive["cut"][f"{cut['table']}:{cut['key']}"] = time.time() - cut["since"]
    res["naive"] = {**{k: naive[k] for k in ("stages", "rss", "queries", "cut")}, "process": child}
    res["load_after"] = uptime()
    shutil.rmtree(scratch, ignore_errors=True)
    return res


# ---------------------------------------------------------------------------------------------------- the report


def naive_value(res: dict, table: str, key: str) -> tuple[float | None, bool]:
    """The naive figure, and whether it is only a lower bound (stopped by a cap or the budget)."""
    naive = res["naive"]
    if key in NAIVE_PARTS:
        parts = [naive_value(res, table, k) for k in NAIVE_PARTS[key]]
        known = [v for v, _ in parts if v is not None]
        return (sum(known) if known else None), any(cut or v is None for v, cut in parts)
    if key in naive[table]:
        return naive[table][key], False
    if f"{table}:{key}" in naive["cut"]:
        return naive["cut"][f"{table}:{key}"], True
    return None, False


def naive_total(res: dict) -> tuple[float, bool]:
    """The naive pipeline's time for the build's job (every stage but the stored queries), lower bound or not."""
    total, lower = 0.0, False
    for key in NAIVE_STAGES:
        if key == "queries":
            continue
        value, cut = naive_value(res, "stages", key)
        total += value or 0.0
        lower = lower or cut or value is None
    return total, lower


def _ratio(fast: float | None, naive: float | None, lower: bool) -> str:
    if not fast or naive is None:
        return "—"
    r = naive / fast
    return f"{'≥ ' if lower else ''}{r:,.0f}×" if r >= 10 else f"{'≥ ' if lower else ''}{r:.1f}×"


def _time(v: float | None, lower: bool = False, unit: str = "s") -> str:
    if v is None:
        return "—"
    return f"{'≥ ' if lower else ''}" + (f"{v * 1000:,.1f} ms" if unit == "ms" else f"{v:,.2f} s")


def _label(s: str) -> str:
    return "review" if s == "review" else f"{int(s) // 1000}k"


def check_targets(results: dict[str, dict]) -> list[dict]:
    review, k10, k100 = results.get("review"), results.get("10000"), results.get("100000")
    out = []

    def target(name: str, measured: float | None, what: str, at_least: bool = False) -> None:
        limit = TARGETS[name]
        holds = None if measured is None else (measured >= limit if at_least else measured <= limit)
        out.append({"target": name, "what": what, "limit": limit, "measured": measured, "holds": holds})

    def slowest(res: dict | None) -> float | None:
        return res and max(res["fast"]["queries"].values()) * 1000

    target("build_100k_s", k100 and k100["build_process"]["wall_s"], "`mscsle build` of 100k claims, whole process (s)")
    target(
        "build_100k_rss_mb",
        k100 and k100["build_process"]["rss_mb"],
        "its peak memory (MB, summed RSS of its processes)",
    )
    one = k100 and k100.get("build_process_one")
    target("build_100k_one_s", one and one["wall_s"], "`mscsle build --jobs 1` (one process) of 100k claims (s)")
    target("build_100k_one_rss_mb", one and one["rss_mb"], "its peak memory (MB)")
    target(
        "naive_ratio_100k",
        k100 and naive_total(k100)[0] / k100["build_process"]["wall_s"],
        "naive pipeline's stages ÷ that process, at 100k (×, at least)",
        at_least=True,
    )
    target("review_build_s", review and review["build_process"]["wall_s"], "`mscsle build` of the review (s)")
    target("query_review_ms", slowest(review), "slowest stored query on the review graph (ms)")
    target("query_100k_ms", slowest(k100), "slowest stored query at 100k claims, claims-table export included (ms)")
    target(
        "growth_10k_100k",
        k10 and k100 and k100["build_process"]["wall_s"] / k10["build_process"]["wall_s"],
        "growth of the whole build from 10k to 100k claims (×)",
    )
    return out


def markdown(report: dict) -> str:
    results = report["results"]
    rows = [
        "| size | stage | mscsle | naive | ratio | peak RSS mscsle / naive |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for s, res in results.items():
        size = f"{_label(s)} ({res['claims']:,} claims, {res['triples']:,} triples)"
        fast, naive = res["fast"], res["naive"]
        if res["generate_records_s"]:
            rows.append(
                f"| {size} | generate synthetic records (benchmark only) | {res['generate_records_s']:.2f} s | | | |"
            )
        for key in (*FAST_STAGES, "nt"):
            if key == "nt":
                mine, rss = None, None  # written by the graph stage itself (its sorted lines)
            else:
                mine, rss = fast["stages"][key], fast["rss"][key]
            nv, lower = naive_value(res, "stages", key)
            if key in ("ontology", "mappings"):
                continue  # the naive pipeline reads them in its "records" stage
            cpu = fast["cpu"].get(key)
            if key == "records":
                mine = sum(fast["stages"][k] for k in ("ontology", "records", "mappings"))
                cpu = sum(fast["cpu"][k] for k in ("ontology", "records", "mappings"))
            nrss = max((naive["rss"].get(k) or 0 for k in NAIVE_PARTS.get(key, (key,))), default=0) or None
            cells = [
                STAGE_NAMES[key] if key != "records" else "read ontology, records and mappings",
                f"{_time(mine)} (CPU {cpu:.2f} s)" if mine is not None else "(in the graph stage)",
                _time(nv, lower),
                _ratio(mine, nv, lower),
                f"{rss:,.0f} / {nrss:,.0f} MB" if rss and nrss else (f"{rss:,.0f} MB" if rss else ""),
            ]
            rows.append(f"| {size} | " + " | ".join(cells) + " |")
        for q, v in fast["queries"].items():
            nv, lower = naive_value(res, "queries", q)
            rows.append(
                f"| {size} | query `{q}` | {_time(v, unit='ms')} | {_time(nv, lower, 'ms')} | "
                f"{_ratio(v, nv, lower)} | |"
            )
        for q, v in fast["floors"].items():
            rows.append(
                f"| {size} | engine floor: {floor_description(q)} (`floors/{q}.rq`) | {_time(v, unit='ms')} | | | |"
            )
        bp, np_ = res["build_process"], naive["process"]
        total, lower = naive_total(res)
        rows.append(
            f"| {size} | **whole `mscsle build` process** (naive: the sum of its stages) | "
            f"**{_time(bp['wall_s'])}** (CPU {bp['cpu_s']:.2f} s) | {_time(total, lower)} | "
            f"**{_ratio(bp['wall_s'], total, lower)}** | "
            f"**{bp['rss_mb']:,.0f}** / {np_['rss_mb']:,.0f} MB |"
        )
        if one := res.get("build_process_one"):
            rows.append(
                f"| {size} | **whole `mscsle build --jobs 1` process** (one process) | "
                f"**{_time(one['wall_s'])}** (CPU {one['cpu_s']:.2f} s) | {_time(total, lower)} | "
                f"**{_ratio(one['wall_s'], total, lower)}** | **{one['rss_mb']:,.0f}** / {np_['rss_mb']:,.0f} MB |"
            )
    lines = [
        f"Measured {report['when']} on {report['machine']} by `{report['command']}`; medians of "
        f"{report['repeat']} run(s) ({report['repeat_large']} at 100k claims). mscsle: the build's stages "
        "(`assemble()`), then each stored query on the embedded store (median of 5); naive: the same job with an "
        "rdflib Graph, pySHACL (no inference), rdflib's writers and rdflib's SPARQL, in the same run; ≥ where a "
        f"naive stage was stopped after {report['naive_cap_s']:g} s (a query after {report['naive_query_cap_s']:g} s)."
        " Peak RSS: the worker's peak by the end of the stage; the last row is the whole process: the peak of the"
        " summed RSS of it and the processes it forks (sampled every 10 ms). mscsle cells"
        " give wall time and CPU time: on a loaded machine the CPU time is what the code costs.",
        "",
        *rows,
        "",
        "Machine load (`uptime`; 2 cores shared with other work, so wall times carry its noise):",
        "",
        *[f"- {_label(s)}: before `{r['load_before']}`; after `{r['load_after']}`" for s, r in results.items()],
        "",
        "Targets (issue 18):",
        "",
    ]
    for t in report["targets"]:
        m = "not measured" if t["measured"] is None else f"{t['measured']:,.2f}"
        holds = "—" if t["holds"] is None else ("holds" if t["holds"] else "**missed**")
        lines.append(f"- {t['what']}: limit {t['limit']:,g}, measured {m}: {holds}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="review,10000,100000", help="comma-separated: review and/or claim counts")
    ap.add_argument("--repeat", type=int, default=None, help="runs per measurement (medians); default 3")
    ap.add_argument("--repeat-large", type=int, default=1, help="runs per measurement at 100k claims and more")
    ap.add_argument("--naive-budget", type=float, default=None, help="seconds the naive process gets per size")
    ap.add_argument("--naive-cap", type=float, default=None, help="seconds one naive stage gets; default 120")
    ap.add_argument("--naive-query-cap", type=float, default=None, help="seconds one naive query gets; default 10")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="folder for latest.json and latest.md")
    ap.add_argument("--work", type=Path, default=None, help="folder for synthetic projects (kept if given)")
    ap.add_argument(
        "--source-text",
        type=Path,
        default=ROOT / "data" / "review" / "review.txt",
        help="the review's text: quotes verified and synthetic quotes taken from it",
    )
    ap.add_argument("--smoke", action="store_true", help="1k claims, one run, a short naive budget: for CI")
    ap.add_argument(
        "--resume", action="store_true", help="keep the sizes already in <out>/latest.json (a run cut short)"
    )
    ap.add_argument("--render", action="store_true", help="only write <out>/latest.md again from latest.json")
    args = ap.parse_args()
    if args.smoke:
        args.sizes = "1000"
    args.repeat = args.repeat or (1 if args.smoke else 3)
    args.naive_budget = args.naive_budget or (60.0 if args.smoke else 1800.0)
    args.naive_cap = args.naive_cap or (8.0 if args.smoke else 120.0)
    args.naive_query_cap = args.naive_query_cap or (0.5 if args.smoke else 10.0)
    if args.render:
        report = json.loads((args.out / "latest.json").read_text(encoding="utf-8"))
        report["targets"] = check_targets(report["results"])
        (args.out / "latest.md").write_text(markdown(report), encoding="utf-8")
        print(markdown(report))
        return
    source = args.source_text if args.source_text and args.source_text.is_file() else None
    work = args.work or Path(tempfile.mkdtemp(prefix="mscsle-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    if args.resume and (args.out / "latest.json").is_file():
        results = json.loads((args.out / "latest.json").read_text(encoding="utf-8"))["results"]
    try:
        for size in args.sizes.split(","):
            if size in results:
                continue
            print(f"[bench] {size} ... ({uptime()})", file=sys.stderr, flush=True)
            repeat = args.repeat_large if size != "review" and int(size) >= 100_000 else args.repeat
            results[size] = bench_size(
                size, work, source, repeat, args.naive_budget, args.naive_cap, args.naive_query_cap
            )
            write_report(args, source, results)  # after each size: a long run cut short keeps what it measured
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print((args.out / "latest.md").read_text(encoding="utf-8"))


def _portable(argv: list[str]) -> list[str]:
    """The command line as recorded: this machine's folders (--work, --out, --source-text) replaced by DIR."""
    return ["DIR" if i and argv[i - 1] in ("--work", "--out", "--source-text") else a for i, a in enumerate(argv)]


def write_report(args: argparse.Namespace, source: Path | None, results: dict[str, dict]) -> None:
    report = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "command": "python benchmarks/bench.py " + " ".join(_portable(sys.argv[1:])),
        "repeat": args.repeat,
        "repeat_large": args.repeat_large,
        "naive_budget_s": args.naive_budget,
        "naive_cap_s": args.naive_cap,
        "naive_query_cap_s": args.naive_query_cap,
        "quotes_verified": source is not None,
        "stages": FAST_STAGES,
        "targets_limits": TARGETS,
        "results": results,
    }
    report["targets"] = check_targets(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (args.out / "latest.md").write_text(markdown(report), encoding="utf-8")


def worker_main(argv: list[str]) -> None:
    mode, root, out = argv[0], Path(argv[1]), Path(argv[2])
    if mode == "fast":
        worker_fast(root, Path(argv[3]) if len(argv) > 3 else None, out)
    elif mode == "naive":
        worker_naive(root, Path(argv[5]) if len(argv) > 5 else None, out, float(argv[3]), float(argv[4]))
    else:
        raise SystemExit(f"unknown worker {mode!r}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        worker_main(sys.argv[2:])
    else:
        main()
