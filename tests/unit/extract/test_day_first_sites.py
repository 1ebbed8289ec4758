"""Numeric dates on sites that write them day first (issue 12: dates on unseen English
sites): UK and Commonwealth sites print "Published 01/12/2026" for 1 December, which the
US order read as 12 January."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newswire.parser.extract import dates, extract

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
P = "The council voted on the plan after a long debate about costs and schedules. " * 3


def _published(lang: str, url: str, shown: str = "Published 01/12/2026") -> date | None:
    html = (
        f"<html lang='{lang}'><head></head><body><main><article>"
        f"<h1>Council approves the harbour plan</h1><p>By Jane Doe</p><p>{shown}</p>"
        + "".join(f"<p>{P} Part {i}.</p>" for i in range(5))
        + "</article></main></body></html>"
    ).encode()
    art = extract(html, url, fetched_at=NOW).article
    assert art is not None
    return art.published_at.date() if art.published_at else None


@pytest.mark.parametrize(
    ("lang", "url"),
    [
        ("en-GB", "https://harbour.example.com/news/x"),
        ("en-au", "https://harbour.example.com/news/x"),
        ("en_IN", "https://harbour.example.com/news/x"),
        ("en", "https://www.harbourtimes.co.uk/news/x"),
        ("", "https://www.harbourtimes.com.au/news/x"),
    ],
)
def test_a_day_first_site_reads_numeric_dates_day_first(lang: str, url: str) -> None:
    assert _published(lang, url) == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("lang", "url"),
    [("en-US", "https://harbour.example.com/news/x"), ("en", "https://harbour.example.com/x")],
)
def test_other_english_sites_still_read_them_month_first(lang: str, url: str) -> None:
    assert _published(lang, url) == date(2026, 1, 12)


def test_a_date_only_one_order_allows_is_read_so_anywhere() -> None:
    assert _published("en-GB", "https://harbour.example.com/x", "Published 12/31/2025") == (
        date(2025, 12, 31)
    )


def test_day_first_site() -> None:
    assert dates.day_first_site("en-GB", "https://x.example.com/")
    assert dates.day_first_site(None, "https://www.bbc.co.uk/news")
    assert not dates.day_first_site("en-US", "https://www.bbc.co.uk/news")
    assert not dates.day_first_site("fr", "https://example.ie/")
    assert not dates.day_first_site(None, "https://example.com/")
