"""Table 1 as claims on the text's entities, and the QC rules that compare it with the text (issue 14, point 3)."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from mscsle.checks.qc import explained_keys, release_checks, run_checks
from mscsle.checks.qc_exceptions import read_exceptions
from mscsle.cli import main
from mscsle.curation.records import load
from mscsle.curation.table1_stats import table1_rows, table1_table
from mscsle.errors import CurationError
from mscsle.project import Project
from mscsle.query.stored import load_store
from mscsle.release.pipeline import read_ontology, read_vocab

from .conftest import FIXTURES, ROOT

QC = FIXTURES / "qc"
TABLE1_RULES = (
    "table1_evidence_level_mismatch",
    "table1_polarity_mismatch",
    "table1_reference_mismatch",
    "table1_support_reference_missing",
    "table1_text_finding_missing",
    "table1_unsupported_row",
)


@pytest.fixture(scope="module")
def records(project: Project):
    return load(project.root, project.entities, project.claims_dir, read_vocab(read_ontology(project)))


@pytest.fixture(scope="module")
def store(dist: Path) -> ox.Store:
    return load_store((dist / "mscsle.nt").read_bytes())


def _store(g: Graph) -> ox.Store:
    return load_store(g.serialize(format="nt").encode("utf-8"))


def _fixture_store(rule: str) -> ox.Store:
    g = Graph().parse(QC / "base.ttl")
    g.parse(QC / f"{rule}.ttl")
    return _store(g)


def _exceptions_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "data" / "qc-exceptions.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("rule\tclaim\tabout\treason\n" + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


# --- the records --------------------------------------------------------------------------------------------------

# The review's Table 1, row by row (its text as printed), and the claims each row became: (subject, relation, object).
# Loss-of-function rows are what they show about the gene: "Loss of peripheral self-tolerance" is the effect of PD-1
# reduction (PD-1 promotes tolerance), "Acceleration of dendritic cell maturation" that of FcγRIIB deficiency.
ROWS = {
    "OAZ Impair MSC regulation of B cells, leading to autoantibody production": {
        ("OAZ", "inhibits", "immunosuppression"),
        ("OAZ", "promotes", "autoantibody-production"),
    },
    "Pbx1-d Result in the generation of auto-reactive CD4+ T cells": {("Pbx1-d", "induces", "autoreactive-CD4-T-cell")},
    "p16INK4A Inhibit TGF-β secretion, contribute to the reduction of Treg cells": {
        ("p16INK4A", "inhibits", "TGF-beta"),
        ("p16INK4A", "inhibits", "Treg"),
    },
    "PD-1 Loss of peripheral self-tolerance in B cells": {("PD-1", "promotes", "peripheral-tolerance")},
    "FcγRIIB Acceleration of dendritic cell maturation": {("FcgRIIB", "inhibits", "DC-maturation")},
    "STAT1 Associated with IDO production": {("STAT1", "associated_with", "IDO")},
    "IFN γ Stimulation of IDO production": {("IFN-gamma", "upregulates_expression_of", "IDO")},
    "IL-6 Macrophage polarization": {("IL-6", "regulates", "macrophage-polarization")},
    "IDO Inhibition of T-cell proliferation": {("IDO", "inhibits", "T-cell-proliferation")},
    "CCL2 Inhibition of B-cell proliferation and differentiation": {
        ("CCL2", "inhibits", "B-cell-proliferation"),
        ("CCL2", "inhibits", "B-cell-differentiation"),
    },
    "PGE2 Inhibition of T-cell proliferation and monocyte differentiation": {
        ("PGE2", "inhibits", "T-cell-proliferation"),
        ("PGE2", "inhibits", "monocyte-differentiation"),
    },
    "Galectin-3 Involved in T-cell proliferation": {("Galectin-3", "regulates", "T-cell-proliferation")},
    "TNF-α MSC migration": {("TNF-alpha", "regulates", "MSC-migration")},
    "Leptin MSC senescence": {("leptin", "regulates", "MSC-senescence")},
}


def test_each_table1_row_is_claims_on_the_entities_the_text_uses(records):
    table1 = [c for c in records.claims if c.section == "table1"]
    got: dict[str, set[tuple[str, str, str]]] = {}
    for c in table1:
        assert len(c.quote) == 1, c.id
        got.setdefault(c.quote[0], set()).add((c.subject, c.relation, c.object))
    assert got == ROWS
    text_entities = {e for c in records.claims if c.section != "table1" for e in (c.subject, c.object)}
    # every effect is a process, cell or molecule the text also names, but two that only Table 1 mentions
    assert {c.object for c in table1} - text_entities == {"monocyte-differentiation"}
    assert all(c.certainty == "hedged" and c.hedge == "may" and c.disease_state == "sle" for c in table1)
    assert not any(e.startswith("effect-") for e in records.entities)


def test_supported_by_names_text_claims_about_the_row(records):
    by_id = {c.id: c for c in records.claims}
    for c in records.claims:
        if c.section != "table1":
            assert not c.supported_by, c.id
            continue
        for s in c.supported_by:
            text = by_id[s]
            assert text.section != "table1", (c.id, s)
            assert c.subject in (text.subject, *text.via), (c.id, s)  # about the factor: its subject or mediator
    supported = {c.id for c in records.claims if c.section == "table1" and c.supported_by}
    assert {c.id for c in records.claims if c.section == "table1"} - supported == {"t1-12", "t1-13", "t1-14"}


# The text claims behind each row (what `mscsle stats` prints per row), read from the review's text: e.g. OAZ's row
# is backed by "Knockdown of the OAZ gene ... restores the ability of MSCs to suppress B-cell proliferation and terminal
# differentiation, followed by a decrease in anti-nuclear antibody production. The effect of OAZ is mediated by the
# chemokine CCL2, as the level of CCL2 was increased after OAZ knockdown" and by its role "in regulating anti-nuclear
# antibody production in SLE patients [48]".
SUPPORT = {
    "OAZ": ("dg-04", "dg-06", "dg-07", "dg-08", "dg-09", "dg-11"),
    "Pbx1-d": ("dg-21",),
    "p16INK4A": ("dg-32", "dg-33", "dg-37"),
    "PD-1": ("ie-05", "ie-06", "ie-07", "ie-08"),
    "FcγRIIB": ("ie-13",),
    "STAT1": ("ie-26", "ie-27"),
    "IFN": ("ie-39",),
    "IL-6": ("ie-34", "im-62", "im-63"),
    "IDO": ("ie-35",),
    "CCL2": ("dg-06", "im-41", "im-42", "ir-19", "ir-22", "ir-23"),
    "PGE2": (),  # the text never says PGE2 inhibits T-cell proliferation or monocyte differentiation
    "Galectin-3": (),  # the text never names Galectin-3
    "TNF-α": ("ie-36", "ie-38"),
    "Leptin": ("ie-42", "ie-44"),
}


def test_stats_gives_each_row_its_claims_and_supporting_text_claims(records):
    rows = table1_rows(records)
    assert {r.text.split()[0]: r.supporting for r in rows} == SUPPORT
    assert {r.text: len(r.claims) for r in rows} == {text: len(claims) for text, claims in ROWS.items()}
    line = next(t for t in table1_table(rows) if t[0].startswith("CCL2"))
    assert line[1:] == (
        "indirect_evidence",
        2,
        "t1-11 inhibits B-cell-proliferation; t1-18 inhibits B-cell-differentiation",
        "6: dg-06 im-41 im-42 ir-19 ir-22 ir-23",
    )


def test_stats_command_prints_the_table1_rows(project: Project):
    result = CliRunner().invoke(main, ["--root", str(ROOT), "stats"])
    assert result.exit_code == 0, result.output
    assert "Table 1 row" in result.output and "supporting text claims" in result.output
    assert "Galectin-3 Involved in T-cell proliferation" in result.output


# --- the QC rules on fixtures -------------------------------------------------------------------------------------


# Each rule fires on exactly its fixture tests/fixtures/qc/<rule>.ttl: test_term_model.py's test_each_rule_fires_...


def test_a_reference_cited_where_the_factor_is_a_mediator_agrees():
    # "The maturation and antigen-presenting functions of DCs are suppressed by MSCs via soluble factors such as PGE2
    # and IL6 [30-32]": the text cites PGE2's Table 1 reference [30] on a claim whose mediator is PGE2
    rule = "table1_reference_mismatch"
    g = Graph().parse(QC / "base.ttl")
    g.parse(QC / f"{rule}.ttl")
    assert [r[:2] for r in run_checks(_store(g), ROOT / "queries")[rule].rows] == [("t1-01", "2")]
    g.parse(
        data="""@prefix mscsle: <https://w3id.org/mscsle/> .
        <https://w3id.org/mscsle/claim/text-3> mscsle:claim_id "text-3" ; mscsle:in_section mscsle:section_text ;
            mscsle:has_subject mscsle:G ; mscsle:via mscsle:F ; mscsle:cites mscsle:reference_2 .""",
        format="turtle",
    )
    assert run_checks(_store(g), ROOT / "queries")[rule].rows == []


def test_an_exception_silences_exactly_its_row(tmp_path: Path):
    rule = "table1_text_finding_missing"
    store = _fixture_store(rule)
    assert [r[0] for r in run_checks(store, ROOT / "queries")[rule].rows] == ["text-2", "text-3"]
    path = _exceptions_file(tmp_path, f"{rule}\ttext-2\t\tthe review says so")
    results = release_checks(store, ROOT / "queries", path)
    assert [r[0] for r in results[rule].rows] == ["text-3"]
    assert [(r[0], why) for r, why in results[rule].explained] == [("text-2", "the review says so")]
    assert explained_keys(results) == {(rule, "text-2", "")}


def test_an_exception_that_explains_nothing_is_bad_input(tmp_path: Path):
    path = _exceptions_file(tmp_path, "table1_unsupported_row\tt1-01\t\tstale")
    with pytest.raises(CurationError) as e:
        release_checks(_fixture_store("table1_polarity_mismatch"), ROOT / "queries", path)
    assert str(e.value) == (
        "data/qc-exceptions.tsv: line 2: explains no violation of rule table1_unsupported_row (t1-01); remove it"
    )


def test_a_malformed_exceptions_file_names_line_and_column(tmp_path: Path):
    path = _exceptions_file(
        tmp_path,
        "no_such_rule\tt1-01\t\twhy",
        "table1_unsupported_row\tt1-01\t\t",
        "table1_unsupported_row\tt1-02\t\twhy",
        "table1_unsupported_row\tt1-02\t\twhy again",
        "table1_unsupported_row\tt1-03\twhy",
    )
    with pytest.raises(CurationError) as e:
        read_exceptions(path, "data/qc-exceptions.tsv", TABLE1_RULES)
    assert [str(p) for p in e.value.problems] == [
        "data/qc-exceptions.tsv: line 2: field 'rule': 'no_such_rule' is not a rule of queries/qc/",
        "data/qc-exceptions.tsv: line 3: field 'reason': is empty; every exception names its claim and reason",
        "data/qc-exceptions.tsv: line 5: repeats the exception of line 4",
        "data/qc-exceptions.tsv: line 6: has 3 cells; expected 4 (tab-separated)",
    ]


# --- the release --------------------------------------------------------------------------------------------------


def test_the_release_explains_every_table1_disagreement(project: Project, store: ox.Store):
    results = release_checks(store, project.queries_dir, project.qc_exceptions)
    assert {n: v.rows for n, v in results.items() if n in TABLE1_RULES and v.rows} == {}
    explained = {k for k in explained_keys(results) if k[0] in TABLE1_RULES}
    assert explained == {
        # "CCL2 ... [6]" is under "With indirect evidence"; the text's OAZ paragraph (direct evidence) says "The effect
        # of OAZ is mediated by the chemokine CCL2"
        ("table1_evidence_level_mismatch", "t1-11", "dg-06"),
        # Galectin-3 [64] and monocyte differentiation are only in Table 1; nor does the text say PGE2 inhibits T cells
        ("table1_reference_mismatch", "t1-14", "64"),
        # the text cites more than the row: [24] for CCL2 in B-cell proliferation and plasma cell differentiation,
        # [48] for OAZ and anti-nuclear antibody production
        ("table1_support_reference_missing", "t1-11", "24"),
        ("table1_support_reference_missing", "t1-17", "48"),
        ("table1_support_reference_missing", "t1-18", "24"),
        ("table1_unsupported_row", "t1-12", ""),
        ("table1_unsupported_row", "t1-13", ""),
        ("table1_unsupported_row", "t1-14", ""),
        # what the text says about a Table 1 factor that its row leaves out
        *(
            ("table1_text_finding_missing", c, "")
            for c in (
                "dg-22",  # Pbx1-d: anti-chromatin IgG production
                "dg-24",  # Pbx1-d: works in humans to regulate MSC function
                "dg-27",  # p16INK4A: senescence [51]
                "dg-29",  # p16INK4A: could account for the senescence of lupus MSCs [52]
                "dg-35",  # p16INK4A: may cripple the function of SLE MSCs
                "ie-14",  # FcγRIIB: the antigen-specific T-cell response
                "ie-15",  # FcγRIIB: PGE2
                "ie-16",  # FcγRIIB: cyclooxygenase-2
                "ie-47",  # PGE2: among the immunosuppressive factors of FcγRIIB-deficient MSCs
                "ie-20",  # STAT1: autoantibody production [56-58]
                "ie-21",  # STAT1: renal involvement [56-58]
                "ie-37",  # TNF-α: MSC invasion
                "ie-40",  # IFN-γ: enhanced immunosuppressive capacity of normal MSCs
            )
        ),
    }
    assert not results["table1_polarity_mismatch"].explained  # PD-1 and FcγRIIB keep the text's direction


def test_check_prints_explained_and_unexplained(dist: Path):
    result = CliRunner().invoke(main, ["--root", str(ROOT), "check", "--dist", str(dist)])
    assert result.exit_code == 0, result.output
    assert "explained (1, data/qc-exceptions.tsv) table1_evidence_level_mismatch" in result.output
    assert "The review disagrees with itself: Table 1 lists CCL2 under indirect evidence" in result.output


def test_check_fails_on_an_unexplained_disagreement(dist: Path, tmp_path: Path):
    root = tmp_path / "root"
    for name in ("ontology", "shapes", "queries", "pyproject.toml"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(ROOT / name)
    lines = (ROOT / "data" / "qc-exceptions.tsv").read_text(encoding="utf-8").splitlines()
    path = _exceptions_file(root, *[line for line in lines[1:] if "\tt1-11\t" not in line])
    made = (dist / "mscsle.nt").stat().st_mtime
    os.utime(path, (made - 60, made - 60))  # older than the build, which stays current
    result = CliRunner().invoke(main, ["--root", str(root), "check", "--dist", str(dist)])
    assert result.exit_code == 1
    assert "ERROR table1_evidence_level_mismatch" in result.output and "t1-11" in result.output
