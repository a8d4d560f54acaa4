"""Synthetic claim records in the project's own curated format, at any size, for the benchmarks.

The review gives a few hundred claims; the pipeline must stay fast when many reviews are curated. This writes
`data/entities.tsv` and `data/claims/<section>.yaml` exactly as a curator would (same columns and fields, every
controlled value taken from the ontology, the mix of species, disease states, populations, designs, certainty, evidence levels and optional
fields of the curated review), into a throw-away project folder that links the real ontology, shapes, queries and
pyproject.toml, so that the real pipeline runs on it unchanged. Quotes are sentences of the review's text, each
with the reference numbers its sentence cites and, for hedged claims, the hedging word it contains, so quote
verification runs too; without the text, quotes are sentences of the ontology's definitions and are not verified.

    python benchmarks/synthetic.py 10000 "${TMPDIR:-/tmp}/syn10k"   # then: mscsle --root "${TMPDIR:-/tmp}/syn10k" build --out ...
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import RDFS, Graph, URIRef

from mscsle.curation.review_text import SOFT, ReviewText, normalise_space
from mscsle.model.vocab import MSCSLE, Vocab
from mscsle.project import Project

ROOT = Path(__file__).resolve().parents[1]
LINKED = ("ontology", "shapes", "queries", "pyproject.toml")  # the real project parts a synthetic project uses
SEED = 20180149  # fixed: the same size always gives the same records

# The mix of the curated review (data/claims at the time of writing), as relative weights; a value the ontology
# does not have is ignored and a value it has that is not listed gets weight 1.
# "": the record omits the field (species: [] where the review names none).
SPECIES = {"human": 24, "mouse": 6, "": 70}
DISEASE_STATES = {"": 46, "sle": 45, "healthy": 2, "autoimmune_disease": 1}
POPULATIONS = {"": 74, "sle_patients": 20, "lupus_mice": 4, "healthy_donors": 2}
DESIGNS = {
    "": 85,
    "in_vitro": 6,
    "knockdown": 2,
    "sirna_knockdown": 2,
    "knockout": 2,
    "overexpression": 2,
    "clinical_study": 1,
}
HEDGED = 0.28  # share of hedged claims
EVIDENCE_LEVEL = 0.32  # share of claims with a Table 1 evidence level
CELL_CONTEXT, VIA, MODEL = 0.30, 0.08, 0.5  # shares of claims with these optional fields (model: of mouse claims)
HEDGES = (
    "may",
    "could",
    "might",
    "suggest",
    "suggested",
    "proposed",
    "possible",
    "possibly",
    "likely",
    "implying",
    "appear to",
    "considered",
)
BRACKETS = re.compile(r"\[(\d+(?:\s*[-–,]\s*\d+)*)\]")


@dataclass(frozen=True)
class Quote:
    text: str
    references: tuple[int, ...]  # the bracketed numbers of its sentence, ranges expanded; () = the review's own
    hedge: str | None  # a hedging word it contains, if any


def entity_count(claims: int) -> int:
    """Entities grow slower than claims: more reviews re-use the same genes and cells."""
    return max(60, round(claims**0.8))


def _references(sentence: str, count: int) -> tuple[int, ...]:
    numbers: set[int] = set()
    for group in BRACKETS.findall(sentence):
        for part in re.split(r"\s*,\s*", group):
            ends = [int(n) for n in re.split(r"\s*[-–]\s*", part)]
            numbers.update(range(ends[0], ends[-1] + 1))
    return tuple(sorted(n for n in numbers if 1 <= n <= count))


def _hedge(sentence: str) -> str | None:
    for cue in HEDGES:
        if re.search(rf"\b{re.escape(cue)}\b", sentence):
            return cue
    return None


def review_quotes(review: ReviewText, reference_count: int) -> list[Quote]:
    """Every sentence of the review of 40–300 characters that the quote check finds, with its references."""
    text = review.soft.replace(SOFT, "")
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
        sentence = normalise_space(sentence)
        if 40 <= len(sentence) <= 300 and review.contains(sentence):
            out.append(Quote(sentence, _references(sentence, reference_count), _hedge(sentence)))
    return out


def ontology_quotes(ontology: Graph) -> list[Quote]:
    """Stand-in quotes where the review's text is absent: the ontology's own definitions (not verified)."""
    defs = sorted(
        {normalise_space(str(o)) for o in ontology.objects(None, URIRef("http://purl.obolibrary.org/obo/IAO_0000115"))}
    )
    return [Quote(d, (), _hedge(d)) for d in defs if len(d) >= 20]


def _weighted(rng: random.Random, allowed: Iterable[str], weights: dict[str, int], k: int) -> list[str]:
    """k values of `allowed` (or "" for none, where the weights give "" a weight)."""
    names = sorted({*allowed, *("" for n in weights if n == "")})
    return rng.choices(names, weights=[weights.get(n, 1) for n in names], k=k)


def _kinds_below(ontology: Graph, root: str, kinds: frozenset[str]) -> list[str]:
    below = {str(c)[len(str(MSCSLE)) :] for c in ontology.transitive_subjects(RDFS.subClassOf, MSCSLE[root])}
    return sorted(below & kinds)


def generate(claims: int, ontology: Graph, review: ReviewText | None) -> tuple[str, dict[str, list[dict]]]:
    """entities.tsv's text and, per section, its claim records (deterministic for a given size)."""
    rng = random.Random(SEED)
    vocab = Vocab.from_ontology(ontology)
    quotes = review_quotes(review, vocab.reference_count) if review else ontology_quotes(ontology)
    hedged = [q for q in quotes if q.hedge]
    if not quotes or not hedged:
        raise ValueError("no usable quotes (nor hedged ones) in the review's text or the ontology's definitions")

    kinds = sorted(vocab.kinds)
    cell_kinds = _kinds_below(ontology, "Cell", vocab.kinds) or kinds
    model_kinds = (
        _kinds_below(ontology, "MouseStrain", vocab.kinds) + _kinds_below(ontology, "Locus", vocab.kinds)
    ) or kinds
    n = entity_count(claims)
    # a fixed share of cells and of mouse models, the rest of any kind
    entity_kinds = [
        rng.choice(cell_kinds) if i % 5 == 0 else rng.choice(model_kinds) if i % 23 == 1 else rng.choice(kinds)
        for i in range(n)
    ]
    ids = [f"E{i:06d}" for i in range(n)]
    by_kind: dict[str, list[str]] = {}
    for eid, kind in zip(ids, entity_kinds, strict=False):
        by_kind.setdefault(kind, []).append(eid)
    by_group: dict[str, list[str]] = {"cell": [], "model": []}
    lines = ["id\tlabel\tkind\tsynonyms\tdefinition"]
    for eid, kind in zip(ids, entity_kinds, strict=False):
        if kind in cell_kinds:
            by_group["cell"].append(eid)
        if kind in model_kinds:
            by_group["model"].append(eid)
        synonyms = " | ".join(f"{eid.lower()} synonym {j}" for j in range(rng.choice((0, 0, 1, 2))))
        lines.append(
            f"{eid}\tsynthetic entity {eid}\t{kind}\t{synonyms}\tA synthetic {kind} ({eid}) for benchmarking the pipeline."
        )

    # the text's sections only: a Table 1 row must agree with the text claims it lists (queries/qc/table1_*.rq), which
    # random records cannot; the Table 1 rules still run on every build, with nothing to report
    sections = [s for s in sorted(vocab.sections, key=vocab.sections.__getitem__) if s != "table1"]
    species = _weighted(rng, vocab.species, SPECIES, claims)
    disease_states = _weighted(rng, vocab.disease_states, DISEASE_STATES, claims)
    populations = _weighted(rng, vocab.populations, POPULATIONS, claims)
    designs = _weighted(rng, vocab.designs, DESIGNS, claims)

    def of_kinds(kinds: frozenset[str]) -> list[str]:
        return [e for k in sorted(kinds) for e in by_kind.get(k, ())]

    # each relation with the entities its domain and range allow (one direction per relation)
    sides = {r: (of_kinds(vocab.domains[r]), of_kinds(vocab.ranges[r])) for r in sorted(vocab.relations)}
    relations = [r for r, (subjects, objects) in sides.items() if subjects and objects]
    levels = sorted(vocab.evidence_levels)
    records: dict[str, list[dict]] = {s: [] for s in sections}
    keys: set[tuple] = set()
    for i in range(claims):
        is_hedged = rng.random() < HEDGED
        q = rng.choice(hedged if is_hedged else quotes)
        relation = rng.choice(relations)
        rec: dict = {
            "id": f"syn-{i + 1:06d}",
            "subject": rng.choice(sides[relation][0]),
            "relation": relation,
            "object": rng.choice(sides[relation][1]),
        }
        if rng.random() < VIA:
            rec["via"] = [rng.choice(ids)]
        rec["species"] = [species[i]] if species[i] else []
        for field, value in (("disease_state", disease_states[i]), ("population", populations[i])):
            if value:
                rec[field] = value
        if species[i] == "mouse" and by_group["model"] and rng.random() < MODEL:
            rec["model"] = rng.choice(by_group["model"])
        if designs[i]:
            rec["design"] = [designs[i]]
        if rng.random() < CELL_CONTEXT:
            rec["cell_context"] = rng.choice(by_group["cell"])
        rec["certainty"] = "hedged" if is_hedged else "stated"
        if is_hedged:
            rec["hedge"] = q.hedge
        if levels and rng.random() < EVIDENCE_LEVEL:
            rec["evidence_level"] = rng.choice(levels)
        rec["references"] = list(q.references)
        rec["quote"] = [q.text]
        while (key := _key(rec)) in keys:  # one statement is one claim: a repeat gets another mediator
            rec["via"] = [*rec.get("via", ()), rng.choice(ids)]
        keys.add(key)
        records[rng.choice(sections)].append(rec)
    _use_every_entity(ids, [r for rs in records.values() for r in rs])
    return "\n".join(lines) + "\n", {s: r for s, r in records.items() if r}


