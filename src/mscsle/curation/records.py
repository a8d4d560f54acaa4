"""Read and check the curated records (data/entities.tsv, data/claims/*.yaml) against the ontology's vocabularies.

Every problem is collected (not only the first) and names the file, the record, the field, what was found,
what is expected and what to do, so that a curator can fix a whole file in one pass. A record that passes every
check is accepted quickly (QuickCheck: each distinct value of a field judged once); any other record
goes through the full checks, which name every problem.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from mscsle.curation.input_files import MAX_FIELD_LENGTH, read_text, text_problem, tsv_rows
from mscsle.curation.input_files import UNSAFE_CHARACTER as UNSAFE_CHARACTER
from mscsle.curation.review_text import ReviewText
from mscsle.curation.yaml_files import ClaimFile, read_claims
from mscsle.errors import CurationError, Problem, show
from mscsle.model.claim import BY_NAME, FIELDS, KEY_FIELDS, RECORD_FIELDS, Claim
from mscsle.model.claim import ENTITY_FIELDS as MODEL_ENTITY_FIELDS
from mscsle.model.vocab import Vocab

MEDIATION_HINT = "; a mediator is written as via: [mediator] on the claim whose subject acts on the object"
TABLE1 = "table1"  # the section of the review's Table 1 (the only one whose claims name supporting claims)
ENTITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
CLAIM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ENTITY_COLUMNS = ("id", "label", "kind", "synonyms", "definition")
SYNONYM_SEPARATOR = " | "


@dataclass(frozen=True)
class Entity:
    id: str
    label: str
    kind: str
    definition: str
    synonyms: tuple[str, ...] = ()


# The record checks read the claim model (model/claim.py): which fields exist, which are required, which are lists,
# what each takes and where its values come from.
REQUIRED = tuple(f.name for f in RECORD_FIELDS if f.required)
OPTIONAL = tuple(f.name for f in RECORD_FIELDS if not f.required)
ENTITY_FIELDS = tuple(f.name for f in MODEL_ENTITY_FIELDS)
EXPECTED = {f.name: f.description for f in FIELDS}  # what each claim field takes, for messages
# The same, laid out once for the checks that run on every claim.
KNOWN = frozenset(REQUIRED + OPTIONAL)
CHECKED = tuple((f, BY_NAME[f]) for f in REQUIRED + OPTIONAL if f != "references")  # references: own messages
ENTITY_CHECKS = tuple((f, BY_NAME[f].multi, BY_NAME[f].values == "cells") for f in ENTITY_FIELDS)
CONTROLLED = tuple((f.name, f.multi, f.vocab) for f in RECORD_FIELDS if f.vocab is not None)
LISTS = ("via", "species", "design", "supported_by", "quote")  # each value listed once
BUILT = tuple((f.name, f.multi) for f in RECORD_FIELDS)
KEYS = tuple((f, BY_NAME[f].multi) for f in KEY_FIELDS)
REQUIRED_KEYS = frozenset(REQUIRED)
# The values of a claim that omits every optional field.
EMPTY: dict[str, Any] = {f: () if multi else None for f, multi in BUILT}


@dataclass
class Registry:
    """The entity registry as read: the entities, and the ids of rows too broken to read (already reported)."""

    entities: dict[str, Entity]
    broken: set[str] = field(default_factory=set)


@dataclass
class Records:
    entities: dict[str, Entity]
    claims: list[Claim] = field(default_factory=list)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _suggest(value: str, candidates: Iterable[str]) -> str:
    """' (did you mean X?)' for a near miss (case or a typo), else ''."""
    pool = sorted(candidates)
    same_case = [c for c in pool if c.casefold() == value.casefold()]
    close = same_case or difflib.get_close_matches(value, pool, n=1, cutoff=0.85)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _choices(allowed: Iterable[str], what: str) -> str:
    """'one of a, b, c' for a short list; for a long one, `what` says where to look it up."""
    values = sorted(allowed)
    return f"one of {', '.join(values)}" if len(values) <= 10 else what


def read_entities(path: Path, vocab: Vocab, name: str, problems: list[Problem]) -> Registry | None:
    """The entity registry, or None where the file cannot be read at all."""
    text = read_text(path, name, "a header row and one tab-separated row per entity", problems)
    if text is None:
        return None
    rows = tsv_rows(text)
    header = tuple(c.strip() for c in rows[0])
    if header != ENTITY_COLUMNS:
        first = "\t".join(rows[0])
        hint = " (the line has no tab: separate the columns by tabs, not spaces)" if len(rows[0]) == 1 else ""
        problems.append(
            Problem(
                name,
                "line 1",
                "",
                f"header is {show(first)}; expected the columns {', '.join(ENTITY_COLUMNS)} separated by tabs{hint}",
            )
        )
        return None
    registry = Registry({})
    entities = registry.entities
    labels: dict[str, tuple[str, int]] = {}
    lines_of: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        rec = f"line {n}" + (f" (entity {row[0].strip()})" if row[0].strip() else "")
        if len(row) != len(ENTITY_COLUMNS):
            problems.append(
                Problem(
                    name,
                    rec,
                    "",
                    f"has {len(row)} columns; expected {len(ENTITY_COLUMNS)} "
                    f"({', '.join(ENTITY_COLUMNS)}) separated by tabs: look for a "
                    f"missing tab, a tab inside a value or a stray tab at the end",
                )
            )
            registry.broken.add(row[0].strip())
            continue
        values = dict(zip(ENTITY_COLUMNS, (c.strip() for c in row), strict=False))
        for col, value in values.items():
            if bad := text_problem(value):
                problems.append(Problem(name, rec, col, bad))
        missing = [col for col in ("id", "label", "kind", "definition") if not values[col]]
        for col in missing:
            problems.append(
                Problem(name, rec, col, "is empty; every entity needs an id, a label, a kind and a definition")
            )
        if missing:
            registry.broken.add(values["id"])
            continue
        eid, label, kind = values["id"], values["label"], values["kind"]
        if not ENTITY_ID.match(eid):
            problems.append(
                Problem(
                    name,
                    rec,
                    "id",
                    f"{show(eid)} is not a valid entity id; use letters, digits, '_' "
                    f"and '-', starting with a letter or digit (e.g. IFN-gamma)",
                )
            )
        if kind not in vocab.kinds:
            problems.append(
                Problem(
                    name,
                    rec,
                    "kind",
                    f"unknown kind {show(kind)}{_suggest(kind, vocab.kinds)}; expected "
                    f"the local name of a subclass of mscsle:Entity in "
                    f"ontology/mscsle.ttl (e.g. Cytokine, TCell, BiologicalProcess)",
                )
            )
        if eid in entities:
            problems.append(
                Problem(
                    name,
                    rec,
                    "id",
                    f"duplicate entity id {eid!r} (also on line {lines_of[eid]}); give each entity one row",
                )
            )
            continue
        if label.casefold() in labels:
            other, line = labels[label.casefold()]
            problems.append(
                Problem(
                    name,
                    rec,
                    "label",
                    f"duplicate label {label!r} (also entity {other} on line "
                    f"{line}); labels must be unique: merge the rows or "
                    f"make one label more specific",
                )
            )
        labels.setdefault(label.casefold(), (eid, n))
        lines_of[eid] = n
        synonyms = tuple(s.strip() for s in values["synonyms"].split("|") if s.strip())
        entities[eid] = Entity(eid, label, kind, values["definition"], synonyms)
    return registry


def _describe(value: Any) -> str:
    """A value as the curator wrote it, named the way YAML read it."""
    kinds = {str: "text", bool: "a yes/no value", int: "a number", float: "a number", list: "a list", dict: "a mapping"}
    kind = "nothing" if value is None else kinds.get(type(value), f"a {type(value).__name__}")
    return kind if value is None else f"{kind} {show(value)}"


def _check_claim(
    raw: Any,
    section: str,
    rec: str,
    name: str,
    vocab: Vocab,
    registry: Registry | None,
    source: ReviewText | None,
    problems: list[Problem],
    reported: bool = False,
) -> Claim | None:
    """One claim record checked field by field; None if it has any problem (all are recorded). `reported`: the
    record already has a problem (a repeated key), so its direction is not judged on what YAML kept."""
    if not isinstance(raw, dict):
        problems.append(
            Problem(
                name,
                rec,
                "",
                f"a claim must be a mapping of fields (field: value on separate lines, "
                f"the first one after '- '), got {_describe(raw)}",
            )
        )
        return None
    before = len(problems)
    for f in REQUIRED:
        if (value := raw.get(f)) is None or (isinstance(value, str) and not value.strip()):
            problems.append(Problem(name, rec, f, f"is missing; it is required: {EXPECTED[f]}"))
    for f in sorted(raw.keys() - KNOWN, key=str):
        hint = "; a claim's context is written as species, disease_state, population and design" * (f == "condition")
        problems.append(
            Problem(
                name,
                rec,
                str(f),
                f"unknown field{_suggest(str(f), REQUIRED + OPTIONAL)}; the fields "
                f"are {', '.join(REQUIRED + OPTIONAL)}{hint}",
            )
        )
    for f, spec in CHECKED:
        if (value := raw.get(f)) is None:
            continue
        if not spec.multi and not isinstance(value, spec.value_type):
            problems.append(
                Problem(
                    name,
                    rec,
                    f,
                    f"must be text, but YAML read {_describe(value)}; "
                    f"expected {EXPECTED[f]} (put the value in quotes if it is meant "
                    f"literally)",
                )
            )
        elif spec.multi and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            colon = isinstance(value, list) and any(isinstance(v, dict) for v in value)
            hint = " (YAML read 'text: more text' as a mapping: put the value in quotes)" if colon else ""
            problems.append(
                Problem(
                    name, rec, f, f"must be a list of text values, got {_describe(value)}{hint}; expected {EXPECTED[f]}"
                )
            )
        elif spec.multi and spec.at_least_one and not [v for v in value if v.strip()]:
            problems.append(Problem(name, rec, f, f"is an empty list; expected {EXPECTED[f]}"))
    if not _all_texts_safe(raw):
        for f in (*REQUIRED, *OPTIONAL):
            for v in _values(raw.get(f)):
                if isinstance(v, str) and (bad := text_problem(v)):
                    problems.append(Problem(name, rec, f, bad))
    if len(problems) > before:
        return None
    # From here on, every field is None, text, or (for a list field) a list of text; the references are unchecked.
    if not CLAIM_ID.match(raw["id"]):
        problems.append(
            Problem(name, rec, "id", f"{show(raw['id'])} is not a valid claim id; expected {EXPECTED['id']}")
        )
    elif raw["id"].endswith("-mouse"):
        problems.append(
            Problem(
                name,
                rec,
                "id",
                f"{show(raw['id'])} ends in '-mouse'; a finding in patients and in mice is one claim with "
                "species: [human, mouse] (docs/curation.md)",
            )
        )
    if registry is not None:  # without a registry, its own problem says why
        entities = registry.entities
        for f, multi, cells in ENTITY_CHECKS:
            if (given := raw.get(f)) is None:
                continue
            for value in given if multi else (given,):
                if value in registry.broken:
                    continue
                if value not in entities:
                    problems.append(Problem(name, rec, f, _unknown_entity(value, entities)))
                elif cells and entities[value].kind not in vocab.cell_kinds:
                    problems.append(
                        Problem(
                            name,
                            rec,
                            f,
                            f"entity {value!r} is a {entities[value].kind}, not a cell type; expected {EXPECTED[f]}",
                        )
                    )
    for f, multi, vocab_name in CONTROLLED:
        if (given := raw.get(f)) is None:
            continue
        allowed = getattr(vocab, vocab_name)
        for v in given if multi else (given,):
            if v not in allowed:
                hint = MEDIATION_HINT if (f, v) == ("relation", "mediates_effect_of") else ""
                problems.append(
                    Problem(
                        name,
                        rec,
                        f,
                        f"unknown value {show(v)}{_suggest(v, allowed)}; expected {_choices(allowed, EXPECTED[f])}"
                        f"{hint}",
                    )
                )
    if registry is not None and raw["relation"] in vocab.relations and not reported:
        _check_direction(raw, rec, name, vocab, registry, problems)
    if raw["certainty"] in ("hedged", "speculative") and not (raw.get("hedge") or "").strip():
        problems.append(
            Problem(
                name,
                rec,
                "hedge",
                f"is missing; a {raw['certainty']} claim names the review's cue word(s), e.g. hedge: may",
            )
        )
    if raw["certainty"] == "stated" and raw.get("hedge") is not None:
        problems.append(
            Problem(
                name,
                rec,
                "hedge",
                f"is {raw['hedge']!r} but certainty is 'stated'; set certainty: hedged, or remove the hedge",
            )
        )
    if raw.get("supported_by") and section != TABLE1:
        problems.append(
            Problem(
                name,
                rec,
                "supported_by",
                f"is only for Table 1's rows (data/claims/{TABLE1}.yaml); a claim of the text is supported by its "
                "quotes and references",
            )
        )
    for f in LISTS:
        if (listed := raw.get(f)) and len(set(listed)) != len(listed):
            problems.append(Problem(name, rec, f, f"lists a value twice: {listed}; list each once"))
    refs = raw["references"]
    if not isinstance(refs, list) or not all(isinstance(r, int) and not isinstance(r, bool) for r in refs):
        problems.append(
            Problem(
                name,
                rec,
                "references",
                f"must be a list of reference numbers, got {_describe(refs)}; expected "
                f"{EXPECTED['references']}, ranges written out (41–43: "
                f"[41, 42, 43])",
            )
        )
    else:
        for r in refs:
            if not 1 <= r <= vocab.reference_count:
                problems.append(
                    Problem(
                        name,
                        rec,
                        "references",
                        f"reference {r} is out of range; the review's "
                        f"references are numbered 1–{vocab.reference_count}",
                    )
                )
        if len(set(refs)) != len(refs):
            problems.append(Problem(name, rec, "references", f"lists a reference twice: {refs}; list each once"))
    if source is not None:
        for quote in raw["quote"]:
            if not source.contains(quote):
                problems.append(Problem(name, rec, "quote", _quote_not_found(quote, source)))
    if len(problems) > before:
        return None
    values: dict[str, Any] = {f: tuple(raw.get(f) or ()) if multi else raw.get(f) for f, multi in BUILT}
    values |= {"section": section, "references": tuple(sorted(refs))}
    return Claim(**values)


class QuickCheck:
    """Accepts a claim record at once when every check of _check_claim would pass, judging each distinct value of a
    field of text once (entity ids, vocabulary words and quotes repeat across claims); any other record is left to
    _check_claim, which names every problem."""

    def __init__(self, vocab: Vocab, registry: Registry, source: ReviewText | None):
        self.vocab, self.entities, self.source = vocab, registry.entities, source
        # Field -> value -> whether it passes its field's checks; not for a claim's id (its own), nor its references
        # (1, 1.0 and True are equal keys, but only 1 is a reference number).
        self.verdicts: dict[str, dict[Any, bool]] = {f: {} for f in KNOWN - {"id", "references"}}

    def claim(self, raw: Any, section: str) -> Claim | None:
        """The claim that _check_claim would make of a record with no repeated key, or None to leave it to that."""
        if type(raw) is not dict or not REQUIRED_KEYS <= raw.keys() <= KNOWN:
            return None
        values: dict[str, Any] = dict(EMPTY)
        for f, given in raw.items():
            value = tuple(given) if type(given) is list else given
            good: bool | None
            if (verdicts := self.verdicts.get(f)) is None:
                good = self._good(f, value)
            else:
                try:
                    good = verdicts.get(value)
                except TypeError:  # a list or a mapping inside: not a record's value
                    return None
                if good is None:
                    good = verdicts[value] = self._good(f, value)
            if not good:
                return None
            if value is not None:
                values[f] = value
        vocab, relation = self.vocab, values["relation"]
        for f, allowed in (("subject", vocab.domains), ("object", vocab.ranges)):
            kind = self.entities[values[f]].kind
            if kind in vocab.kinds and kind not in allowed[relation]:
                return None
        certainty, hedge = values["certainty"], values["hedge"]
        if (certainty in ("hedged", "speculative") and not (hedge or "").strip()) or (
            certainty == "stated" and hedge is not None
        ):
            return None
        if values["supported_by"] and section != TABLE1:
            return None
        values |= {"section": section, "references": tuple(sorted(values["references"]))}
        return Claim(**values)

    def _good(self, f: str, value: Any) -> bool:
        """Whether a value (a list given as a tuple) passes every check that _check_claim makes of its field alone."""
        spec = BY_NAME[f]
        if value is None:
            return not spec.required
        if f == "id":  # the checks below that apply to an id, made directly: each claim has its own
            return (
                type(value) is str
                and not text_problem(value)
                and bool(CLAIM_ID.match(value))
                and not value.endswith("-mouse")
            )
        if f == "references":
            count = self.vocab.reference_count
            return (
                type(value) is tuple
                and all(type(r) is int and 1 <= r <= count for r in value)
                and len(set(value)) == len(value)
            )
        texts: tuple[Any, ...] = value if spec.multi else (value,)
        kind: type = tuple if spec.multi else str
        if type(value) is not kind or not all(type(v) is str and not text_problem(v) for v in texts):
            return False
        if (spec.required and not spec.multi and not texts[0].strip()) or (
            spec.at_least_one and not any(v.strip() for v in texts)
        ):
            return False
        if f in LISTS and len(set(texts)) != len(texts):
            return False
        if spec.values in ("entities", "cells") and not all(
            v in self.entities and (spec.values == "entities" or self.entities[v].kind in self.vocab.cell_kinds)
            for v in texts
        ):
            return False
        if spec.vocab is not None and not all(v in getattr(self.vocab, spec.vocab) for v in texts):
            return False
        return f != "quote" or self.source is None or all(self.source.contains(q) for q in texts)


def _values(value: Any) -> list[Any]:
    """The values of a field as a list: none, the one value, or the list's."""
    return [] if value is None else value if isinstance(value, list) else [value]


