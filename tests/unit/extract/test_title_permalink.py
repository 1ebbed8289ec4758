"""A headline that links to its own story (issue 12: titles on unseen English sites).

Blog themes wrap the headline in a link to the story's permalink (``<h1
class="entry-title"><a href="...">``). Being all link, it used to be passed over as
another story's teaser, and the SEO title, worded differently, was taken instead.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.extract import extract

from .english_story import page

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
URL = "https://harbour.example.com/2026/12/01/council-harbour-plan/"
HEADLINE = "Council approves the new harbour plan after long debate"
_SEO = "<title>Harbour plan approved: what it means for you | Harbour Times</title>"


def _title(heading: str, head: str = _SEO, url: str = URL) -> str | None:
    html = page(head=head, top=heading + "<p class='byline'>By Jane Doe</p>")
    art = extract(html, url, fetched_at=NOW).article
    assert art is not None
    return art.title


@pytest.mark.parametrize(
    "href",
    [URL, "/2026/12/01/council-harbour-plan/", "/2026/12/01/council-harbour-plan"],
)
def test_a_headline_linked_to_the_page_itself_is_the_title(href: str) -> None:
    heading = f"<h1 class='entry-title'><a href='{href}' rel='bookmark'>{HEADLINE}</a></h1>"
    assert _title(heading) == HEADLINE


def test_a_headline_linked_to_the_canonical_address_is_the_title() -> None:
    head = _SEO + f"<link rel='canonical' href='{URL}'>"
    heading = f"<h1 class='post-title'><a href='{URL}'>{HEADLINE}</a></h1>"
    # (Fetched by its short link: only the canonical address names the story.)
    assert _title(heading, head=head, url="https://harbour.example.com/?p=123") == HEADLINE


def test_a_heading_linked_to_another_story_is_still_no_headline() -> None:
    # rel=bookmark is on related stories' links too: only the address counts.
    heading = f"<h1><a href='/2026/11/30/other-story/' rel='bookmark'>{HEADLINE}</a></h1>"
    assert _title(heading) == "Harbour plan approved: what it means for you"


def test_the_date_a_time_element_shows_inside_the_headline_is_no_part_of_it() -> None:
    head = "<title>Council approves the new harbour plan after long debate | Blog</title>"
    shows = "<time datetime='2026-12-01'>Dec <span>1</span> 2026</time>"
    assert _title(f"<h1>{shows} {HEADLINE}</h1>", head=head) == HEADLINE
    linked = f"<h1><a href='{URL}'>{shows} {HEADLINE}</a></h1>"
    assert _title(linked, head=head) == HEADLINE
