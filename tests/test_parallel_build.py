"""The build in two processes (release/workers.py) writes the same bytes as in one, and fails as it does: SHACL's
and the QC's verdicts, an error of the second process, nothing published, no process or temporary file left."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mscsle.cli import main
from mscsle.curation.records import load
from mscsle.errors import CurationError
from mscsle.project import Project
from mscsle.release import pipeline
from mscsle.release.pipeline import ValidationFailed, build
from mscsle.release.workers import Beside

from .conftest import REVIEW_TEXT, ROOT, add_failing_shape
from .test_workers import wait_alone

sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import write_project  # noqa: E402


class Watched(Beside):
    """Beside, remembering whether it forked (the build must really have run in two processes)."""

    forks: list[bool] = []

    def __init__(self, jobs: int, spool: Path | None = None):
        super().__init__(jobs, spool)
        Watched.forks.append(self.forked)


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    wait_alone()
    Watched.forks = []
    monkeypatch.setattr(pipeline, "Beside", Watched)
    return Watched.forks


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _children() -> list[str]:
    """This process's child processes now (none may outlive a build)."""
    return [c for t in os.listdir("/proc/self/task") for c in Path(f"/proc/self/task/{t}/children").read_text().split()]


def _serial_and_parallel(project: Project, tmp_path: Path, watched: list[bool], source: Path | None) -> None:
    serial = build(project, tmp_path / "serial", source, jobs=1)
    parallel = build(project, tmp_path / "parallel", source, jobs=2)
    assert watched == [False, True]
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel")
    assert serial.report.text == parallel.report.text and len(serial.merged) == len(parallel.merged)
    assert _children() == []


def test_the_review_builds_the_same_bytes_in_two_processes(project, tmp_path, watched, own_tmp):
    _serial_and_parallel(project, tmp_path, watched, REVIEW_TEXT)
    assert list(own_tmp.iterdir()) == []


def test_a_synthetic_project_builds_the_same_bytes_in_two_processes(tmp_path, watched):
    synthetic = write_project(300, tmp_path / "syn", REVIEW_TEXT)
    _serial_and_parallel(synthetic, tmp_path, watched, REVIEW_TEXT)


def test_shacl_verdict_from_the_second_process(mini, tmp_path, watched, own_tmp):
    """SHACL runs in the second process; its verdict is raised by the build as in one process, before the QC's."""
    add_failing_shape(mini)
    mini.qc_exceptions.write_text(  # also stale: bad input, but SHACL's verdict comes first
        "rule\tclaim\tabout\treason\ntable1_unsupported_row\tt1-01\t\tstale\n", encoding="utf-8"
    )
    for jobs in (1, 2):
        with pytest.raises(ValidationFailed, match="SHACL validation failed") as err:
            build(mini, tmp_path / "dist", None, jobs=jobs)
        assert err.value.exit_code == 1 and err.value.report.violations
    assert watched == [False, True]
    assert not (tmp_path / "dist").exists() and list(own_tmp.iterdir()) == [] and _children() == []


def test_an_error_in_the_second_process_is_one_clear_message(mini, tmp_path, monkeypatch, watched):
    def broken(*args: object) -> None:
        raise RuntimeError("the writer broke")

    monkeypatch.setattr(pipeline, "rdf_files", broken)  # the child is a fork: it has this one too
    args = ["--root", str(mini.root), "build", "--jobs", "2", "--out", str(tmp_path / "dist")]  # on any machine
    result = CliRunner().invoke(main, args)
    assert watched == [True]
    assert result.exit_code == 1
    assert "the build's second process failed" in result.output and "RuntimeError: the writer broke" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "dist").exists() and _children() == []


def test_jobs_option(mini, tmp_path, watched):
    runner = CliRunner()
    for jobs in ("1", "2"):
        result = runner.invoke(main, ["--root", str(mini.root), "build", "--jobs", jobs, "--out", str(tmp_path / jobs)])
        assert result.exit_code == 0, result.output
    assert watched == [False, True]
    assert _files(tmp_path / "1") == _files(tmp_path / "2")
    refused = runner.invoke(main, ["--root", str(mini.root), "build", "--jobs", "3", "--out", str(tmp_path / "3")])
    assert refused.exit_code == 2 and "--jobs" in refused.output


def test_bad_records_read_in_two_processes_give_the_same_message(tmp_path, watched):
    """Every other claim file is read by the second process: problems in files on both sides, a claim id repeated
    across them and a file that is not YAML are reported as one process reports them, in the same order."""
    synthetic = write_project(300, tmp_path / "syn", REVIEW_TEXT)
    files = sorted(synthetic.claims_dir.glob("*.yaml"))
    last = "- id: " + files[0].read_text(encoding="utf-8").rsplit("\n- id: ", 1)[1]  # a whole claim, read here
    for path, old, new in [
        (files[0], "certainty: stated", "certainty: sure"),  # read here (the first claim)
        (files[1], "claims:\n", "claims:\n" + last),  # read beside: a repeated claim id
        (files[2], "references: [", "references: [0"),
        (files[3], "section:", "section: [\n"),  # not YAML at all
    ]:
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        args = ["--root", str(synthetic.root), "build", "--jobs", jobs, "--out", str(tmp_path / jobs)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2 and "Traceback" not in result.output
        outputs.append(result.output)
    assert watched == [False, True]
    vocab = pipeline.read_vocab(pipeline.read_ontology(synthetic))
    with pytest.raises(CurationError) as plain:  # one reader of every file, in order: what the build must say
        load(synthetic.root, synthetic.entities, synthetic.claims_dir, vocab)
    assert outputs[0] == outputs[1] and plain.value.message() in outputs[0]
    for name, what in [(files[0].name, "certainty"), (files[1].name, "duplicate claim id"), (files[3].name, "")]:
        assert name in outputs[0] and what in outputs[0]
    assert not (tmp_path / "1").exists() and not (tmp_path / "2").exists() and _children() == []