def _all_texts_safe(raw: dict[Any, Any]) -> bool:
    """Whether no text of the record (in any field, or a list's) has a problem that text_problem names: one search
    of all texts joined (the unsafe characters are single characters), so each text is looked at only if needed."""
    texts = [
        v for value in raw.values() for v in (value if isinstance(value, list) else (value,)) if isinstance(v, str)
    ]
    return max(map(len, texts), default=0) <= MAX_FIELD_LENGTH and not UNSAFE_CHARACTER.search("".join(texts))


def _check_direction(
    raw: dict[str, Any], rec: str, name: str, vocab: Vocab, registry: Registry, problems: list[Problem]
) -> None:
    """Subject and object have the entity kinds of the relation's domain and range (one direction per relation)."""
    relation = raw["relation"]
    for f, allowed, side in (("subject", vocab.domains, "domain"), ("object", vocab.ranges, "range")):
        entity = registry.entities.get(raw[f])
        if entity is None or entity.kind not in vocab.kinds or entity.kind in allowed[relation]:
            continue  # an unknown entity or kind has its own problem
        kinds = " or ".join(f"a {k} (or below)" for k in vocab.declared[(relation, side)])
        problems.append(
            Problem(
                name,
                rec,
                f,
                f"entity {entity.id!r} is a {entity.kind}, but the {f} of {relation} is {kinds} (its {side} in "
                f"ontology/mscsle.ttl); check the direction (docs/curation.md, '{relation}') or choose another relation",
            )
        )


