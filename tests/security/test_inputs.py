"""Hostile inputs and files: nothing fetched or expanded, nothing deleted that a build did not write, every bad
input answered with exit 2 and one message naming file, record and field (long values cut short), labels shown
literally in every output.

Each test fails without the protection it names (checked by disabling it); see docs/security.md.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import RDFS, Graph, Literal, URIRef

from mscsle.cli import main
from mscsle.errors import MAX_LISTED, MAX_MESSAGE
from mscsle.project import Project
from mscsle.release.publish import MARKER

from ..conftest import ROOT
from ..test_user_rdf import RDF, Listener, run_query, write

CLAIMS = "data/claims/direct_genes.yaml"
ENTITY = "https://w3id.org/mscsle/entity/"


@pytest.fixture
def listener():
    lst = Listener()
    yield lst
    lst.stop()


def build(project: Project, out: Path, *extra: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(project.root), "build", "--out", str(out), *extra])


def refused(project: Project, out: Path, *extra: str) -> str:
    """The error output of a build that must stop on bad input: exit 2, one report, no traceback, nothing written."""
    result = build(project, out, *extra)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert not out.exists()
    return result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- item 3: RDF/XML and JSON-LD given to `mscsle query --data` -------------------------------------------------------


def test_rdfxml_parameter_entity_reference_does_not_smuggle_an_entity(tmp_path: Path):
    """expat skips declarations after an unread parameter-entity reference; Oxigraph read them and expanded 100 MB."""
    doctype = '%p; <!ENTITY e "' + "x" * 100_000 + '">'
    path = write(
        tmp_path,
        "pe.rdf",
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {doctype} ]>\n<rdf:RDF xmlns:rdf="{RDF}" '
        f'xmlns:ex="http://ex/"><rdf:Description rdf:about="http://ex/a"><ex:p>{"&e;" * 1_000}</ex:p>'
        f"</rdf:Description></rdf:RDF>\n",
    )
    result = run_query(tmp_path, path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: it has a document type declaration")


def test_rdfxml_internal_entity_is_refused_too(tmp_path: Path):
    path = write(
        tmp_path,
        "ent.rdf",
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY ex "http://ex/"> ]>\n<rdf:RDF xmlns:rdf="{RDF}">'
        f'<rdf:Description rdf:about="&ex;a"/></rdf:RDF>\n',
    )
    result = run_query(tmp_path, path)
    assert result.exit_code == 2 and "document type declaration" in result.stderr


def test_jsonld_remote_context_is_refused_and_not_fetched(tmp_path: Path, listener: Listener):
    url = listener.url("ctx.jsonld")
    path = write(tmp_path, "r.jsonld", json.dumps({"@context": url, "@id": "http://ex/a", "name": "x"}))
    result = run_query(tmp_path, path)
    assert result.exit_code == 2 and url in result.stderr
    listener.stop()
    assert listener.accepted == []


# --- item 4: the output folder ----------------------------------------------------------------------------------------


def test_a_symlinked_dist_pointing_at_the_checkout_empties_nothing(mini: Project):
    """`dist -> .` made the build replace the whole checkout."""
    before = sorted(p.name for p in mini.root.iterdir())
    (mini.root / "dist").symlink_to(".")
    result = build(mini, mini.root / "dist")
    assert result.exit_code == 2
    assert "is a symbolic link" in result.stderr and "never writes through one" in result.stderr
    left = sorted(p.name for p in mini.root.iterdir() if p.name != "dist" and p.name != ".dist.lock")
    assert left == before
    assert (mini.root / "dist").is_symlink()


def test_a_symlinked_output_folder_is_never_written_through(mini: Project, tmp_path: Path):
    """Even a folder that holds a build's marker is not replaced through a link to it."""
    victim = tmp_path / "elsewhere"
    victim.mkdir()
    (victim / MARKER).write_text("forged")
    (victim / "keep.txt").write_text("mine")
    link = tmp_path / "out"
    link.symlink_to(victim)
    result = build(mini, link)
    assert result.exit_code == 2 and "is a symbolic link" in result.stderr
    assert snapshot(victim) == {MARKER: b"forged", "keep.txt": b"mine"}
    assert link.is_symlink()


