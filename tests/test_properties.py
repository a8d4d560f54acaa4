"""Property-based tests (hypothesis) of the record pipeline, at library level (no subprocess, no SHACL unless needed).

1. Random valid claim records round-trip: records -> YAML -> loader -> RDF -> dist/claims.tsv -> records, unchanged;
   the same data also survives every RDF serialisation the build writes.
2. Every random single-field corruption of valid records is caught: by the loader (naming the claim and the field)
   or, failing that, by SHACL.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from mscsle.checks.shacl import load_shapes, validate
from mscsle.curation.mappings import load_mappings
from mscsle.curation.records import CLAIM_ID, OPTIONAL, REQUIRED, UNSAFE_CHARACTER, Claim, Records, load
from mscsle.curation.review_text import ReviewText
from mscsle.errors import CurationError
from mscsle.model.claim import BY_NAME, KEY_FIELDS
from mscsle.model.vocab import Vocab
from mscsle.project import Project
from mscsle.release import serialize
from mscsle.release.claims_tsv import claims_tsv
from mscsle.release.graph import Terms, data_lines, data_triples, merged_graph
from mscsle.release.named_graphs import nt_line
from mscsle.release.pipeline import CLAIMS_COLUMNS, LIST_SEPARATOR, claims_table, read_ontology, read_terms

from .conftest import FIXTURES, ROOT

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
REGISTRY = [  # id, label, kind
    ("OAZ", "OAZ", "TranscriptionFactor"),
    ("MSC", "mesenchymal stem cell", "MesenchymalStemCell"),
    ("BCell", "B cell", "BCell"),
    ("CCL2", "CCL2", "Chemokine"),
    ("IFN-gamma", "IFN-γ", "Cytokine"),
    ("Sle1a1", "Sle1a1", "Locus"),
]
ENTITY_IDS = [e[0] for e in REGISTRY]
CELLS = ["MSC", "BCell"]
EXCERPT = ReviewText.read(FIXTURES / "review-excerpt.txt")


def entities_tsv() -> str:
    rows = ["id\tlabel\tkind\tsynonyms\tdefinition"]
    rows += [f"{i}\t{label}\t{kind}\t\tThe {label}." for i, label, kind in REGISTRY]
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def base() -> tuple[Graph, Vocab]:
    ontology = read_ontology(Project(ROOT))
    return ontology, Vocab.from_ontology(ontology)


def project_with(tmp: Path, placed: list[tuple[str, dict[str, Any]]]) -> Project:
    """A throw-away project: the real ontology, the registry above, the (section, claim record)s as YAML files."""
    for name in ("ontology", "shapes", "queries", "pyproject.toml"):
        (tmp / name).symlink_to(ROOT / name)
    (tmp / "data" / "claims").mkdir(parents=True)
    (tmp / "data" / "entities.tsv").write_text(entities_tsv(), encoding="utf-8")
    by_section: dict[str, list[dict[str, Any]]] = {}
    for section, record in placed:
        by_section.setdefault(section, []).append(record)
    for n, (section, records) in enumerate(by_section.items()):
        text = yaml.safe_dump({"section": section, "claims": records}, allow_unicode=True, sort_keys=False)
        (tmp / "data" / "claims" / f"file{n}.yaml").write_text(text, encoding="utf-8")
    return Project(tmp)


# --- strategies -----------------------------------------------------------------------------------------------------

# Any text the loader accepts: every Unicode character but those records.UNSAFE_CHARACTER refuses.
# (No "|": the claims table joins a list's values with " | ".)
TEXT = st.text(
    st.characters(codec="utf-8").filter(lambda c: not UNSAFE_CHARACTER.match(c) and c != "|"), min_size=1, max_size=30
).filter(lambda s: s.strip())
CLAIM_IDS = st.from_regex(r"[a-z0-9]{1,4}(-[a-z0-9]{1,3}){0,2}", fullmatch=True)
WORDS = re.sub(r"-\n", "-", EXCERPT.raw).split()  # a word broken at a line end, joined with its hyphen


@st.composite
def quotes(draw: st.DrawFn, verbatim: bool) -> str:
    """Any text; or, `verbatim`, a run of words of the review excerpt (so that it is found in the source)."""
    if not verbatim:
        return draw(TEXT)
    start = draw(st.integers(0, len(WORDS) - 3))
    return " ".join(WORDS[start : start + draw(st.integers(3, 8))])


def sides(vocab: Vocab) -> dict[str, tuple[list[str], list[str]]]:
    """relation -> (the registry's entities its subject may be, those its object may be): one direction each."""
    kind = {i: k for i, _, k in REGISTRY}
    out = {}
    for r in sorted(vocab.relations):
        subjects = [e for e in ENTITY_IDS if kind[e] in vocab.domains[r]]
        objects = [e for e in ENTITY_IDS if kind[e] in vocab.ranges[r]]
        if subjects and objects:
            out[r] = (subjects, objects)
    return out


def _sorted_list(draw: st.DrawFn, values: list[str], max_size: int = 2) -> tuple[str, ...]:
    """A list field's values as the table gives them back: unique, in order."""
    return tuple(sorted(draw(st.sets(st.sampled_from(values), max_size=max_size)))) if values else ()


@st.composite
def claim_sets(draw: st.DrawFn, vocab: Vocab, verbatim: bool = False) -> list[Claim]:
    """1-4 valid claims, each in a random section (so they spread over several files), none repeating another."""
    out: list[Claim] = []
    keys = set()
    allowed = sides(vocab)
    ids = draw(st.lists(CLAIM_IDS, min_size=1, max_size=4, unique=True))
    for cid in ids:
        certainty = draw(st.sampled_from(sorted(vocab.certainties)))
        relation = draw(st.sampled_from(sorted(allowed)))
        section = draw(st.sampled_from(sorted(vocab.sections)))
        claim = Claim(
            id=cid,
            section=section,
            subject=draw(st.sampled_from(allowed[relation][0])),
            relation=relation,
            object=draw(st.sampled_from(allowed[relation][1])),
            via=_sorted_list(draw, ENTITY_IDS),
            species=_sorted_list(draw, sorted(vocab.species)),
            disease_state=draw(st.none() | st.sampled_from(sorted(vocab.disease_states))),
            population=draw(st.none() | st.sampled_from(sorted(vocab.populations))),
            model=draw(st.none() | st.sampled_from(ENTITY_IDS)),
            design=_sorted_list(draw, sorted(vocab.designs)),
            cell_source=draw(st.none() | st.sampled_from(sorted(vocab.cell_sources))),
            cell_context=draw(st.none() | st.sampled_from(CELLS)),
            certainty=certainty,
            hedge=draw(TEXT) if certainty != "stated" else None,
            evidence_level=draw(st.none() | st.sampled_from(sorted(vocab.evidence_levels))),
            references=tuple(sorted(draw(st.sets(st.integers(1, vocab.reference_count), max_size=4)))),
            supported_by=_sorted_list(draw, ids) if section == "table1" else (),
            quote=tuple(sorted(draw(st.sets(quotes(verbatim), min_size=1, max_size=2)))),
        )
        key = (section == "table1", *(getattr(claim, f) for f in KEY_FIELDS))
        if key not in keys:  # one statement is one claim
            keys.add(key)
            out.append(claim)
    return out


def as_record(c: Claim) -> tuple[str, dict[str, Any]]:
    """A claim as a curator writes it: the section of its file, and the fields that are set (lists as lists)."""
    record = {f: getattr(c, f) for f in (*REQUIRED, *OPTIONAL) if getattr(c, f) is not None}
    return c.section, {f: list(v) if isinstance(v, tuple) else v for f, v in record.items()}


def claims_from_table(tsv: bytes) -> list[Claim]:
    """dist/claims.tsv read back into claim records (the inverse of the build's table)."""
    rows = list(csv.DictReader(io.StringIO(tsv.decode("utf-8"), newline=""), delimiter="\t"))
    assert rows == [] or tuple(rows[0]) == CLAIMS_COLUMNS

    def opt(v: str) -> str | None:
        return v or None

    def many(v: str) -> tuple[str, ...]:
        return tuple(v.split(LIST_SEPARATOR)) if v else ()

    return [
        Claim(
            id=r["claim_id"],
            section=r["section"],
            subject=r["subject_id"],
            relation=r["relation_id"],
            object=r["object_id"],
            via=many(r["via"]),
            species=many(r["species"]),
            disease_state=opt(r["disease_state"]),
            population=opt(r["population"]),
            model=opt(r["model"]),
            design=many(r["design"]),
            cell_source=opt(r["cell_source"]),
            cell_context=opt(r["cell_context"]),
            certainty=r["certainty"],
            hedge=opt(r["hedge"]),
            evidence_level=opt(r["evidence_level"]),
            references=tuple(int(n) for n in r["references"].split(", ") if n),
            supported_by=many(r["supported_by"]),
            quote=many(r["quote"]),
        )
        for r in rows
    ]


# --- 1. round trip --------------------------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data())
def test_records_round_trip_through_rdf_and_the_claims_table(base, data: st.DataObject):
    ontology, vocab = base
    claims = data.draw(claim_sets(vocab))
    with tempfile.TemporaryDirectory() as tmp:
        project = project_with(Path(tmp), [as_record(c) for c in claims])
        records = load(project.root, project.entities, project.claims_dir, vocab)
        assert sorted(records.claims, key=lambda c: c.id) == sorted(claims, key=lambda c: c.id)  # YAML round trip
        nt = serialize.ntriples(serialize.canonical(merged_graph(ontology, records, vocab, "test")))
        table = claims_table(nt, project)
    assert sorted(claims_from_table(table), key=lambda c: c.id) == sorted(claims, key=lambda c: c.id)
    assert claims_tsv(records, ontology, Terms.own(records), vocab.sections) == table  # what the build writes


def _lines(items) -> list[bytes]:
    return [line for x in items for line in (x.split(b"\n") if isinstance(x, bytes) else [nt_line(x)])]


@SETTINGS
@given(data=st.data())
def test_the_builds_claim_lines_are_the_claim_triples(base, data: st.DataObject):
    """The build files claims as N-Triples lines made from strings (graph.ClaimLines): for random claims, the
    very lines of the rdflib triples of data_triples, in their order."""
    ontology, vocab = base
    claims = data.draw(claim_sets(vocab))
    records = Records({i: _entity(i) for i in ENTITY_IDS}, claims)
    terms = Terms.own(records)
    assert _lines(data_lines(records, vocab, ontology, terms)) == _lines(data_triples(records, vocab, ontology, terms))


def test_the_builds_claim_lines_are_the_claim_triples_of_the_review(project: Project):
    ontology = read_ontology(project)
    vocab = Vocab.from_ontology(ontology)
    records = load(project.root, project.entities, project.claims_dir, vocab)
    terms = read_terms(project, records, load_mappings(project, ontology, records))
    lines = _lines(data_lines(records, vocab, ontology, terms))
    assert lines == _lines(data_triples(records, vocab, ontology, terms)) and len(lines) > 5000


@SETTINGS
@given(data=st.data())
def test_claim_data_survives_every_serialisation(base, data: st.DataObject):
    """The data triples of random claims, written as N-Triples, Turtle, RDF/XML and JSON-LD, all read back equal."""
    ontology, vocab = base
    claims = data.draw(claim_sets(vocab))
    entities = {i: _entity(i) for i in ENTITY_IDS}
    g = serialize.canonical(_graph(data_triples(Records(entities, claims), vocab, ontology)))
    nt = serialize.ntriples(g)
    for fmt, payload in (
        ("nt", nt),
        ("turtle", serialize.turtle(g)),
        ("xml", serialize.rdfxml(nt)),
        ("json-ld", serialize.jsonld(g)),
    ):  # isomorphic: the plain triples' axiom annotations are blank nodes, relabelled by a reader
        assert isomorphic(Graph().parse(data=payload, format=fmt), g), fmt

    def canonical(payload: bytes, fmt: ox.RdfFormat) -> ox.Dataset:
        ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(payload, format=fmt))
        ds.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        return ds

    a, b = canonical(serialize.rdfxml(nt), ox.RdfFormat.RDF_XML), canonical(nt, ox.RdfFormat.N_TRIPLES)
    assert {str(q) for q in a} == {str(q) for q in b}  # a second RDF/XML reader agrees


