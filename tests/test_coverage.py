"""Every paragraph of the review that cites a reference is accounted for by a claim (or a stated exclusion)."""

from __future__ import annotations

import yaml

from mscsle.curation.claim_stats import coverage, headings
from mscsle.curation.coverage import paragraphs, read_exclusions, uncovered
from mscsle.curation.records import load
from mscsle.model.vocab import Vocab
from mscsle.release.pipeline import read_ontology


def _records(project):
    return load(project.root, project.entities, project.claims_dir, Vocab.from_ontology(read_ontology(project)))


def test_paragraph_walker_finds_the_review_structure(project, review_text):
    paras = paragraphs(review_text, headings(read_ontology(project)))
    sections = [p.section for p in paras]
    assert sections[0] == "Abstract" and sections[-1] == "Conclusions"
    table_rows = [p for p in paras if p.section.startswith("Table 1") and p.cites]
    assert len(table_rows) == 14  # the 14 factors of Table 1, each with its reference
    # the sentence that Table 1 interrupts is read as one paragraph
    assert any(p.holds("closely associated with senescence of MSCs") for p in paras)


def test_every_citing_paragraph_has_a_claim(project, review_text):
    cov = coverage(project, read_ontology(project), _records(project), review_text)
    assert not cov.uncovered, "paragraphs citing references but without any claim:\n" + "\n".join(
        f"[{p.number}] {p.section}: {p.opening}..." for p in cov.uncovered
    )


def test_exclusions_name_real_paragraphs(project, review_text, tmp_path):
    """The project's exclusions (data/coverage-exclusions.yaml, none while the file is absent) name real paragraphs;
    an exclusion written the same way excludes its paragraph from the uncovered ones."""
    paras = paragraphs(review_text, headings(read_ontology(project)))
    for e in read_exclusions(project.root / "data" / "coverage-exclusions.yaml"):
        assert any(p.opening.startswith(e.opening[:60]) for p in paras), f"exclusion matches no paragraph: {e.opening}"
        assert e.reason.strip()
    citing = next(p for p in paras if p.cites)
    sample = tmp_path / "coverage-exclusions.yaml"
    sample.write_text(yaml.safe_dump([{"paragraph": citing.opening, "reason": "background only"}]), encoding="utf-8")
    (excluded,) = read_exclusions(sample)
    assert excluded.reason == "background only"
    assert citing in uncovered(paras, [], []) and citing not in uncovered(paras, [], [excluded])


def test_stats_command(project, review_text):
    from click.testing import CliRunner

    from mscsle.cli import main

    result = CliRunner().invoke(main, ["--root", str(project.root), "stats", "--source-text", str(review_text.path)])
    assert result.exit_code == 0, result.output
    records = _records(project)
    assert f"{len(records.claims)} claims, {len(records.entities)} entities" in result.output
    for heading in (
        "section",
        "species",
        "disease_state",
        "population",
        "design",
        "cell_source",
        "certainty",
        "evidence_level",
        "relation",
    ):
        assert f"\n{heading} " in result.output
    for section in (
        "abstract",
        "background",
        "immunomodulation",
        "impaired_regulation",
        "genetic_factors",
        "direct_genes",
        "table1",
        "indirect_evidence",
        "conclusions",
    ):
        assert f"\n{section} " in result.output
    assert "entity    all " in result.output  # the mapped share per kind
    assert "citing a reference, without a claim and not excluded: 0" in result.output