def test_a_dist_with_files_no_build_wrote_is_not_replaced(mini: Project):
    (mini.root / "dist").mkdir()
    (mini.root / "dist" / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["--root", str(mini.root), "build"])
    assert result.exit_code == 2 and "was not written by `mscsle build`" in result.stderr
    assert snapshot(mini.root / "dist") == {"notes.txt": b"mine"}


def test_an_output_path_that_cannot_be_written_is_reported(mini: Project, tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = build(mini, blocker / "dist")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cannot build: cannot write into {blocker}")
    assert "Traceback" not in result.stderr and blocker.read_text() == "x"


# --- item 4: YAML ---------------------------------------------------------------------------------------------------

VALID_CLAIM = """  - id: dg-09
    subject: OAZ
    relation: overexpressed_in
    object: MSC
    species: human
    condition: sle_patients
    certainty: stated
    quote: OAZ is over-expressed in MSCs from SLE patients
"""
# Anchors in one (bad) claim, nine levels of nine aliases each, then a claim whose references are the last one:
# the old build printed all 387 million values in its message about the references.
ALIAS_BOMB = (
    "section: direct_genes\nclaims:\n  - a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"    {c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    + VALID_CLAIM
    + "    references: *i\n"
)


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("harmless-alias", "section: &s direct_genes\nclaims:\n  - id: dg-09\n    section_again: *s\n", 4),
        ("merge-key", "section: direct_genes\nclaims:\n  - <<: {id: dg-09}\n", 3),
        ("billion-laughs", ALIAS_BOMB, 4),
    ],
)
def test_yaml_aliases_are_refused_before_anything_is_built(mini: Project, tmp_path: Path, name, text, line):
    """A few hundred bytes of nested aliases stand for 387 million values: the build hung printing them."""
    (mini.root / "data/claims/bomb.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = tmp_path / "dist"
    proc = subprocess.run(  # its own process, so that a regression fails (time-out) instead of hanging the suite
        [sys.executable, "-m", "mscsle", "--root", str(mini.root), "build", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr[:2000]
    assert f"  - data/claims/bomb.yaml: line {line}: uses the " in proc.stderr
    assert len(proc.stderr) < 2 * MAX_MESSAGE and not out.exists()


def test_yaml_nesting_is_bounded(mini: Project, tmp_path: Path):
    deep = "[" * 50_000 + "]" * 50_000
    (mini.root / "data/claims/deep.yaml").write_text(f"section: direct_genes\nclaims: {deep}\n", encoding="utf-8")
    assert "data/claims/deep.yaml: line 2: nests lists and mappings more than 10 levels deep" in refused(
        mini, tmp_path / "dist"
    )


@pytest.mark.parametrize(("written", "read"), [("041", "33"), ("0x29", "41"), ("0b101001", "41"), ("4_1", "41")])
def test_reference_numbers_yaml_11_reads_surprisingly_are_refused(mini: Project, tmp_path: Path, written, read):
    edit(mini.root / CLAIMS, "references: [41]", f"references: [{written}]")
    err = refused(mini, tmp_path / "dist")
    assert (
        f"{CLAIMS}: claim dg-01 (line 3): field 'references': '{written}' (line 13) is not a plain decimal number; "
        f"YAML reads it as {read}"
    ) in err


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("species", "[yes]", "must be a list of text values, got a list [True]"),
        ("population", "off", "must be text, but YAML read a yes/no value False"),
        ("object", "2018-01-02", "must be text, but YAML read"),
    ],
)
def test_yaml_11_booleans_and_dates_are_refused_where_text_is_wanted(
    mini: Project, tmp_path: Path, field, value, message
):
    path = mini.root / CLAIMS
    text = path.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if ln.strip().startswith(f"{field}:"))
    path.write_text(text.replace(line, f"{line.split(':')[0]}: {value}", 1), encoding="utf-8")
    err = refused(mini, tmp_path / "dist")
    assert f"field '{field}': {message}" in err


