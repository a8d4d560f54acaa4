"""Quote verification forgives the PDF's line breaks and line-end hyphenation, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from mscsle.curation.review_text import ReviewText


@pytest.fixture
def text(tmp_path: Path) -> ReviewText:
    p = tmp_path / "t.txt"
    p.write_text(
        "MSCs are associated with the inhibition of T-cell prolifer-\n\nation and upregulation\n"
        "of Treg cells. Knockdown restores anti-\nnuclear anti-\nbody production.\n",
        encoding="utf-8",
    )
    return ReviewText.read(p)


@pytest.mark.parametrize(
    "quote",
    [
        "inhibition of T-cell proliferation",  # hyphenation across a page break undone
        "proliferation and upregulation of Treg cells",  # line break is a space
        "anti-nuclear antibody production",  # one real hyphen kept, one soft hyphen dropped
        "of   Treg\ncells",  # the quote's own white space is normalised
    ],
)
def test_found(text: ReviewText, quote: str):
    assert text.contains(quote)


@pytest.mark.parametrize(
    "quote",
    [
        "inhibition of Tcell proliferation",  # a real hyphen of the text may not vanish
        "prolifer- ation",  # nor may the hyphenation be kept with a space
        "upregulation of Treg cells in SLE",  # words the text does not have
        "",  # an empty quote is never found
    ],
)
def test_not_found(text: ReviewText, quote: str):
    assert not text.contains(quote)
