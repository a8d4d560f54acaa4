"""The command line for people: suggestions for misspelt query names, lists that fit 100 columns, labels beside
CURIEs, and a build that says what it replaced."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mscsle.cli import main
from mscsle.query.stored import stored_queries

from .conftest import ROOT


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(ROOT), *args])
    return result.exit_code, result.output


def test_misspelt_query_name_gets_a_suggestion():
    code, out = run("query", "direct-evidence-hgn")
    assert code == 2
    assert "did you mean 'direct-evidence-hgnc'" in out and "mscsle query --list" in out
    code, out = run("query", "xyzzy")
    assert code == 2 and "did you mean" not in out


def test_query_list_fits_100_columns():
    code, out = run("query", "--list")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100
    for name, q in stored_queries(ROOT / "queries").items():
        assert name in out and " ".join(q.question.split()) in " ".join(out.split())


def test_result_tables_show_labels_beside_curies(dist: Path):
    code, out = run("query", "direct-evidence-hgnc", "--dist", str(dist))
    assert code == 0
    assert "hgnc:16762 (ZNF423)" in out  # the HGNC term's label, from the graph
    assert "mscsle.entity:Pbx1-d " in out and "(Pbx1-d)" not in out  # no label that repeats the CURIE
    code, csv = run("query", "direct-evidence-hgnc", "--dist", str(dist), "--format", "csv")
    assert "(ZNF423)" not in csv and "http://identifiers.org/hgnc/16762" in csv  # machine formats unchanged


def test_build_says_what_it_replaced(mini, tmp_path: Path):
    out_dir = tmp_path / "out"
    first = CliRunner().invoke(main, ["--root", str(mini.root), "build", "--out", str(out_dir)])
    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[-1] == f"created {out_dir}/"
    (out_dir / "docs").mkdir()
    (out_dir / "docs" / "index.html").write_text("site", encoding="utf-8")
    second = CliRunner().invoke(main, ["--root", str(mini.root), "build", "--out", str(out_dir)])
    assert second.exit_code == 0, second.output
    assert second.output.splitlines()[-1] == (
        f"replaced {out_dir}/ (the previous build, incl. {out_dir}/docs/, which a build does not write)"
    )
    assert not (out_dir / "docs").exists()
    third = CliRunner().invoke(main, ["--root", str(mini.root), "build", "--out", str(out_dir)])
    assert third.output.splitlines()[-1] == f"replaced {out_dir}/ (the previous build)"


def test_slow_commands_show_their_step_on_a_terminal(monkeypatch, capsys):
    """On a terminal the spinner names the step under way (rich); piped, nothing is printed."""
    import time

    from mscsle.cli import _working

    with _working("writing the documentation site") as step:
        step("drawing the network pictures")
        time.sleep(0.3)
    assert capsys.readouterr().err == ""  # not a terminal here
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    with _working("writing the documentation site") as step:
        step("drawing the network pictures")
        time.sleep(0.3)
    assert "writing the documentation site: drawing the network pictures" in capsys.readouterr().err


def test_the_build_spinner_runs_no_thread(monkeypatch, capsys):
    """`mscsle build` forks a second process, which it may do only without other threads (release/workers.py):
    its spinner, not animated, is drawn without rich's refresh thread, yet still shows on a terminal."""
    import os

    from mscsle.cli import _working

    before = set(os.listdir("/proc/self/task"))

    def started() -> set[str]:
        return set(os.listdir("/proc/self/task")) - before

    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    with _working("building dist/", animate=False):
        assert started() == set()
    assert "building dist/" in capsys.readouterr().err
    with _working("building dist/"):
        assert len(started()) == 1  # the animated one has its thread


def test_docs_reports_each_step(mini, tmp_path: Path):
    from mscsle.release.pipeline import build
    from mscsle.site import build_site

    from .test_site import require

    require("dot")
    build(mini, tmp_path / "dist", None)
    steps: list[str] = []
    build_site(mini, tmp_path / "site", dist=tmp_path / "dist", progress=steps.append)
    assert steps[0] == "reading the graph with the site's queries" and steps[-1] == "writing the site"
    assert "drawing the network pictures (Graphviz)" in steps and "writing the ontology reference (pyLODE)" in steps


def test_build_imports_only_what_it_uses(mini, tmp_path: Path):
    """`mscsle build` (in a fresh process) loads neither the site, the statistics, the table printer nor curies
    (pydantic): together half a second of a one-second review build."""
    import subprocess
    import sys

    probe = (
        "import sys\nfrom mscsle.cli import main\n"
        f"try:\n    main(['--root', {str(mini.root)!r}, 'build', '--out', {str(tmp_path / 'out')!r}])\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    loaded = set(done.stdout.split())
    assert "mscsle.release.pipeline" in loaded  # the probe built
    unused = {"curies", "pydantic", "tabulate", "mscsle.site", "mscsle.curation.claim_stats", "mscsle.serve.upload"}
    assert not unused & loaded