# --- item 4: TSV cells ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("file", ["mappings.tsv", "mapping-sources.tsv"])
def test_control_characters_in_any_tsv_are_refused(mini: Project, tmp_path: Path, file: str):
    """U+0001 in a mapping comment went into mscsle.owl, which no XML reader then accepts."""
    path = mini.root / "data" / file
    old = "OAZ is an alias of ZNF423" if file == "mappings.tsv" else "Cell Ontology (CL)"
    edit(path, old, old.replace(" ", "\x01", 1))
    err = refused(mini, tmp_path / "dist")
    assert f"data/{file}: line 2: field '" in err and "contains U+0001" in err


def test_a_huge_tsv_field_gives_one_short_message(mini: Project, tmp_path: Path):
    """A 200 KB definition stopped the csv module with a traceback."""
    edit(mini.root / "data/entities.tsv", "A chemokine.", "A chemokine " + "x" * 200_000)
    err = refused(mini, tmp_path / "dist")
    assert err.startswith("1 problem") and "data/entities.tsv" in err and len(err) < MAX_MESSAGE


def test_a_long_field_is_refused_and_cut_short_in_the_message(mini: Project, tmp_path: Path):
    edit(mini.root / "data/entities.tsv", "A chemokine.", "A chemokine " + "y" * 50_000)
    err = refused(mini, tmp_path / "dist")
    assert "data/entities.tsv: line 4 (entity CCL2): field 'definition': is 50,012 characters long" in err
    assert "y" * 200 not in err


# --- item 5: files that cannot be read, syntax errors in hand-edited files ---------------------------------------------


@pytest.mark.parametrize("rel", ["data/entities.tsv", "data/mappings.tsv", "data/mapping-sources.tsv", CLAIMS])
def test_a_folder_where_a_file_belongs(mini: Project, tmp_path: Path, rel: str):
    (mini.root / rel).unlink()
    (mini.root / rel).mkdir()
    assert f"  - {rel}: is a folder; it must be a file holding" in refused(mini, tmp_path / "dist")


