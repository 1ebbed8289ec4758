"""A byline or date set in a heading element is no headline (issue 12: titles on unseen
English sites).

When no heading is the one the <title> names, the title is the heading right over the
story. Templates set the byline (``<h3>By Jane Doe, Columnist</h3>``) and the date
(``<h4>November 21, 2023</h4>``) in heading elements there too: the headline is the
heading above them.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.extract import extract

from .english_story import page

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
HEADLINE = "Council approves the new harbour plan after long debate"
# An SEO title that names no heading on the page.
_SEO = "<title>Harbour plan: all you need to know | Harbour Times</title>"


def _title(top: str) -> str | None:
    html = page(head=_SEO, top=top)
    art = extract(html, "https://harbour.example.com/news/x", fetched_at=NOW).article
    assert art is not None
    return art.title


@pytest.mark.parametrize(
    "meta",
    [
        "<h3>By Jane Doe, Staff Columnist</h3>",
        "<h4>Written by Jane Doe</h4>",
        "<h4>November 21, 2026</h4>",
        "<h4>December 1, 2026 | 33 Comments</h4>",
        "<h3>By Jane Doe</h3><h4>Dec. 1, 2026</h4>",
    ],
)
def test_a_byline_or_date_heading_over_the_story_is_no_headline(meta: str) -> None:
    assert _title(f"<h2>{HEADLINE}</h2>{meta}") == HEADLINE


def test_a_headline_opening_with_by_stays_the_headline() -> None:
    headline = "By the numbers: what the council scheme costs"
    assert _title(f"<h2>{headline}</h2><h3>By Jane Doe</h3>") == headline


def test_the_headline_printed_twice_as_h1_is_one_headline() -> None:
    # A hero banner over the page and the article's header both show it; the byline
    # split over headings ("Posted by" | name) under it is no headline either.
    seo = "<title>Harbour plan approved after long debate- Harbour Times</title>"
    hero = f"<div class='hero'><h1>{HEADLINE}</h1></div><nav><a href='/'>Home</a></nav>"
    top = f"{hero}<h1>{HEADLINE}</h1><h2>Posted by</h2><h4>Jane Doe</h4>"
    art = extract(page(head=seo, top=top), "https://harbour.example.com/news/x", fetched_at=NOW)
    assert art.article is not None
    assert art.article.title == HEADLINE
