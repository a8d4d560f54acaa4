"""The release as a triplestore user gets it: each shipped dataset file, loaded into a fresh store with the shipped
set-up (Fuseki's TDB2 assembler, the Oxigraph script, or none for the default-graph N-Triples), answers every query
file of queries/, as it is, with the same rows as `mscsle query`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest

from mscsle.query.engines import EndpointEngine, Results, embedded
from mscsle.query.prefix_prologue import query_files, with_prologue
from mscsle.release.triplestore_configs import FUSEKI, OXIGRAPH, TDB2_LOCATION

from .conftest import ROOT
from .java_tools import JAVA_LIB, compile_checker, unavailable

QUERY_FILES = query_files(ROOT / "queries")
# Debian's libapache-jena-java and the libraries it depends on (`apt-cache depends libapache-jena-java`)
JENA_JARS = (
    *(
        f"jena-{m}"
        for m in (
            "arq base cmds core dboe-base dboe-index dboe-storage dboe-trans-data dboe-transaction iri "
            "rdfconnection tdb tdb2"
        ).split()
    ),
    *"commons-cli commons-codec commons-compress commons-csv commons-io commons-lang3 dexx.collection gson guava".split(),
    *"httpclient httpcore jackson-core jackson-databind jackson-annotations jsonld-java jakarta.json-api".split(),
    *"protobuf thrift titanium-json-ld caffeine slf4j-api slf4j-nop".split(),
)
INSTALL = "apt-get install -y openjdk-17-jdk-headless libapache-jena-java"


JENA = ("MSCSLE_REQUIRE_JENA", INSTALL)


@pytest.fixture(scope="module")
def expected(dist: Path) -> dict[Path, list[tuple[str, ...]]]:
    """What `mscsle query FILE` answers for every query file (the embedded engine over dist/mscsle.nq)."""
    engine = embedded(dist)
    return _answers({q: engine.run(with_prologue(q.read_text(encoding="utf-8"))) for q in QUERY_FILES})


def _answers(results: dict[Path, Results]) -> dict[Path, list[tuple[str, ...]]]:
    """Rows (or triples) sorted, blank nodes anonymised: equal for two stores that agree."""
    return {q: sorted(r.normalised()) for q, r in results.items()}


def test_expected_answers_are_not_empty(expected):
    """Every competency query answers on the release (the QC queries list violations: the release has none)."""
    questions = [q for q in expected if "qc" not in q.parts]
    answered = [q for q in questions if expected[q]]
    assert len(answered) >= len(questions) - 2 and len(questions) > 40, "most query files must answer on the release"


@pytest.mark.parametrize("name", ["mscsle.nt", "mscsle.nq", "mscsle.trig"])
def test_each_dataset_file_answers_every_query_in_a_fresh_store(name: str, dist: Path, expected):
    """mscsle.nt needs no setting (its triples are the default graph); the quads need the union default graph."""
    fmt = {"nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}[name.split(".")[1]]
    store = ox.Store()
    store.bulk_load(path=dist / name, format=fmt)
    union = name != "mscsle.nt"
    got = {
        q: Results.from_oxigraph(store.query(q.read_text(encoding="utf-8"), use_default_graph_as_union=union))
        for q in QUERY_FILES
    }
    assert _answers(got) == expected


def test_quads_without_the_union_setting_answer_nothing(dist: Path):
    """Why the set-ups turn the union default graph on: without it the default graph of the quads is empty."""
    store = ox.Store()
    store.bulk_load(path=dist / "mscsle.nq", format=ox.RdfFormat.N_QUADS)
    assert not list(store.query((ROOT / "queries" / "mouse-claims.rq").read_text(encoding="utf-8")))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_shipped_oxigraph_script_serves_every_query(dist: Path, expected, tmp_path: Path):
    oxigraph = shutil.which("oxigraph") or str(Path(os.sys.executable).parent / "oxigraph")
    if not Path(oxigraph).is_file():
        pytest.fail("the `oxigraph` command (a dependency of mscsle) is not installed")
    port = _free_port()
    env = {**os.environ, "PATH": f"{Path(oxigraph).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.Popen(
        ["sh", str(dist / OXIGRAPH), str(tmp_path / "store"), str(port)],
        cwd=dist,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        engine = EndpointEngine(f"http://127.0.0.1:{port}/query")
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "the server stopped"
                assert time.monotonic() < deadline, "the Oxigraph server did not start"
                time.sleep(0.2)
        got = {q: engine.run(q.read_text(encoding="utf-8")) for q in QUERY_FILES}
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
    assert _answers(got) == expected


@pytest.fixture(scope="module")
def jena(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """`java` arguments up to the main class: Jena's jars, the message-bundle fix, and tests/java/JenaQueries."""
    jars = [JAVA_LIB / f"{n}.jar" for n in JENA_JARS]
    missing = [j.name for j in jars if not j.is_file()]
    if missing:
        unavailable(f"Apache Jena's jars are not in {JAVA_LIB} (missing: {', '.join(missing)})", JENA)
    # jena-core.jar moves the shaded Xerces classes to xerces.* but leaves their message bundles under
    # org/apache/jena/ext/xerces/: copied to xerces/ first on the classpath, the tools start (tool-facts.md).
    fix = tmp_path_factory.mktemp("jena-fix")
    with zipfile.ZipFile(JAVA_LIB / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = fix / "xerces" / name[len("org/apache/jena/ext/xerces/") :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    classes = tmp_path_factory.mktemp("jenaqueries")
    return compile_checker(ROOT / "tests" / "java" / "JenaQueries.java", jars, classes, JENA, extra=[fix])


def _jena_answers(jena: list[str], config: Path, cwd: Path, queries: list[Path]) -> dict[Path, Results]:
    out = cwd / "results"
    out.mkdir()
    run = subprocess.run(
        [*jena, "JenaQueries", str(config), str(out), *map(str, queries)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0 and f"DONE {len(queries)}" in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]
    answers = {}
    for i, q in enumerate(queries):
        json_file, nt_file = out / f"{i}.json", out / f"{i}.nt"
        if json_file.is_file():
            answers[q] = Results.from_json(json_file.read_bytes())
        else:
            nt = ox.serialize(ox.parse(path=nt_file, format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
            answers[q] = Results("graph", b"".join(sorted(set(nt.splitlines(keepends=True)))))
    return answers


@pytest.fixture(scope="module")
def tdb2(jena: list[str], dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh TDB2 database loaded from dist/mscsle.nq by Jena's own loader, where the Fuseki config points."""
    base = tmp_path_factory.mktemp("fuseki-base")
    run = subprocess.run(
        [*jena, "tdb2.tdbloader", "--loc", str(base / TDB2_LOCATION), str(dist / "mscsle.nq")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return base


def test_shipped_fuseki_configuration_answers_every_query(jena, tdb2: Path, dist: Path, expected, tmp_path: Path):
    """Fuseki is not packaged in Debian: its configuration is read by Jena's assembler as Fuseki reads it."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "databases").symlink_to(tdb2 / "databases")
    got = _jena_answers(jena, dist / FUSEKI, run_dir, QUERY_FILES)
    assert _answers(got) == expected


def test_fuseki_configuration_is_read_only_with_the_union_default_graph(dist: Path):
    from rdflib import Graph, Literal, Namespace, URIRef

    fuseki = Namespace("http://jena.apache.org/fuseki#")
    tdb2 = Namespace("http://jena.apache.org/2016/tdb#")
    g = Graph().parse(dist / FUSEKI, format="turtle")
    (dataset,) = g.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), tdb2.DatasetTDB2)
    assert g.value(dataset, tdb2.unionDefaultGraph) == Literal(True)
    operations = {g.value(e, fuseki.operation) for e in g.objects(None, fuseki.endpoint)}
    assert operations == {fuseki.query, fuseki["gsp-r"]}, "only reads: no update, upload or gsp-rw"


def test_without_the_union_setting_jena_answers_nothing(jena, tdb2: Path, dist: Path, tmp_path: Path):
    """The check can fail: the same configuration with unionDefaultGraph off gives 0 rows."""
    config = tmp_path / "no-union.ttl"
    text = (dist / FUSEKI).read_text(encoding="utf-8")
    assert "tdb2:unionDefaultGraph true" in text
    config.write_text(text.replace("tdb2:unionDefaultGraph true", "tdb2:unionDefaultGraph false"), encoding="utf-8")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "databases").symlink_to(tdb2 / "databases")
    query = ROOT / "queries" / "mouse-claims.rq"
    assert _jena_answers(jena, config, run_dir, [query])[query].rows == ()


def test_default_view_is_honest_until_the_opt_in_graphs_are_loaded(dist: Path):
    """The set-ups load mscsle.nq alone: with the union default graph, every plain triple has a stated claim behind
    it (the QC rule answers nothing, in Fuseki and Oxigraph too: see the tests above). Loaded on purpose, the
    opt-in file brings hedged and mouse-only plain triples into the default graph, and the rule lists them."""
    for setup in (FUSEKI, OXIGRAPH):
        text = (dist / setup).read_text(encoding="utf-8")
        assert "mscsle.nq" in text and "mscsle-opt-in.nq" in text  # named, as what to add on purpose
    assert "--file mscsle.nq\n" in (dist / OXIGRAPH).read_text(encoding="utf-8")
    rule = (ROOT / "queries" / "qc" / "unsupported_plain_triple.rq").read_text(encoding="utf-8")
    store = ox.Store()
    store.bulk_load(path=dist / "mscsle.nq", format=ox.RdfFormat.N_QUADS)
    assert not list(store.query(rule, use_default_graph_as_union=True))
    store.bulk_load(path=dist / "mscsle-opt-in.nq", format=ox.RdfFormat.N_QUADS)
    assert len(list(store.query(rule, use_default_graph_as_union=True))) > 20
