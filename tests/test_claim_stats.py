"""`mscsle stats`: claims per section and per value of every qualifier (species, disease state, population, design,
cell source, certainty, evidence level, relation), every value the ontology allows listed (0 where unused)."""

from __future__ import annotations

from collections import Counter

import pytest
from click.testing import CliRunner
from rdflib import Graph

from mscsle.cli import main
from mscsle.curation.claim_stats import DIMENSIONS, allowed
from mscsle.curation.records import Records, load
from mscsle.model.vocab import Vocab
from mscsle.project import Project


@pytest.fixture(scope="module")
def vocab(project: Project) -> Vocab:
    return Vocab.from_ontology(Graph().parse(project.ontology))


@pytest.fixture(scope="module")
def records(project: Project, vocab: Vocab) -> Records:
    return load(project.root, project.entities, project.claims_dir, vocab)


@pytest.fixture(scope="module")
def tables(project: Project) -> dict[str, dict[str, int]]:
    """Each table of `mscsle stats`: its heading -> {value: claims}."""
    result = CliRunner().invoke(main, ["--root", str(project.root), "stats"])
    assert result.exit_code == 0, result.output
    out: dict[str, dict[str, int]] = {}
    for block in result.output.split("\n\n"):
        lines = block.strip("\n").splitlines()
        if len(lines) > 2 and len(lines[0].split()) == 2 and lines[0].split()[-1] == "claims":
            out[lines[0].split()[0]] = {ln.split()[0]: int(ln.split()[1]) for ln in lines[2:]}
    return out


def _expected(records: Records, dimension: str) -> Counter[str]:
    """Counted here from the records, independently of the command: a list field counts a claim once per value."""
    counts: Counter[str] = Counter()
    for c in records.claims:
        value = getattr(c, dimension)
        values = value if isinstance(value, tuple) else (value,)
        counts.update([v for v in values if v] or ["none"])
    return counts


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_each_qualifier_value_is_counted(tables, records, vocab, dimension):
    table = tables[dimension]
    expected = _expected(records, dimension)
    assert {v: n for v, n in table.items() if n} == dict(expected)
    assert set(allowed(vocab, dimension)) <= set(table), "a value the ontology allows is not listed"


def test_the_value_sets_of_schema_v2_are_all_reported(tables):
    assert {"speculative", "stated", "hedged"} <= set(tables["certainty"])
    assert {"knockout", "knockdown", "overexpression", "transplantation"} <= set(tables["design"])
    assert {"bone_marrow", "umbilical_cord"} <= set(tables["cell_source"])
    assert {"sle_patients", "healthy_donors", "lupus_mice", "normal_mice"} <= set(tables["population"])
    assert {"human", "mouse"} <= set(tables["species"])


def test_review_facts_in_the_counts(tables, records):
    """The review names umbilical-cord MSCs once: "a clinical study using BM or umbilical cord-derived MSC
    transplantation for severe and refractory SLE patients [4]"; Table 1 lists 14 factors (one claim per effect at
    least); every claim is in exactly one section."""
    assert tables["cell_source"]["umbilical_cord"] == 1
    assert tables["section"]["table1"] >= 14
    assert sum(tables["section"].values()) == len(records.claims)
