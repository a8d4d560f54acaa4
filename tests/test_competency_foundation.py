"""The foundation's competency questions, with their complete answers read from the review's text."""

from __future__ import annotations

from pathlib import Path

import pytest

from mscsle.queries import load_store, select, stored_queries

from .conftest import ROOT

E = "https://w3id.org/mscsle/entity/"

# Table 1 of the review: factor -> (evidence level, reference numbers, number of immunological effects)
TABLE1 = {
    "OAZ": ("direct evidence", {41}, 1),
    "Pbx1-d": ("direct evidence", {40}, 1),
    "p16INK4A": ("direct evidence", {52}, 2),  # "Inhibit TGF-β secretion, contribute to the reduction of Treg cells"
    "PD-1": ("indirect evidence", {23}, 1),
    "FcgRIIB": ("indirect evidence", {55}, 1),
    "STAT1": ("indirect evidence", {60}, 1),
    "IFN-gamma": ("indirect evidence", {17}, 1),
    "IL-6": ("indirect evidence", {29}, 1),
    "IDO": ("indirect evidence", {17}, 1),
    "CCL2": ("indirect evidence", {6}, 1),
    "PGE2": ("indirect evidence", {30}, 2),  # "Inhibition of T-cell proliferation and monocyte differentiation"
    "Galectin-3": ("indirect evidence", {64}, 1),
    "TNF-alpha": ("indirect evidence", {61, 62}, 1),
    "leptin": ("indirect evidence", {63}, 1),
}


@pytest.fixture(scope="module")
def ask(dist: Path):
    store = load_store((dist / "mscsle.nt").read_bytes())
    queries = stored_queries(ROOT / "queries")

    def run(name: str) -> list[dict[str, str]]:
        names, rows = select(store, queries[name].sparql)
        return [dict(zip(names, r)) for r in rows]

    return run


def _ids(rows: list[dict[str, str]], column: str) -> set[str]:
    return {r[column].removeprefix(E) for r in rows}


def test_direct_evidence_factors(ask):
    assert _ids(ask("direct-evidence-factors"), "factor") == {"OAZ", "Pbx1-d", "p16INK4A"}


def test_indirect_evidence_factors(ask):
    expected = {f for f, (level, _, _) in TABLE1.items() if level == "indirect evidence"}
    assert len(expected) == 11
    assert _ids(ask("indirect-evidence-factors"), "factor") == expected


def test_table1_references(ask):
    got: dict[str, set[int]] = {}
    for r in ask("table1-references"):
        got.setdefault(r["factor"].removeprefix(E), set()).add(int(r["reference"]))
    assert got == {f: refs for f, (_, refs, _) in TABLE1.items()}


def test_table1_effects(ask):
    rows = ask("table1-effects")
    per_factor: dict[str, list[str]] = {}
    for r in rows:
        per_factor.setdefault(r["factor"].removeprefix(E), []).append(r["level"])
    assert {f: len(levels) for f, levels in per_factor.items()} == {f: n for f, (_, _, n) in TABLE1.items()}
    assert {f: set(levels) for f, levels in per_factor.items()} == {f: {lvl} for f, (lvl, _, _) in TABLE1.items()}


def test_oaz_mediator(ask):
    # "The effect of OAZ is mediated by the chemokine CCL2"
    assert _ids(ask("oaz-mediator"), "mediator") == {"CCL2"}


def test_hedged_direct_genes(ask):
    rows = {(r["subject"], r["relation"], r["object"], r["hedge"]) for r in ask("hedged-direct-genes")}
    assert rows == {
        ("OAZ", "susceptibility_gene_for", "SLE", "candidate"),  # "As a candidate susceptibility gene of SLE"
        ("Pbx1-d", "regulates", "MSC-function", "implying"),  # "implying that Pbx1-d also works in humans"
        ("p16INK4A", "promotes", "MSC-senescence", "could"),  # "could account for the prominent senescence"
        ("p16INK4A", "inhibits", "MSC-function", "may"),  # "p16INK4A may cripple the function of SLE MSCs
        ("p16INK4A", "induces", "MSC-senescence", "may"),  #  by both the induction of cell senescence
        ("p16INK4A", "inhibits", "TGF-beta", "may"),  #  and the inhibition of TGF-β secretion"
    }
