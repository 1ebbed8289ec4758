"""A list of other stories between the headline and the body (issue 12: dates on unseen
English sites): templates print a sidebar ("Most popular", each item with its date) before
the story in the page's order. Its dates are other stories', not this one's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newswire.parser.extract import extract

from .english_story import page

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
HEADLINE = "<h1>Council approves the harbour plan</h1>"
_POPULAR = (
    "<aside><h4>Most popular</h4>"
    + "".join(
        f"<div><a href='/news/story-{day}'>Other story of the week number {day}</a></div>"
        f"<div>Jane Roe | November {day}, 2026</div>"
        for day in (28, 25, 20, 14)
    )
    + "</aside>"
)


def _published(top: str) -> date | None:
    art = extract(page(top=top), "https://harbour.example.com/news/x", fetched_at=NOW).article
    assert art is not None
    return art.published_at.date() if art.published_at else None


def test_the_date_over_the_headline_beats_a_dated_list_under_it() -> None:
    top = "<div class='crumbs'>Home &gt; News</div><div>December 1, 2026</div>" + HEADLINE
    assert _published(top + _POPULAR) == date(2026, 12, 1)


def test_the_date_under_the_headline_still_stands_before_the_list() -> None:
    top = HEADLINE + "<div>By Jane Doe | December 1, 2026</div>"
    assert _published(top + _POPULAR) == date(2026, 12, 1)


def test_one_dated_line_under_a_subheading_is_no_list() -> None:
    top = HEADLINE + "<h4>About this story</h4><div>December 1, 2026</div>"
    assert _published(top) == date(2026, 12, 1)
