"""Shared fixtures: the real project, a tiny copy of it with three entities, and built artifacts."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from mscsle.curation.review_text import ReviewText
from mscsle.project import Project
from mscsle.release.pipeline import Built, assemble, build, project_entity_iris

# numpy (imported by sssom/pandas in some tests) would otherwise start OpenBLAS's thread for good, and the build
# forks its second process only in a one-thread process (release/workers.py): later builds here would run serially
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
_ENTITY_IDS = {str(iri): eid for eid, iri in project_entity_iris(Project(ROOT)).items()}


def entity_id(value: str) -> str:
    """The data/entities.tsv id of an entity IRI (its project IRI or the external term it is); else `value`."""
    return _ENTITY_IDS.get(value, value)


REVIEW_TEXT = ROOT / "data" / "review" / "review.txt"


def make_project(tmp: Path, data: Path) -> Project:
    """A throw-away project: the real ontology, shapes and queries, with the records of `data`."""
    for name in ("ontology", "shapes", "queries", "pyproject.toml"):
        (tmp / name).symlink_to(ROOT / name)
    shutil.copytree(data, tmp / "data")
    return Project(tmp)


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def review_text() -> ReviewText:
    if not REVIEW_TEXT.is_file():
        pytest.skip(f"the review's text is not at {REVIEW_TEXT} (see README: 'The review text')")
    return ReviewText.read(REVIEW_TEXT)


@pytest.fixture
def mini(tmp_path: Path) -> Project:
    return make_project(tmp_path, FIXTURES / "mini")


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return assemble(make_project(tmp_path_factory.mktemp("mini"), FIXTURES / "mini"), None)


@pytest.fixture(scope="session")
def claim_ids() -> set[str]:
    """The ids of the curated claims, read straight from data/claims/*.yaml (not through the package's reader):
    what every per-claim artifact must hold one of each."""
    ids = []
    for path in sorted((ROOT / "data" / "claims").glob("*.yaml")):
        ids += [c["id"] for c in yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]]
    assert len(ids) == len(set(ids)) > 0
    return set(ids)


@pytest.fixture(scope="session")
def dist(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project built once into a temporary folder (quotes verified where the text is present)."""
    out = tmp_path_factory.mktemp("dist")
    build(project, out, REVIEW_TEXT if REVIEW_TEXT.is_file() else None)
    return out


@pytest.fixture(scope="session")
def reasoned(project: Project, dist: Path, tmp_path_factory: pytest.TempPathFactory):
    """HermiT run once (`mscsle reason`) on a copy of the real build: (Reasoned, path of mscsle-inferred.ttl)."""
    from mscsle.checks.reason import INFERRED_FILE, reason

    if shutil.which("java") is None:
        pytest.skip("HermiT needs Java on PATH (the README's set-up assumes Java 17)")
    out = tmp_path_factory.mktemp("reasoned") / "dist"
    shutil.copytree(dist, out)
    return reason(project, out), out / INFERRED_FILE


def add_failing_shape(project: Project) -> None:
    """Give `project` its own copy of shapes/ plus a shape every claim breaks (no claim may have a quote)."""
    shapes = project.root / "shapes"
    shapes.unlink()
    shapes.mkdir()
    for f in (ROOT / "shapes").glob("*.ttl"):
        (shapes / f.name).write_bytes(f.read_bytes())
    (shapes / "zz-no-claims.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix m: <https://w3id.org/mscsle/> .\n"
        "m:NoClaimShape a sh:NodeShape ; sh:targetClass m:Claim ; sh:property [ sh:path m:quote ; sh:maxCount 0 ] .\n",
        encoding="utf-8",
    )


@pytest.fixture
def own_tmp(tmp_path: Path) -> Iterator[Path]:
    """Temporary files go to an empty folder of the test's own, to see that none is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    before = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    finally:
        tempfile.tempdir = before