def _entity(eid: str):
    from mscsle.curation.records import Entity

    _, label, kind = next(e for e in REGISTRY if e[0] == eid)
    return Entity(eid, label, kind, f"The {label}.")


def _graph(triples) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


# --- 2. corruptions -------------------------------------------------------------------------------------------------

NOT_TEXT = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from("ab"), st.integers(), min_size=1, max_size=1),
)
ENTITY_FIELDS = ("subject", "object", "cell_context", "via", "model")


@st.composite
def corruptions(draw: st.DrawFn, claims: list[Claim], vocab: Vocab) -> tuple[int, str, str, Any]:
    """(index of the claim, field, what was done, the new value or a marker) for one single-field corruption."""
    i = draw(st.integers(0, len(claims) - 1))
    claims[i]
    controlled: dict[str, Any] = {
        "relation": vocab.relations,
        "species": vocab.species,
        "disease_state": vocab.disease_states,
        "population": vocab.populations,
        "design": vocab.designs,
        "cell_source": vocab.cell_sources,
        "certainty": vocab.certainties,
        "evidence_level": vocab.evidence_levels,
    }
    kind_of = {e: k for e, _, k in REGISTRY}
    wrong_subjects = [e for e in ENTITY_IDS if kind_of[e] not in vocab.domains[claims[i].relation]]
    kinds = [
        "delete",
        "blank",
        "not text",
        "unknown entity",
        "not a cell",
        "unknown value",
        "bad id",
        "reference",
        "quote",
        "hedge",
        "unknown field",
        "section",
    ]
    if wrong_subjects:
        kinds.append("direction")
    if len(claims) > 1:
        kinds.append("duplicate id")
    kind = draw(st.sampled_from(kinds))
    if kind == "delete":
        return i, draw(st.sampled_from(REQUIRED)), kind, None
    if kind == "blank":
        return (
            i,
            draw(st.sampled_from([f for f in REQUIRED if f != "references"])),
            kind,
            draw(st.sampled_from(["", "  "])),
        )
    if kind == "not text":
        f = draw(st.sampled_from([f for f in (*REQUIRED, *OPTIONAL) if f != "references"]))
        return i, f, kind, draw(NOT_TEXT.filter(lambda v: v != []))  # [] is a valid (empty) list
    if kind == "unknown entity":
        f = draw(st.sampled_from(ENTITY_FIELDS))
        value = draw(TEXT.filter(lambda s: s not in ENTITY_IDS))
        return i, f, kind, [value] if BY_NAME[f].multi else value
    if kind == "direction":  # a subject of a kind the relation's domain does not allow
        return i, "subject", kind, draw(st.sampled_from(wrong_subjects))
    if kind == "not a cell":
        return i, "cell_context", kind, draw(st.sampled_from([e for e in ENTITY_IDS if e not in CELLS]))
    if kind == "unknown value":
        f = draw(st.sampled_from(sorted(controlled)))
        value = draw(TEXT.filter(lambda s, f=f: s not in controlled[f]))
        return i, f, kind, [value] if BY_NAME[f].multi else value
    if kind == "bad id":
        return i, "id", kind, draw(TEXT.filter(lambda s: not CLAIM_ID.match(s)))
    if kind == "duplicate id":
        return i, "id", kind, claims[(i + 1) % len(claims)].id
    if kind == "reference":
        bad = st.one_of(
            st.lists(
                st.integers(max_value=0) | st.integers(min_value=vocab.reference_count + 1), min_size=1, max_size=2
            ),
            st.lists(st.integers(1, vocab.reference_count), min_size=1, max_size=2).map(lambda r: r + r[:1]),
            st.lists(TEXT | st.booleans() | st.floats(), min_size=1, max_size=2),
            st.integers() | TEXT | st.just(None),
        )
        return i, "references", kind, draw(bad)
    if kind == "quote":
        return i, "quote", kind, [draw(TEXT.filter(lambda s: not EXCERPT.contains(s)))]
    if kind == "hedge":  # a stated claim gains a hedge, a hedged one loses it, or certainty flips
        return i, draw(st.sampled_from(["hedge", "certainty"])), kind, draw(TEXT)
    if kind == "unknown field":
        return i, draw(TEXT.filter(lambda s: s not in (*REQUIRED, *OPTIONAL))), kind, draw(TEXT)
    return i, "section", kind, draw(TEXT.filter(lambda s: s not in vocab.sections))


