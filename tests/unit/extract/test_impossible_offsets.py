"""A date with a UTC offset no zone has (``+99:00``) costs the date's zone, not the article."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.extract import extract
from newswire.parser.extract.dates import get_tz, parse_date
from tests import hostile_pages

pytestmark = pytest.mark.unit

NOW = datetime(2025, 12, 10, tzinfo=UTC)


@pytest.mark.parametrize("offset", ["+99:00", "-24:00", "+2400", "+25"])
def test_an_impossible_offset_is_ignored(offset: str) -> None:
    got = parse_date(f"2025-12-01T10:00:00{offset}", "Asia/Shanghai", now=NOW)
    # Read as the page's zone would read a time without one.
    assert got == parse_date("2025-12-01T10:00:00", "Asia/Shanghai", now=NOW)
    assert get_tz(f"UTC{offset if ':' in offset else '+99:00'}") is UTC


def test_a_page_whose_metadata_has_one_is_still_an_article() -> None:
    page = hostile_pages.flash_news_page(3).replace(
        b"</title>",
        b"</title><meta property='article:published_time' content='2025-12-01T10:00:00+99:00'>",
    )
    result = extract(page, "https://flash.example.cn/misc/3.html", {"content-type": "text/html"})
    assert result.error is None and result.article is not None
    assert result.article.title == hostile_pages.FLASH_NEWS[3][0]
