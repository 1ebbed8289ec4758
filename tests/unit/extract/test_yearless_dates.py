"""A date shown without its year (``发布时间：10-08 12:00``, as sites print this year's
stories) on a page with no machine-readable date: the last such day up to the visit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"
FETCHED = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


def _published(meta: str, head: str = "") -> str | None:
    paras = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))
    page = (
        f'<html><head><meta charset="utf-8"><title>某地召开会议</title>{head}</head><body>'
        f'<h1>某地召开会议</h1><div class="info">{meta}</div><div class="content">{paras}</div>'
        "</body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html", fetched_at=FETCHED).article
    assert article is not None
    return article.published_at.isoformat() if article.published_at else None


@pytest.mark.parametrize(
    ("meta", "published"),
    [
        ("<span>发布时间：10-08</span><span>12:00</span>", "2026-10-08T12:00:00+08:00"),
        ("<span>11月30日 09:15</span>", "2026-11-30T09:15:00+08:00"),
        # A day after the visit's is last year's.
        ("<span>12-20 08:00</span>", "2025-12-20T08:00:00+08:00"),
    ],
)
def test_the_last_such_day_up_to_the_visit(meta, published):
    assert _published(meta) == published


def test_a_machine_readable_date_gives_the_year_first():
    head = '<meta property="article:published_time" content="2019-10-08T12:00:00+08:00">'
    assert _published("<span>10-08 12:00</span>", head).startswith("2019-10-08")