def _check_links(claims: list[tuple[str, str, Claim]], problems: list[Problem]) -> None:
    """Across all files: supported_by names claims that exist; no two claims state the same thing."""
    ids = {c.id for _, _, c in claims}
    seen: dict[tuple[Any, ...], str] = {}
    for name, rec, c in claims:
        for other in c.supported_by:
            if other not in ids:
                problems.append(
                    Problem(name, rec, "supported_by", f"names {other!r}, which is no claim id of data/claims/")
                )
        key = (
            c.section == TABLE1,  # a Table 1 row restates text claims by design (it names them in supported_by)
            *(frozenset(getattr(c, f)) if multi else getattr(c, f) for f, multi in KEYS),
        )
        if key in seen:
            problems.append(
                Problem(
                    name,
                    rec,
                    "quote",
                    f"states the same as claim {seen[key]} (same subject, relation, object, via and context); "
                    "one statement is one claim: add this quote to that claim's quote list and remove this one",
                )
            )
        seen.setdefault(key, c.id)


def _unknown_entity(value: str, entities: dict[str, Entity]) -> str:
    named = sorted(
        e.id for e in entities.values() if value.casefold() in {e.label.casefold(), *(s.casefold() for s in e.synonyms)}
    )
    hint = f"; {show(value)} is a name of entity {named[0]}: use its id" if named else _suggest(value, entities)
    return f"unknown entity {show(value)}{hint}; expected an entity id of data/entities.tsv (add a row there for a new entity)"


