"""The curation guide (docs/curation.md) is enforced: every rule names a check with an existing failing fixture or
test, and every example it quotes is verbatim in the review."""

from __future__ import annotations

import re

import pytest

from mscsle.curation.review_text import ReviewText

from .conftest import REVIEW_TEXT, ROOT

GUIDE = ROOT / "docs" / "curation.md"
TEXT = GUIDE.read_text(encoding="utf-8")
RULES = re.findall(r"^### (R\d+)\. .*?(?=^### |^## |\Z)", TEXT, re.M | re.S)
BLOCKS = dict(zip(RULES, re.split(r"^### R\d+\. ", TEXT, flags=re.M)[1:], strict=True))
EVIDENCE = re.compile(r"`(tests/[^`]+)`")


def _exists(ref: str) -> bool:
    """A fixture (file or folder) or a test function `tests/x.py::name` of the repository."""
    path, _, test = ref.partition("::")
    target = ROOT / path
    if not target.exists():
        return False
    return not test or re.search(rf"^def {re.escape(test)}\(", target.read_text(encoding="utf-8"), re.M) is not None


def test_the_guide_has_its_rules():
    assert RULES == [f"R{n}" for n in range(1, len(RULES) + 1)] and len(RULES) >= 15


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_names_an_existing_check_and_fixture(rule: str):
    block = BLOCKS[rule]
    checked = block.split("**Checked by:**", 1)
    assert len(checked) == 2, f"{rule} says nothing about what checks it"
    refs = EVIDENCE.findall(checked[1])
    assert refs, f"{rule} names no fixture or test"
    missing = [r for r in refs if not _exists(r)]
    assert not missing, f"{rule} names fixtures or tests that do not exist: {missing}"


def test_every_bad_input_fixture_of_schema_v2_is_in_the_guide():
    """The record rules of schema v2 each have their failing fixture, and the guide cites it."""
    for case in (
        "relation-wrong-direction",
        "mediates-effect-of",
        "bad-design",
        "id-ends-in-mouse",
        "bad-disease-state",
        "speculative-without-hedge",
        "quote-empty-list",
        "duplicate-claim",
        "supported-by-outside-table1",
        "supported-by-unknown-claim",
        "condition-field",
    ):
        assert f"`tests/fixtures/bad_input/{case}`" in TEXT, case


@pytest.mark.skipif(not REVIEW_TEXT.is_file(), reason="the review's text is not present")
def test_example_quotes_are_verbatim_in_the_review():
    review = ReviewText.read(REVIEW_TEXT)
    quotes = [q.strip() for q in re.findall(r"^\s*> (.+)$", TEXT, re.M)]
    assert len(quotes) >= 15
    assert [q for q in quotes if not review.contains(q)] == []
