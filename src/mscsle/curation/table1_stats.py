"""Table 1 in numbers: each row of the review's Table 1, the claims it became and the text claims behind them."""

from __future__ import annotations

from dataclasses import dataclass

from mscsle.curation.records import Records
from mscsle.model.claim import Claim

TABLE1 = "table1"
HEADERS = ("Table 1 row", "evidence level", "claims", "the row's claims", "supporting text claims")


@dataclass(frozen=True)
class Table1Row:
    """One printed row (its quote): a factor with one or two effects, hence one or two claims."""

    text: str
    claims: tuple[Claim, ...]

    @property
    def evidence_level(self) -> str:
        return ", ".join(sorted({c.evidence_level or "none" for c in self.claims}))

    @property
    def supporting(self) -> tuple[str, ...]:
        """The text claims that back any of the row's claims, each once."""
        return tuple(sorted({s for c in self.claims for s in c.supported_by}))


def table1_rows(records: Records) -> list[Table1Row]:
    """The rows in the order of data/claims/table1.yaml; a row is the quote its claims share."""
    rows: dict[str, list[Claim]] = {}
    for c in records.claims:
        if c.section == TABLE1:
            rows.setdefault(c.quote[0], []).append(c)
    return [Table1Row(text, tuple(claims)) for text, claims in rows.items()]


def table1_table(rows: list[Table1Row]) -> list[tuple[str, str, int, str, str]]:
    """One line per row: its text, evidence level, number of claims, the claims, and the supporting text claims."""
    return [
        (
            r.text,
            r.evidence_level,
            len(r.claims),
            "; ".join(f"{c.id} {c.relation} {c.object}" for c in r.claims),
            f"{len(r.supporting)}: {' '.join(r.supporting)}" if r.supporting else "0",
        )
        for r in rows
    ]
