"""JSON-LD that is not strict JSON (issue 12: dates and credits on unseen English sites).

Templates hand-write their JSON-LD: a description typed over several lines (a raw line
break inside a string), a comma after the last item, or a CDATA wrapper left from XHTML
templates. Browsers and search engines read it all the same; so must we, or the page's
publication date and authors are lost whenever the page shows no date of its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from newswire.parser.extract import extract

from .english_story import page

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
_HEADLINE = "<h1>Council approves the harbour plan</h1>"
_BY = '"author": {"@type": "Person", "name": "Jane Doe"}'


def _ld(body: str) -> str:
    return f'<script type="application/ld+json">{body}</script>'


@pytest.mark.parametrize(
    "ld",
    [
        # A line break typed inside a string.
        '{"@type": "NewsArticle", "description": "The plan.\nIt passed.",'
        ' "datePublished": "2026-12-01T10:00:00Z", ' + _BY + "}",
        # A tab inside a string.
        '{"@type": "NewsArticle", "headline": "Council\tplan",'
        ' "datePublished": "2026-12-01T10:00:00Z", ' + _BY + "}",
        # A comma after the last item of an object and of a list.
        '{"@type": "NewsArticle", "datePublished": "2026-12-01T10:00:00Z",'
        ' "author": [{"@type": "Person", "name": "Jane Doe"},],}',
        # A CDATA wrapper.
        '//<![CDATA[\n{"@type": "NewsArticle", "datePublished": "2026-12-01T10:00:00Z", '
        + _BY
        + "}\n//]]>",
    ],
)
def test_json_ld_with_the_usual_slips_is_read(ld: str) -> None:
    art = extract(page(head=_ld(ld), top=_HEADLINE), "https://h.example/news/x", fetched_at=NOW)
    assert art.article is not None
    assert art.article.published_at is not None
    assert art.article.published_at.date() == date(2026, 12, 1)
    assert art.article.authors == ["Jane Doe"]


def test_json_ld_beyond_mending_is_still_ignored() -> None:
    ld = '{"@type": "NewsArticle", "datePublished": "2026-12-01T10:00:00Z" "author": }'
    art = extract(page(head=_ld(ld), top=_HEADLINE), "https://h.example/news/x", fetched_at=NOW)
    assert art.article is not None
    assert art.article.published_at is None
