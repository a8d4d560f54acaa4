"""Every Turtle file of the project and of the build reads with the OWL API's own Turtle parser, named explicitly
(no fallback to another parser; tests/java/TurtleCheck.java), into as many logical axioms as its RDF/XML."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from .conftest import ROOT
from .java_tools import OWLAPI, compile_checker, owlapi_jars

CHECKER = ROOT / "tests" / "java" / "TurtleCheck.java"
SOURCES = sorted([*(ROOT / "ontology").rglob("*.ttl"), *(ROOT / "shapes").glob("*.ttl")])
PAIR = re.compile(
    r"^PAIR (\S+) turtle=(\S+) logical=(\d+) unparsed=(-?\d+) rdfxml=(\S+) logical=(\d+) unparsed=(-?\d+)$", re.M
)
SPARQL_STYLE = re.compile(r"^PREFIX\s", re.M)


@pytest.fixture(scope="session")
def turtle_check(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., subprocess.CompletedProcess]:
    """TurtleCheck compiled against the system's OWL API: call it with (Turtle, RDF/XML) pairs."""
    java = compile_checker(CHECKER, owlapi_jars(), tmp_path_factory.mktemp("turtlecheck"), OWLAPI)

    def run(*pairs: tuple[Path, Path]) -> subprocess.CompletedProcess:
        args = [*java, "TurtleCheck"]
        return subprocess.run(
            [*args, *(str(f) for pair in pairs for f in pair)], capture_output=True, text=True, timeout=600
        )

    return run


def _rdfxml_twin(ttl: Path, out: Path) -> Path:
    """The same triples as RDF/XML (written by Oxigraph), for the OWL API's RDF/XML parser."""
    twin = out / (ttl.stem + ".owl")
    twin.write_bytes(ox.serialize(ox.parse(path=ttl, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.RDF_XML))
    return twin


def test_every_turtle_file_reads_with_the_owlapi_turtle_parser(turtle_check, dist: Path, reasoned, tmp_path: Path):
    """The sources, every Turtle file of the build and the one `mscsle reason` adds (mscsle-inferred.ttl)."""
    _, inferred = reasoned
    built = [*sorted(dist.rglob("*.ttl")), inferred]
    pairs = [(dist / "mscsle.ttl", dist / "mscsle.owl")]
    pairs += [(p, _rdfxml_twin(p, tmp_path)) for p in [*SOURCES, *built] if p != dist / "mscsle.ttl"]
    run = turtle_check(*pairs)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    found = {Path(m[0]): m for m in PAIR.findall(run.stdout)}
    assert set(found) == {p for p, _ in pairs}
    for path, (_, t_format, t_logical, t_unparsed, x_format, x_logical, x_unparsed) in found.items():
        assert t_format == "Turtle_Syntax" and x_format == "RDF/XML_Syntax", path
        assert (t_logical, t_unparsed) == (x_logical, x_unparsed), f"{path}: Turtle and RDF/XML differ"
    assert int(found[dist / "mscsle.ttl"][2]) > 1000
    assert int(found[ROOT / "ontology" / "mscsle.ttl"][2]) > 100


def test_sparql_style_prefixes_are_rejected_by_that_parser(turtle_check, tmp_path: Path):
    """The check can fail: the same ontology with SPARQL-style PREFIX lines does not load (owlcs/owlapi#1149)."""
    source = ROOT / "ontology" / "mscsle.ttl"
    sparql_style = tmp_path / "sparql-style.ttl"
    sparql_style.write_text(
        re.sub(r"^@prefix (\S+) (<[^>]*>) \.$", r"PREFIX \1 \2", source.read_text(encoding="utf-8"), flags=re.M),
        encoding="utf-8",
    )
    run = turtle_check((sparql_style, _rdfxml_twin(source, tmp_path)))
    assert run.returncode == 2
    assert f"ERROR {sparql_style} did not load" in run.stdout and '"PREFIX"' in run.stdout


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_turtle_sources_declare_prefixes_turtle_style(path: Path):
    text = path.read_text(encoding="utf-8")
    assert "@prefix " in text and not SPARQL_STYLE.search(text), f"{path.name}: write `@prefix p: <uri> .` lines"


def test_built_turtle_declares_prefixes_turtle_style(dist: Path):
    for path in sorted(dist.rglob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        assert not SPARQL_STYLE.search(text), f"{path.name} has SPARQL-style PREFIX lines"
        assert "\n@prefix " in f"\n{text}", path.name