def _quote_not_found(quote: str, source: ReviewText) -> str:
    words = quote.split()
    lo, hi = 0, len(words)  # the longest run of leading words found in the text
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if source.contains(" ".join(words[:mid])) else (lo, mid - 1)
    where = f"; its first {lo} word(s) match, up to {show(' '.join(words[:lo]), 300)}" if lo else ""
    return (
        f"not found in the review text {source.path.name}{where}; copy the span verbatim from the review "
        f"(white space and line-end hyphens need not match): {show(quote, 300)}"
    )


def _check_file(cf: ClaimFile, name: str, vocab: Vocab, problems: list[Problem]) -> tuple[str, list[Any]] | None:
    """(section, raw claims) of a claim file whose top level is right."""
    data = cf.data
    for key, line in cf.duplicates.get(None, []):
        problems.append(Problem(name, f"line {line}", key, "appears twice at the top level; keep one"))
    if not isinstance(data, dict):
        problems.append(
            Problem(name, "", "", f"expected a mapping with the keys 'section' and 'claims', got {_describe(data)}")
        )
        return None
    bad = False
    for key in ("section", "claims"):
        if key not in data:
            problems.append(Problem(name, "", key, "is missing; a claim file has the keys 'section' and 'claims'"))
            bad = True
    for key in sorted(set(data) - {"section", "claims"}, key=str):
        problems.append(
            Problem(
                name,
                "",
                str(key),
                f"unknown top-level key{_suggest(str(key), ('section', 'claims'))}"
                f"; a claim file has only the keys 'section' and 'claims'",
            )
        )
        bad = True
    if bad:
        return None
    section = data["section"]
    if not isinstance(section, str) or section not in vocab.sections:
        hint = _suggest(section, vocab.sections) if isinstance(section, str) else ""
        problems.append(
            Problem(
                name,
                "",
                "section",
                f"unknown section {show(section)}{hint}; expected {_choices(vocab.sections, 'a section of the review')}",
            )
        )
        return None
    if not isinstance(data["claims"], list):
        problems.append(
            Problem(
                name,
                "",
                "claims",
                f"must be a list of claim records (each starting with '- '), got {_describe(data['claims'])}",
            )
        )
        return None
    return section, data["claims"]


