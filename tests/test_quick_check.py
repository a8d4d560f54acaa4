"""The quick acceptance of a claim record (each distinct value judged once) accepts only records that the full
checks pass, and then gives the very claim they give: on the review's records, on synthetic ones, on every record of
the bad-input corpus and on records with one field changed to a wrong (or another right) value."""

from __future__ import annotations

import copy
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mscsle.curation.records import (
    KNOWN,
    TABLE1,
    QuickCheck,
    Registry,
    _check_claim,
    _check_file,
    load,
    read_entities,
)
from mscsle.curation.review_text import ReviewText
from mscsle.curation.yaml_files import read_claims
from mscsle.errors import Problem
from mscsle.model.vocab import Vocab
from mscsle.project import Project
from mscsle.release.pipeline import read_ontology

from .conftest import FIXTURES, REVIEW_TEXT, ROOT, make_project

sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import write_project  # noqa: E402

VOCAB = Vocab.from_ontology(read_ontology(Project(ROOT)))
EXCERPT = FIXTURES / "review-excerpt.txt"


def raw_claims(project: Project) -> tuple[Registry | None, list[tuple[str, Any]]]:
    """The entity registry and (section, raw record) of every claim file whose top level is right."""
    problems: list[Problem] = []
    registry = read_entities(project.entities, VOCAB, "entities.tsv", problems)
    out: list[tuple[str, Any]] = []
    for path in sorted(project.claims_dir.glob("*.yaml")):
        cf = read_claims(path, path.name, problems)
        if cf is None or cf.duplicates or (checked := _check_file(cf, path.name, VOCAB, problems)) is None:
            continue  # the full checks alone judge records with a repeated key
        out.extend((checked[0], raw) for raw in checked[1])
    return registry, out


def verdicts(quick: QuickCheck, registry: Registry, source: ReviewText | None, section: str, raw: Any) -> bool:
    """Whether the quick check accepted the record; asserts that the full checks then pass it, with the same claim."""
    claim = quick.claim(raw, section)
    problems: list[Problem] = []
    full = _check_claim(copy.deepcopy(raw), section, "rec", "file", VOCAB, registry, source, problems)
    if claim is not None:
        assert problems == [] and full == claim, (section, raw, problems)
    return claim is not None


def test_every_review_and_synthetic_record_is_accepted_quickly_as_the_full_checks_accept_it(tmp_path: Path):
    source = ReviewText.read(REVIEW_TEXT)
    for project in (Project(ROOT), write_project(1500, tmp_path / "syn", REVIEW_TEXT)):
        registry, raws = raw_claims(project)
        assert registry is not None and len(raws) > 200
        quick = QuickCheck(VOCAB, registry, source)
        assert all(verdicts(quick, registry, source, section, raw) for section, raw in raws)


@pytest.mark.parametrize("case", sorted(p for p in (FIXTURES / "bad_input").iterdir() if p.is_dir()), ids=str)
def test_a_bad_input_record_is_left_to_the_full_checks(case: Path, tmp_path: Path):
    """Every record of the bad-input corpus that the quick check accepts passes the full checks (the others are
    reported by them, as tests/test_bad_input.py proves message by message)."""
    project = make_project(tmp_path, FIXTURES / "mini")
    for f in sorted((case / "data").rglob("*")) if (case / "data").is_dir() else ():
        if f.is_file():
            (project.root / "data" / f.relative_to(case / "data")).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, project.root / "data" / f.relative_to(case / "data"))
    registry, raws = raw_claims(project)
    if registry is None:
        return
    source = ReviewText.read(EXCERPT)
    quick = QuickCheck(VOCAB, registry, source)
    for section, raw in raws:
        verdicts(quick, registry, source, section, raw)


WRONG: list[Any] = [
    *(None, "", " ", 0, 7, True, 1.5, "nope", "x" * 2001, "a\x07b", "a\u2028b", "Dg 01", "dg-01-mouse"),
    *(
        [],
        [""],
        [" "],
        ["x", "x"],
        [1],
        [True],
        [0],
        [10_000],
        [1, 1],
        [7, 8],
        [9, 2],
        [{"a": "b"}],
        [["a"]],
        {"a": "b"},
    ),
    *("MSC", "TCell", "human", ["human", "mouse"], "hedged", "speculative", "stated", "may", "sle", "promotes"),
]


def changed(raws: list[tuple[str, Any]], pool: dict[str, list[Any]]) -> Iterator[tuple[str, Any]]:
    """Each record with one field dropped, or set to a wrong value or to one that another record has."""
    for section, raw in raws:
        for f in sorted(KNOWN) + ["unknown"]:
            yield section, {k: v for k, v in raw.items() if k != f}
            for value in WRONG + pool.get(f, []):
                yield section, {**raw, f: value}
        yield TABLE1 if section != TABLE1 else "abstract", raw


def test_a_changed_record_is_accepted_quickly_only_if_the_full_checks_pass_it():
    registry, raws = raw_claims(Project(ROOT))
    assert registry is not None
    source = ReviewText.read(REVIEW_TEXT)
    pool: dict[str, list[Any]] = {}
    for _, raw in raws[::7]:
        for f, value in raw.items():
            if value not in pool.setdefault(f, []):
                pool[f].append(value)
    quick = QuickCheck(VOCAB, registry, source)
    accepted = [verdicts(quick, registry, source, section, raw) for section, raw in changed(raws[::23], pool)]
    assert 1000 < sum(accepted) < len(accepted) - 1000  # both verdicts, many times


def test_load_gives_the_records_that_the_full_checks_alone_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    source = ReviewText.read(REVIEW_TEXT)
    for project in (Project(ROOT), write_project(1500, tmp_path / "syn", REVIEW_TEXT)):
        quick = load(project.root, project.entities, project.claims_dir, VOCAB, source)
        with monkeypatch.context() as m:
            m.setattr(QuickCheck, "claim", lambda self, raw, section: None)
            full = load(project.root, project.entities, project.claims_dir, VOCAB, source)
        assert len(quick.claims) > 200 and quick == full
