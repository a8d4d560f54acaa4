"""The quick reading of claim files (one libyaml parse, data built from its nodes) gives the records that a plain
yaml.safe_load reading gives, and leaves every unusual file to the careful reading, whose messages name lines."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from mscsle.curation import records, yaml_files
from mscsle.curation.records import Records, load
from mscsle.curation.review_text import ReviewText
from mscsle.curation.yaml_files import ClaimFile
from mscsle.errors import CurationError, Problem
from mscsle.model.vocab import Vocab
from mscsle.project import Project
from mscsle.release.pipeline import read_ontology

from .conftest import FIXTURES, REVIEW_TEXT, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import write_project  # noqa: E402

MINI = FIXTURES / "mini"
VOCAB = Vocab.from_ontology(read_ontology(Project(ROOT)))


def plain_read_claims(path: Path, name: str, problems: list[Problem]) -> ClaimFile:
    """The straightforward reading: the data by yaml.safe_load, each claim's line by PyYAML's own composer."""
    text = path.read_text(encoding="utf-8-sig")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    claims = [v for k, v in node.value if k.value == "claims"]
    return ClaimFile(yaml.safe_load(text), {i: item.start_mark.line + 1 for i, item in enumerate(claims[0].value)}, {})


def both_readings(
    root: Path, entities: Path, claims: Path, source: ReviewText | None, monkeypatch: pytest.MonkeyPatch
) -> list[Records]:
    quick = load(root, entities, claims, VOCAB, source)
    with monkeypatch.context() as m:
        m.setattr(records, "read_claims", plain_read_claims)
        plain = load(root, entities, claims, VOCAB, source)
    return [quick, plain]


def test_the_review_records_are_those_of_a_plain_safe_load(project: Project, monkeypatch: pytest.MonkeyPatch):
    files = sorted(project.claims_dir.glob("*.yaml"))
    assert files and all(yaml_files._read_plain(f.read_text(encoding="utf-8")) for f in files)  # all read quickly
    source = ReviewText.read(REVIEW_TEXT)
    quick, plain = both_readings(project.root, project.entities, project.claims_dir, source, monkeypatch)
    assert len(quick.claims) > 200 and quick == plain


def test_synthetic_records_are_those_of_a_plain_safe_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project = write_project(1500, tmp_path / "syn", REVIEW_TEXT)
    files = sorted(project.claims_dir.glob("*.yaml"))
    assert all(yaml_files._read_plain(f.read_text(encoding="utf-8")) for f in files)
    quick, plain = both_readings(
        project.root, project.entities, project.claims_dir, ReviewText.read(REVIEW_TEXT), monkeypatch
    )
    assert len(quick.claims) == 1500 and quick == plain


def mini_with(tmp: Path, *edits: tuple[str, str]) -> tuple[Path, str]:
    """The mini fixture's entities and claim file, with each (old, new) edit made once; the claim file's text."""
    text = (MINI / "claims" / "direct_genes.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    (tmp / "claims").mkdir()
    (tmp / "entities.tsv").write_bytes((MINI / "entities.tsv").read_bytes())
    (tmp / "claims" / "direct_genes.yaml").write_text(text, encoding="utf-8")
    return tmp, text


def test_a_quote_with_star_and_ampersand_is_read_the_careful_way_with_the_same_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """'*' and '&' together might be an alias: the careful reading decides, and it reads the same records."""
    root, text = mini_with(tmp_path, ("OAZ is over-expressed", "OAZ & co *are* over-expressed"))
    assert yaml_files._read_plain(text) is None
    quick, plain = both_readings(root, root / "entities.tsv", root / "claims", None, monkeypatch)
    assert quick.claims[0].quote == ("OAZ & co *are* over-expressed in MSCs from SLE patients",)
    assert quick == plain


AT = "claims/direct_genes.yaml: claim dg-01 (line 3): field"
# Each mistake, made in the mini fixture's claim file, and the report of every problem (as before the quick reading).
MISTAKES: dict[str, tuple[list[tuple[str, str]], list[str]]] = {
    "key twice": (
        [("    object: MSC\n", "    object: MSC\n    object: OAZ\n")],
        [f"{AT} 'object': appears twice (again on line 7); keep one"],
    ),
    "top-level key twice": (
        [("claims:\n", "section: direct_genes\nclaims:\n")],
        ["claims/direct_genes.yaml: line 2: field 'section': appears twice at the top level; keep one"],
    ),
    "text for a list": (
        [("    species: [human]\n", "    species: human\n")],
        [
            f"{AT} 'species': must be a list of text values, got text 'human'; expected a list of species, "
            "e.g. [human] or [human, mouse]; [] when not stated"
        ],
    ),
    "yes/no for text": (
        [("    certainty: stated\n", "    certainty: yes\n")],
        [
            f"{AT} 'certainty': must be text, but YAML read a yes/no value True; expected stated, hedged or "
            "speculative (put the value in quotes if it is meant literally)"
        ],
    ),
    "octal reference": (
        [("    references: [41]\n", "    references: [041]\n")],
        [
            f"{AT} 'references': '041' (line 13) is not a plain decimal number; YAML reads it as 33: write "
            "reference numbers in digits without a leading 0, e.g. 10"
        ],
    ),
    "merge key": (
        [("    certainty: stated\n", "    certainty: stated\n    <<: {hedge: may}\n")],
        [
            "claims/direct_genes.yaml: line 12: uses the merge key '<<'; mscsle reads no YAML merge keys: write the fields out"
        ],
    ),
    "too deep": (
        [("    certainty: stated\n", "    certainty: stated\n    hedge: [[[[[[[[[may]]]]]]]]]\n")],
        ["claims/direct_genes.yaml: line 12: nests lists and mappings more than 10 levels deep; claims need 4"],
    ),
    "alias": (
        [
            ("    species: [human]\n", "    species: [&h human]\n"),
            ("species: [human]\n    design", "species: [*h]\n    design"),
        ],
        ["claims/direct_genes.yaml: line 20: uses the alias *h; mscsle reads no YAML aliases: write the value out"],
    ),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_a_mistake_gets_its_one_line_message_with_line_numbers(mistake: str, tmp_path: Path):
    edits, expected = MISTAKES[mistake]
    root, text = mini_with(tmp_path, *edits)
    if mistake != "text for a list":  # plain YAML: the record checks find that one
        assert yaml_files._read_plain(text) is None
    with pytest.raises(CurationError) as e:
        load(root, root / "entities.tsv", root / "claims", VOCAB)
    assert [str(p) for p in e.value.problems] == expected


@pytest.mark.parametrize(
    "value",
    ["'x'", "~", "[]", "{}", "0", "12", "!!str 12", "!!int '7'", "[a, [b, {c: d}]]", "''", '""', "null", "e1"],
)
def test_the_quick_data_equals_safe_load(value: str):
    text = f"section: s\nclaims:\n  - id: a\n    hedge: {value}\n"
    quick: Any = yaml_files._read_plain(text)
    assert quick is not None and quick.data == yaml.safe_load(text) and quick.lines == {0: 3}


@pytest.mark.parametrize("value", ["yes", "1.5", "010", "0x1A", "1_0", "1:20", "2018-01-01", "=", "!!float 1", "-1"])
def test_anything_else_is_left_to_the_careful_reading(value: str):
    assert yaml_files._read_plain(f"section: s\nclaims:\n  - id: a\n    hedge: {value}\n") is None


def _tags(node: yaml.Node) -> list[tuple[str, Any]]:
    """(tag, scalar value or None) of every node of a tree, depth first."""
    if isinstance(node, yaml.ScalarNode):
        return [(node.tag, node.value)]
    items = [x for pair in node.value for x in pair] if isinstance(node, yaml.MappingNode) else node.value
    return [(node.tag, None), *(t for item in items for t in _tags(item))]


def test_the_quick_loader_tags_every_node_as_the_safe_loader_does():
    """The quick loader finds tags without trying the type patterns on most scalars: the same tags, for scalars
    of every implicit type, quoted or not, with or without an explicit or non-specific tag."""
    values = [
        *("yes", "No", "true", "off", "y", "n", "~", "null", "Null", "", "''", '""', "'12'", '"yes"', "0", "12"),
        *("-1", "+3", "010", "0x1A", "0b11", "1_0", "1:20", "1.5", ".5", "-.inf", ".NaN", "1e3", "2018-01-01"),
        *("2001-12-14t21:59:43.10-05:00", "=", "<<", "!x", "&x", "E001", "inhibits", "IFN-gamma", "'a: b'", "a #b"),
        *("!!str 12", "!!int '7'", "! 12", "! yes", "!!float 1", "|\n      literal 12\n", ">\n      folded\n"),
        *("[1, a, {b: 2, 3: ~}]", "!!seq [a]", "!!map {a: 1}", "! [1]", "{yes: no, 1.5: x}", "[[[]]]", "{}"),
    ]
    text = "".join(f"v{i}: {v}\n" for i, v in enumerate(values))
    quick = yaml.compose(text, Loader=yaml_files._QuickLoader)
    safe = yaml.compose(text, Loader=yaml.SafeLoader)
    assert quick is not None and safe is not None and len(_tags(safe)) > 2 * len(values)
    assert _tags(quick) == _tags(safe)
