"""The review's text paragraph by paragraph, with each claim's quote highlighted where it stands (the provenance page).

Paragraphs and quote matching are those of the curation checks (curation/coverage.py): line breaks and line-end
hyphens of the PDF text are forgiven. Quotes overlap (several claims often come from one sentence), so the text is
cut at every quote's start and end and each piece is marked with the claims that cover it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from mscsle.curation.coverage import CITATION, Paragraph, paragraphs
from mscsle.curation.review_text import SOFT, ReviewText, _pattern
from mscsle.site.data import Claim


@dataclass(frozen=True)
class ShownParagraph:
    number: int
    section: str  # the heading it stands under
    html: Markup  # the text with <mark> elements around quotes
    claims: tuple[str, ...]  # ids of the claims whose quote it holds, in reading order


@dataclass(frozen=True)
class Provenance:
    paragraphs: list[ShownParagraph]
    located: dict[str, int]  # claim id -> number of the paragraph that holds its quote
    unlocated: list[str]  # claims whose quote is in no single paragraph


def _text(raw: str) -> str:
    """Escaped text; a line-end hyphen becomes a soft hyphen (shown only where the browser breaks the word)."""
    return escape(raw).replace(SOFT, "\u00ad")


def _cited(html: str, root: str) -> str:
    """Each reference number of a citation ([4], [5, 6], [12–14]) linked to its entry on the references page."""

    def numbers(m: re.Match[str]) -> str:
        return re.sub(r"\d+", lambda n: f'<a class="cite" href="{root}references.html#ref-{n[0]}">{n[0]}</a>', m[0])

    return CITATION.sub(numbers, html)


def _highlight(p: Paragraph, spans: list[tuple[int, int, str]], root: str, anchored: set[str]) -> Markup:
    """The paragraph's text cut at every quote boundary; covered pieces marked, each quote's start anchored."""
    cuts = sorted({0, len(p.text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    starts: dict[int, list[str]] = {}
    for s, _, cid in spans:
        starts.setdefault(s, []).append(cid)
    out = []  # a claim with several quotes is anchored at the first in reading order (`anchored` so far)
    for a, b in zip(cuts, cuts[1:], strict=False):
        for cid in starts.get(a, ()):
            anchor = "" if cid in anchored else f' id="q-{escape(cid)}"'
            anchored.add(cid)
            out.append(
                f'<a class="qref"{anchor} href="{root}claims.html#claim-{escape(cid)}" '
                f'title="claim {escape(cid)} in the claims browser">{escape(cid)}</a>'
            )
        covering = [cid for s, e, cid in spans if s <= a and b <= e]
        piece = _cited(_text(p.text[a:b]), root)
        if covering:
            out.append(f'<mark data-claims="{escape(" ".join(covering))}">{piece}</mark>')
        else:
            out.append(piece)
    return Markup("".join(out))


def provenance(review: ReviewText, headings: list[str], claims: list[Claim], root: str = "") -> Provenance:
    """Every paragraph of the review with the quotes of `claims` highlighted; each claim located once."""
    paras = paragraphs(review, headings)
    located: dict[str, int] = {}
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for c in claims:
        for quote in c.quote:  # each quote where it stands; the claim is located at its first
            pattern = _pattern(quote)
            for p in paras:
                if m := pattern.search(p.text):
                    located[c.id] = min(located.get(c.id, p.number), p.number)
                    spans.setdefault(p.number, []).append((m.start(), m.end(), c.id))
                    break
    shown = []
    anchored: set[str] = set()
    for p in paras:
        mine = sorted(spans.get(p.number, []))
        shown.append(
            ShownParagraph(p.number, p.section, _highlight(p, mine, root, anchored), tuple(c for _, _, c in mine))
        )
    return Provenance(shown, located, [c.id for c in claims if c.id not in located])