def test_a_file_that_cannot_be_read(mini: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Permission denied, simulated: the tests may run as root, whom file permissions do not stop."""
    import builtins

    real_open = builtins.open
    denied = mini.root / "data/entities.tsv"

    def deny(file: object, *args: object, **kwargs: object) -> object:
        if Path(str(file)) == denied:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", deny)
    err = refused(mini, tmp_path / "dist")
    assert "  - data/entities.tsv: cannot be read (Permission denied); it must be a readable file" in err


def _own_copy(project: Project, folder: str) -> Path:
    (project.root / folder).unlink()  # make_project links it to the real one
    shutil.copytree(ROOT / folder, project.root / folder)
    return project.root / folder


def test_a_syntax_error_in_the_ontology(mini: Project, tmp_path: Path):
    path = _own_copy(mini, "ontology") / "mscsle.ttl"
    lines = path.read_text(encoding="utf-8").splitlines()
    n = next(i for i, ln in enumerate(lines) if ln.rstrip().endswith(" .") and i > 30)
    lines[n] = lines[n].rstrip()[:-2] + ' "unclosed .'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = refused(mini, tmp_path / "dist")
    assert f"  - ontology/mscsle.ttl: line {n + 1}: is not valid Turtle" in err


def test_a_syntax_error_in_a_shapes_file(mini: Project, tmp_path: Path):
    shapes = _own_copy(mini, "shapes")
    first = sorted(shapes.glob("*.ttl"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nthis is not turtle\n", encoding="utf-8")
    assert f"  - shapes/{first.name}: line " in refused(mini, tmp_path / "dist")


def test_a_review_text_that_is_not_utf8(mini: Project, tmp_path: Path):
    text = tmp_path / "review.txt"
    text.write_bytes(b"OAZ \xff\xfe")
    err = refused(mini, tmp_path / "dist", "--source-text", str(text))
    assert f"  - {text}: is not valid UTF-8" in err


# --- item 4: labels in every output -----------------------------------------------------------------------------------

HOSTILE = "<b>CCL2</b> \\N \\l \" ' & ]]> {x}"


def hostile_label(mini: Project) -> None:
    """CCL2 gets the hostile label, and keeps its project IRI (unmapped), so that the label is the curated one."""
    edit(mini.root / "data/entities.tsv", "\tCCL2\tChemokine", f"\t{HOSTILE}\tChemokine")
    edit(
        mini.root / "data/mappings.tsv",
        "mscsle.entity:CCL2\texact\thgnc:10618\tCCL2\t",
        "mscsle.entity:CCL2\tunmapped\t\t\ta hostile label under test",
    )


def test_labels_are_literal_in_every_rdf_artifact(mini: Project, tmp_path: Path):
    hostile_label(mini)
    out = tmp_path / "dist"
    assert build(mini, out).exit_code == 0
    for name, fmt in [
        ("mscsle.ttl", "turtle"),
        ("mscsle.nt", "nt"),
        ("mscsle.owl", "xml"),
        ("mscsle.jsonld", "json-ld"),
    ]:
        g = Graph().parse(out / name, format=fmt)
        assert Literal(HOSTILE, lang="en") in set(g.objects(URIRef(ENTITY + "CCL2"), RDFS.label)), name


def test_labels_are_literal_in_the_network_picture(mini: Project):
    """An HTML-like label (<...>) and Graphviz escapes (\\N: the node's name) are drawn as written."""
    from mscsle.release.pipeline import assemble
    from mscsle.site import render_site

    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    hostile_label(mini)
    files = render_site(assemble(mini, None).files["mscsle.nt"], mini)
    svg = ET.fromstring(files["network-full.svg"])  # every entity (network.svg is the Table 1 overview)
    ns = "{http://www.w3.org/2000/svg}"
    (node,) = [g for g in svg.iter(f"{ns}g") if g.get("class") == "node" and g.findtext(f"{ns}title") == "CCL2"]
    drawn = "".join(t.text or "" for t in node.iter(f"{ns}text"))
    assert drawn.replace(" ", "") == HOSTILE.replace(" ", "")
    assert HOSTILE in node.find(f"{ns}g/{ns}a").get("{http://www.w3.org/1999/xlink}title")


def test_a_file_broken_on_every_line_gives_a_bounded_report(mini: Project, tmp_path: Path):
    rows = "".join(f"X{i}\tlabel {i}\tChemokine\t\tbad\x01definition\n" for i in range(500))
    (mini.root / "data/entities.tsv").write_text(
        (mini.root / "data/entities.tsv").read_text(encoding="utf-8") + rows, encoding="utf-8"
    )
    err = refused(mini, tmp_path / "dist")
    assert err.startswith("500 problems") and err.count("\n  - ") == MAX_LISTED
    assert err.endswith("  ... and 400 more (fix these first)\n")


def test_coverage_exclusions_are_read_without_aliases(tmp_path: Path):
    from mscsle.curation.coverage import read_exclusions
    from mscsle.errors import CurationError

    path = tmp_path / "coverage-exclusions.yaml"
    path.write_text("- &a {paragraph: x, reason: y}\n- *a\n", encoding="utf-8")
    with pytest.raises(CurationError) as err:
        read_exclusions(path)
    assert (
        str(err.value)
        == "coverage-exclusions.yaml: line 2: uses the alias *a; mscsle reads no YAML aliases: write the value out"
    )


def test_a_query_file_that_is_not_utf8(tmp_path: Path):
    rq = tmp_path / "q.rq"
    rq.write_bytes(b"SELECT * WHERE { ?s ?p \xff }")
    result = CliRunner().invoke(main, ["query", str(rq)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {rq}: cannot be read as a query (not UTF-8 (byte 23))\n"


def test_a_review_text_that_is_too_large_is_not_read_whole(mini: Project, tmp_path: Path):
    """--source-text /dev/zero would fill the memory: input files are read up to 16 MiB."""
    err = refused(mini, tmp_path / "dist", "--source-text", "/dev/zero")
    assert "  - /dev/zero: is larger than 16 MiB" in err


def test_a_png_path_that_cannot_be_written_is_reported(mini: Project, tmp_path: Path):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed")
    assert build(mini, mini.dist).exit_code == 0  # docs renders the built graph
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = CliRunner().invoke(
        main, ["--root", str(mini.root), "docs", "--out", str(tmp_path / "site"), "--png", str(blocker / "n.png")]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cannot build: cannot write {blocker / 'n.png'} (")
    assert result.stderr.endswith("); choose another --png path\n") and blocker.read_text() == "x"
