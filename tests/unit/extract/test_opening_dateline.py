"""A date given only in the dateline opening the story (issue 12: dates on unseen English
sites): wire stories and press releases print no date line of their own, but start the
first paragraph with the place and date ("WASHINGTON, Dec. 1, 2026 (AP) — ...")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newswire.parser.extract import extract

from .english_story import P, page, paras

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
_URL = "https://harbour.example.com/news/x"


def _published(first_paragraph: str, head: str = "") -> date | None:
    body = f"<p>{first_paragraph}</p>" + paras(4, start=1)
    html = page(head=head, top="<h1>Council approves the harbour plan</h1>", body=body)
    art = extract(html, "https://harbour.example.com/news/x", fetched_at=NOW).article
    assert art is not None
    return art.published_at.date() if art.published_at else None


@pytest.mark.parametrize(
    "opening",
    [
        "WASHINGTON, Dec. 1, 2026 (AP) — ",
        "NEW YORK, Dec. 1, 2026 /PRNewswire/ -- ",
        "LONDON, 1 December 2026 — ",
        "SAN FRANCISCO, December 1, 2026: ",
    ],
)
def test_the_dateline_opening_a_long_first_paragraph_dates_the_story(opening: str) -> None:
    assert _published(opening + P * 4) == date(2026, 12, 1)


def test_a_date_later_in_the_first_sentence_is_no_dateline() -> None:
    # What the story is about, not when it was published.
    sentence = "Taxes on harbour land fall due on Dec. 1, 2026, the council said. "
    assert _published(sentence + P * 4) is None


def test_metadata_still_outranks_the_dateline() -> None:
    head = "<meta property='article:published_time' content='2026-12-02T09:00:00Z'>"
    assert _published("WASHINGTON, Dec. 1, 2026 (AP) — " + P * 4, head=head) == date(2026, 12, 2)


@pytest.mark.parametrize(
    ("opening", "url", "day"),
    [
        (
            "LONDON, December 1 (Reuters) - ",
            "https://harbour.example.com/news/x",
            date(2026, 12, 1),
        ),
        ("WASHINGTON, Dec. 1 (AP) — ", _URL, date(2026, 12, 1)),
        # A day after the visit is last year's.
        ("NEW YORK, December 20 (Reuters) - ", "https://harbour.example.com/x", date(2025, 12, 20)),
        # The URL's year, when it has one.
        ("LONDON, March 3 (Reuters) - ", "https://harbour.example.com/2024/x", date(2024, 3, 3)),
    ],
)
def test_a_wire_dateline_without_a_year_dates_the_story(opening: str, url: str, day: date) -> None:
    body = f"<p>{opening}{P * 4}</p>" + paras(4, start=1)
    html = page(top="<h1>Council approves the harbour plan</h1>", body=body)
    art = extract(html, url, fetched_at=NOW).article
    assert art is not None
    assert art.published_at is not None
    assert art.published_at.date() == day


def test_a_sentence_opening_with_a_month_is_no_dateline() -> None:
    assert _published("On December 1 (a Tuesday) the council met again. " + P * 4) is None