def corrupt(
    placed: list[tuple[str, dict[str, Any]]], claims: list[Claim], i: int, field: str, kind: str, value: Any
) -> None:
    record = placed[i][1]
    if kind == "delete":
        del record[field]
    elif kind == "hedge":
        if field == "hedge":
            if claims[i].hedge is None:
                record["hedge"] = value  # on a stated claim
            else:
                del record["hedge"]  # from a hedged claim
        else:
            record["certainty"] = "hedged" if claims[i].certainty == "stated" else "stated"
    elif kind == "section":
        placed[i] = (value, record)
    else:
        record[field] = value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_single_field_corruption_is_caught(base, data: st.DataObject):
    ontology, vocab = base
    claims = data.draw(claim_sets(vocab, verbatim=True))
    i, field, kind, value = data.draw(corruptions(claims, vocab))
    placed = [as_record(c) for c in claims]
    corrupt(placed, claims, i, field, kind, value)
    expected = "hedge" if kind == "hedge" else str(field)  # a flipped certainty shows as a missing or stray hedge
    with tempfile.TemporaryDirectory() as tmp:
        project = project_with(Path(tmp), placed)
        try:
            loaded = load(project.root, project.entities, project.claims_dir, vocab, EXCERPT)
        except CurationError as e:
            named = [p for p in e.problems if p.field == expected]
            assert named, f"{kind} of {field!r}: no problem names the field {expected!r}: {e.report()}"
            if field not in ("section", "id"):  # those name the file, or the claim by its (wrong) id or position
                assert any(f"claim {claims[i].id} " in p.record for p in named), e.report()
            return
    graph = merged_graph(ontology, loaded, vocab, "test")  # the loader let it through: SHACL must not
    assert not validate(graph, load_shapes(project.shapes_dir)).conforms, f"{kind} of {field!r} was not caught"