class Entry(NamedTuple):
    """One claim record as read: how problems name it, where it is (for a duplicate id's message), its claim if it
    passed the checks, and its problems."""

    record: str
    where: str
    claim: Claim | None
    problems: list[Problem]


@dataclass
class FileClaims:
    """What one claim file gave: its own problems, then its records in file order (ids not yet compared across
    files: `load` does that)."""

    name: str
    problems: list[Problem]
    entries: list[Entry]


ReadFiles = Callable[[Sequence[Path], Path, Vocab, "Registry | None", "ReviewText | None"], list[FileClaims]]


def read_claim_files(
    paths: Sequence[Path], root: Path, vocab: Vocab, registry: Registry | None, source: ReviewText | None
) -> list[FileClaims]:
    """Read and check each claim file on its own (what `load` may share out among processes: release/pipeline.py)."""
    quick = QuickCheck(vocab, registry, source) if registry is not None else None
    return [_claim_file(path, _rel(path, root), vocab, registry, source, quick) for path in paths]


def _claim_file(
    path: Path, name: str, vocab: Vocab, registry: Registry | None, source: ReviewText | None, quick: QuickCheck | None
) -> FileClaims:
    out = FileClaims(name, [], [])
    cf = read_claims(path, name, out.problems)
    checked = None if cf is None else _check_file(cf, name, vocab, out.problems)
    if cf is None or checked is None:
        return out
    section, raws = checked
    for i, raw in enumerate(raws):
        cid = raw.get("id") if isinstance(raw, dict) else None
        rec = f"claim {cid}" if isinstance(cid, str) and cid.strip() else f"claim #{i + 1}"
        if i in cf.lines:
            rec += f" (line {cf.lines[i]})"
        problems: list[Problem] = []
        for key, line in cf.duplicates.get(i, []):
            problems.append(Problem(name, rec, key, f"appears twice (again on line {line}); keep one"))
        for written, line in cf.odd_numbers.get(i, []):
            problems.append(
                Problem(
                    name,
                    rec,
                    "references",
                    f"{show(written)} (line {line}) is not a plain decimal number; YAML reads it as "
                    f"{yaml.safe_load(written)}: write reference numbers in digits without a leading 0, e.g. 10",
                )
            )
        claim = quick.claim(raw, section) if quick is not None and i not in cf.duplicates else None
        if claim is None:
            claim = _check_claim(raw, section, rec, name, vocab, registry, source, problems, i in cf.duplicates)
        out.entries.append(
            Entry(rec, f"in {name}" + (f" line {cf.lines[i]}" if i in cf.lines else ""), claim, problems)
        )
    return out


