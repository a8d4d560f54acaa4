"""The review's text: quote verification that forgives the PDF's line breaks and line-end hyphenation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

SOFT = "\x00"  # marks a line-end hyphen: in a quote it may stand for "-" or for nothing


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _soften(text: str) -> str:
    """Collapse white space; turn every hyphen that ends a line into SOFT."""
    return normalise_space(re.sub(r"-[ \t]*\n\s*", SOFT, text))


def _pattern(quote: str) -> re.Pattern[str]:
    """A quote's characters in order, where a line-end hyphen of the text may fall between any two."""
    parts = []
    for ch in normalise_space(quote):
        parts.append(f"[-{SOFT}]" if ch == "-" else re.escape(ch))
    return re.compile(f"{SOFT}?".join(parts))


@dataclass
class ReviewText:
    path: Path
    raw: str

    @classmethod
    def read(cls, path: Path) -> ReviewText:
        return cls(path, path.read_text(encoding="utf-8"))

    @cached_property
    def soft(self) -> str:
        return _soften(self.raw)

    @cached_property
    def _plain(self) -> tuple[str, ...]:
        """The softened text with every line-end hyphen dropped, and with every one kept (none if two touch)."""
        if SOFT * 2 in self.soft:
            return ()
        return self.soft.replace(SOFT, ""), self.soft.replace(SOFT, "-")

    @cached_property
    def _seen(self) -> dict[str, bool]:
        return {}

    def find(self, quote: str) -> int:
        """Offset of the quote in the softened text, or -1."""
        m = _pattern(quote).search(self.soft)
        return m.start() if m else -1

    def contains(self, quote: str) -> bool:
        """Whether the quote occurs; each distinct quote is searched once (many claims share a sentence).

        A plain substring test on the text with line-end hyphens all dropped or all kept settles most quotes
        (every such hit is also a match of the pattern); the pattern decides the rest.
        """
        if quote not in self._seen:
            q = normalise_space(quote)
            self._seen[quote] = bool(q) and (any(q in t for t in self._plain) or self.find(quote) >= 0)
        return self._seen[quote]
