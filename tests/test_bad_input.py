"""The bad-input corpus: every mistake a curator can make gets exit code 2, the exact message, and an untouched dist/.

Each folder of tests/fixtures/bad_input/ is one case: `data/` holds only the files that differ from the `mini`
fixture, `delete.txt` lists mini files the case removes, `about.txt` says what the mistake is, and `expected.txt`
is the complete error output of `mscsle build` (every problem, reported together).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mscsle.cli import main
from mscsle.curation.review_text import ReviewText
from mscsle.project import Project
from mscsle.release.pipeline import build

from .conftest import FIXTURES, make_project

CORPUS = FIXTURES / "bad_input"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())
EXCERPT = FIXTURES / "review-excerpt.txt"  # the review's paragraph that the mini fixture quotes


def case_project(case: Path, tmp: Path) -> Project:
    """The mini project with the case's files laid over it."""
    (tmp / "project").mkdir()
    project = make_project(tmp / "project", FIXTURES / "mini")
    overlay = case / "data"
    for f in sorted(overlay.rglob("*")) if overlay.is_dir() else ():
        if f.is_file():
            target = project.root / "data" / f.relative_to(overlay)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
    deleted = case / "delete.txt"
    for rel in deleted.read_text(encoding="utf-8").split() if deleted.is_file() else ():
        (project.root / "data" / rel).unlink()
    return project


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good build of the mini project: what every bad build must leave exactly as it was."""
    tmp = tmp_path_factory.mktemp("previous")
    out = tmp / "dist"
    build(make_project(tmp, FIXTURES / "mini"), out, EXCERPT)
    return out


def test_corpus_is_complete():
    assert len(CASES) >= 25
    for case in CASES:
        assert (case / "about.txt").read_text(encoding="utf-8").strip(), case.name
        assert (case / "expected.txt").is_file(), case.name
        assert (case / "data").is_dir() or (case / "delete.txt").is_file(), f"{case.name} changes nothing"


def test_mini_with_excerpt_is_valid(previous_build: Path):
    """The base of every case builds cleanly with its quotes verified: each case's error is its own."""
    assert ReviewText.read(EXCERPT).contains("OAZ is over-expressed in MSCs from SLE patients")
    assert (previous_build / "mscsle.ttl").is_file()


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_bad_input(case: Path, previous_build: Path, tmp_path: Path):
    project = case_project(case, tmp_path)
    out = tmp_path / "dist"
    shutil.copytree(previous_build, out)
    before = snapshot(out)
    result = CliRunner().invoke(
        main, ["--root", str(project.root), "build", "--out", str(out), "--source-text", str(EXCERPT)]
    )
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr == (case / "expected.txt").read_text(encoding="utf-8")
    assert snapshot(out) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".dist.staging")]


def test_console_command_exits_2_with_the_same_report(tmp_path: Path):
    """The real `mscsle` process (not only the click runner) reports every problem and exits 2."""
    case = CORPUS / "several-mistakes"
    project = case_project(case, tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mscsle",
            "--root",
            str(project.root),
            "build",
            "--out",
            str(tmp_path / "dist"),
            "--source-text",
            str(EXCERPT),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 2
    assert proc.stderr == (case / "expected.txt").read_text(encoding="utf-8")
    assert not (tmp_path / "dist").exists()
