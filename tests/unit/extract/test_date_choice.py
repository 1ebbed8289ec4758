"""Which of a page's dates is the publication date: time zones, first publication,
update stamps, month-only dates and contradicting meta tags."""

from __future__ import annotations

from datetime import UTC, date, datetime

import lxml.html
import pytest

from newswire.parser.extract import date_choice, dates, extract
from newswire.parser.extract.metadata import read_metadata

from .english_story import page

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _published(html: bytes, url: str = "https://news.example.com/story") -> date | None:
    art = extract(html, url, fetched_at=NOW).article
    assert art is not None
    return art.published_at.date() if art.published_at else None


# --- a printed date a day off the metadata ---------------------------------------------

H1 = "<h1>A new standard for interpretability</h1>"


@pytest.mark.parametrize(
    ("moment", "day", "fits"),
    [
        (datetime(2025, 12, 19, 2, 41, tzinfo=UTC), date(2025, 12, 18), True),  # New York
        (datetime(2025, 12, 2, 23, 0, tzinfo=UTC), date(2025, 12, 3), True),  # Europe
        (datetime(2025, 12, 19, 22, 2, tzinfo=UTC), date(2025, 12, 18), False),
        (datetime(2025, 12, 19, 1, 0, tzinfo=UTC), date(2025, 12, 20), False),
        (datetime(2025, 12, 19, tzinfo=UTC), date(2025, 12, 20), True),  # a bare date
        (datetime(2025, 12, 19, 12, 0, tzinfo=UTC), date(2025, 12, 21), False),
    ],
)
def test_a_day_off_is_the_same_date_only_when_a_time_zone_explains_it(moment, day, fits):
    assert dates.could_be_same_day(moment, day) is fits


def test_a_printed_date_no_time_zone_reconciles_with_the_metadata_wins():
    head = "<meta property='article:published_time' content='2025-12-19T22:02:58Z'>"
    html = page(head=head, top=f"{H1}<div>Dec 18, 2025</div>")
    assert _published(html) == date(2025, 12, 18)


def test_a_printed_date_a_time_zone_away_keeps_the_metadata_instant():
    head = "<meta property='article:published_time' content='2025-12-19T02:41:00Z'>"
    html = page(head=head, top=f"{H1}<div>Dec 18, 2025</div>")
    art = extract(html, "https://news.example.com/story", fetched_at=NOW).article
    assert art is not None and art.published_at == datetime(2025, 12, 19, 2, 41, tzinfo=UTC)


# --- originally published ----------------------------------------------------------------


def test_originally_published_under_the_story_beats_an_unlabelled_stamp():
    after = (
        "<p>This article was originally published on 26 Sep 2019 at 4:12pm but has been "
        "regularly updated to keep the information current.</p>"
    )
    top = "<h1>The pros and cons of living in a tiny home</h1><p>30 Sep 2022, 11:07am</p>"
    assert _published(page(top=top, after=after)) == date(2019, 9, 26)


def test_originally_published_without_a_date_beside_it_changes_nothing():
    after = (
        "<p>This story was originally published by The Example Review, a nonprofit "
        "newsroom, and is republished here with permission. Updated 3 June 2024.</p>"
    )
    top = "<h1>The pros and cons of living in a tiny home</h1><p>30 Sep 2022, 11:07am</p>"
    assert _published(page(top=top, after=after)) == date(2022, 9, 30)


def test_a_labelled_date_by_the_headline_is_not_overruled_by_originally_published():
    after = "<p>This post was originally published on 21 June 2017 and since revised.</p>"
    top = "<h1>Index types for academic journals</h1><p>Published: 13 April 2023</p>"
    assert _published(page(top=top, after=after)) == date(2023, 4, 13)


# --- a publication date after the last update --------------------------------------------


def test_a_later_date_after_the_body_is_not_the_story_updated_earlier():
    top = "<h1>Transitioning to a plant-based diet</h1><p>Last Modified: August 08, 2023</p>"
    after = (
        "<div><p>March 05, 2025</p><p><a href='/a'>National Nutrition Month</a></p>"
        "<p>March 04, 2025</p><p><a href='/b'>Another story of the week</a></p></div>"
    )
    assert _published(page(top=top, after=after)) == date(2023, 8, 8)


def test_a_date_after_the_body_still_counts_when_it_precedes_the_update():
    top = "<h1>Transitioning to a plant-based diet</h1><p>Last Modified: August 08, 2023</p>"
    after = "<p>March 05, 2021</p>"
    assert _published(page(top=top, after=after)) == date(2021, 3, 5)


# --- month and year only -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Last Updated: June 2022", date(2022, 6, 1)),
        ("Last Reviewed April 2017", date(2017, 4, 1)),
        ("Originally published in March 2022.", date(2022, 3, 1)),
        ("Updated June 12, 2022", None),  # a full date: not this parser's business
        ("In June 2022 the council met", None),  # no label: a topic, not a date stamp
    ],
)
def test_labelled_month_and_year(text, expected):
    got = dates.labelled_month(text, "UTC")
    assert (got.date() if got else None) == expected


def test_a_page_stating_only_the_month_is_dated_its_first_day():
    after = "<p>Last Updated: June 2022</p>"
    after += "".join(f"<p><a href='/x{i}'>Another story number {i}</a></p>" for i in range(20))
    after += "<footer><p>Site Last Updated: December 20, 2025</p></footer>"
    assert _published(page(top="<h1>Meditation and mindfulness</h1>", after=after)) == date(
        2022, 6, 1
    )


def test_a_full_date_wins_over_a_month():
    top = "<h1>Meditation and mindfulness</h1><p>Published March 3, 2021</p>"
    after = "<p>Last Updated: June 2022</p>"
    assert _published(page(top=top, after=after)) == date(2021, 3, 3)


# --- contradicting meta tags -------------------------------------------------------------


def _meta_published(head: str) -> str | None:
    return read_metadata(lxml.html.fromstring(f"<html><head>{head}</head></html>")).get("published")


def test_a_publication_stamp_after_the_last_modification_gives_way():
    head = (
        "<meta name='published-time' content='2025-11-09T08:45:32Z'>"
        "<meta name='modified-date' content='2024-07-30'>"
        "<meta name='published-date' content='2021-02-16'>"
    )
    assert _meta_published(head) == "2021-02-16"


def test_a_publication_after_the_modification_with_no_earlier_claim_is_kept():
    # Scheduled posts are edited before they go out: published after modified is normal.
    head = (
        "<meta property='article:published_time' content='2025-03-12T08:00:00Z'>"
        "<meta property='article:modified_time' content='2025-03-03T15:01:45Z'>"
        "<meta name='publish-date' content='2025-03-12'>"
    )
    assert _meta_published(head) == "2025-03-12T08:00:00Z"


def test_the_first_publication_meta_wins_when_nothing_contradicts_it():
    head = (
        "<meta property='article:published_time' content='2024-10-08T10:00:00Z'>"
        "<meta name='date' content='2016-01-07'>"
    )
    assert _meta_published(head) == "2024-10-08T10:00:00Z"


def test_prefer_shown_with_an_unreconcilable_day_off_takes_the_printed_date():
    published = datetime(2025, 12, 19, 22, 2, tzinfo=UTC)
    shown = [(datetime(2025, 12, 18, tzinfo=UTC), "published")]
    assert date_choice.prefer_shown(published, shown) == shown[0][0]