def load(
    root: Path,
    entities_path: Path,
    claims_dir: Path,
    vocab: Vocab,
    source: ReviewText | None = None,
    read_files: ReadFiles = read_claim_files,
) -> Records:
    """All records, or a CurationError listing every problem found. `read_files` reads the claim files (in order;
    the build shares them out between its two processes); the checks across files are made here."""
    problems: list[Problem] = []
    registry = read_entities(entities_path, vocab, _rel(entities_path, root), problems)
    claims: list[Claim] = []
    located: list[tuple[str, str, Claim]] = []  # (file, record, claim) for the checks across files
    seen: dict[str, str] = {}
    files = sorted(claims_dir.glob("*.yaml"))
    if not files:
        problems.append(
            Problem(
                _rel(claims_dir, root),
                "",
                "",
                "no claim files (*.yaml); add one file per section of the review (see data/README.md)",
            )
        )
    for found in read_files(files, root, vocab, registry, source):
        problems += found.problems
        for rec, where, claim, its_problems in found.entries:
            problems += its_problems
            if claim is None:
                continue
            if claim.id in seen:
                problems.append(
                    Problem(
                        found.name,
                        rec,
                        "id",
                        f"duplicate claim id {claim.id!r} (also {seen[claim.id]}); "
                        f"claim ids are unique across data/claims/",
                    )
                )
                continue
            seen[claim.id] = where
            claims.append(claim)
            located.append((found.name, rec, claim))
    _check_links(located, problems)
    if problems:
        raise CurationError(problems)
    claims.sort(key=lambda c: vocab.sections[c.section])  # stable: file order within a section
    assert registry is not None  # no problems, so the registry was read
    return Records(registry.entities, claims)
