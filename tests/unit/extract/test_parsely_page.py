"""Parse.ly's older ``parsely-page`` meta tag (issue 12: dates on unseen English sites):
news sites that adopted Parse.ly early keep the publication time in a JSON object in one
meta tag, not in ``parsely-pub-date``; on a page that shows no date it is the only one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newswire.parser.extract import extract

from .english_story import page

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


def _published(content: str) -> date | None:
    head = f"<meta name='parsely-page' content='{content}'>"
    html = page(head=head, top="<h1>Council approves the harbour plan</h1>")
    art = extract(html, "https://harbour.example.com/news/x", fetched_at=NOW).article
    assert art is not None
    return art.published_at.date() if art.published_at else None


def test_the_pub_date_in_parsely_page_is_the_publication_date() -> None:
    content = '{"title": "Council plan", "pub_date": "2026-12-01T10:00:00Z", "section": "News"}'
    assert _published(content) == date(2026, 12, 1)


@pytest.mark.parametrize("content", ['{"title": "Council plan"}', "not json", '{"pub_date": 5}'])
def test_a_parsely_page_without_a_date_gives_none(content: str) -> None:
    assert _published(content) is None