def _key(rec: dict) -> tuple:
    """What makes two records the same statement (as the record checks compare them)."""
    fields = ("subject", "relation", "object", "model", "disease_state", "population", "cell_context")
    lists = ("via", "species", "design")
    return tuple(rec.get(f) for f in fields) + tuple(frozenset(rec.get(f, ())) for f in lists)


def _use_every_entity(ids: list[str], recs: list[dict]) -> None:
    """Every entity is named by some claim (QC rule unused_entity): an unused one becomes a mediator (via)."""
    used = {
        e for r in recs for e in (r["subject"], r["object"], r.get("model"), r.get("cell_context"), *r.get("via", ()))
    }
    for n, eid in enumerate(e for e in ids if e not in used):
        rec = recs[n % len(recs)]
        rec["via"] = [*rec.get("via", ()), eid]


def write_project(claims: int, folder: Path, source_text: Path | None = None) -> Project:
    """A synthetic project in `folder` (created; must not exist yet): real ontology/shapes/queries, generated data."""
    real = Project(ROOT)
    review = ReviewText.read(source_text) if source_text and source_text.is_file() else None
    entities, records = generate(claims, Graph().parse(real.ontology, format="turtle"), review)
    folder.mkdir(parents=True)
    for name in LINKED:
        (folder / name).symlink_to(ROOT / name)
    (folder / "data" / "claims").mkdir(parents=True)
    (folder / "data" / "entities.tsv").write_text(entities, encoding="utf-8")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for section, recs in records.items():
        text = yaml.dump(
            {"section": section, "claims": recs},
            Dumper=dumper,
            sort_keys=False,
            allow_unicode=True,
            width=4096,
            default_flow_style=None,
        )
        (folder / "data" / "claims" / f"{section}.yaml").write_text(text, encoding="utf-8")
    return Project(folder)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("claims", type=int, help="how many claims (e.g. 1000, 10000, 100000)")
    ap.add_argument("folder", type=Path, help="the synthetic project folder to create")
    ap.add_argument(
        "--source-text",
        type=Path,
        default=Project(ROOT).default_source_text,
        help="the review's text, for quotes (default: data/review/review.txt)",
    )
    args = ap.parse_args()
    project = write_project(args.claims, args.folder, args.source_text)
    print(f"wrote {args.claims} claims into {project.root}")


if __name__ == "__main__":
    main()
