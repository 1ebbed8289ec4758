"""Dates a page gives in places other than a dated line: script variables (WeChat-style
article pages fill the visible date in by script), times relative to the visit, and the
URL alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.extract import dates, extract

pytestmark = pytest.mark.unit

_BODY = "<p>" + "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。" * 4 + "</p>"
CST = dates.get_tz("+08:00")
FETCHED = datetime(2025, 3, 12, 3, 50, tzinfo=UTC).astimezone(dates.get_tz("Asia/Shanghai"))


def _page(meta: str = "", script: str = "") -> bytes:
    return (
        '<html><head><meta charset="utf-8"><title>某地召开会议讨论安全保障</title>'
        f"<script>{script}</script></head><body>"
        f"<h1>某地召开会议讨论安全保障</h1><div class='info'>{meta}</div>"
        f"<div class='content'>{_BODY * 3}</div></body></html>"
    ).encode()


def _published(page: bytes, url: str = "https://mp.example.cn/s/AbCdEf", fetched=None) -> str:
    article = extract(page, url, fetched_at=fetched).article
    assert article is not None
    assert article.published_at is not None
    return article.published_at.isoformat()


@pytest.mark.parametrize(
    "script",
    [
        'var ct = "1741711800";',
        'var ct = "1741711800000";',
        "var ct = '1741711800' * 1;",
        'var create_time = "1741711800";',
        'var publish_time = "2025-03-12 00:50" || "";',
        'window.createTime = "2025-03-12 00:50:00";',
    ],
)
def test_date_only_in_a_script_variable(script):
    assert _published(_page(script=script)) == "2025-03-12T00:50:00+08:00"


def test_date_only_string_in_a_script_variable():
    assert _published(_page(script='var publish_time = "2025-03-12" || "";')).startswith(
        "2025-03-12T00:00:00"
    )


@pytest.mark.parametrize(
    ("shown", "fetched", "want"),
    [
        ("3小时前", datetime(2025, 3, 12, 3, 50, tzinfo=CST), "2025-03-12T00:50"),
        ("25分钟前", datetime(2025, 3, 12, 1, 15, tzinfo=CST), "2025-03-12T00:50"),
        ("昨天 00:50", datetime(2025, 3, 13, 9, 0, tzinfo=CST), "2025-03-12T00:50"),
        ("今天 00:50", datetime(2025, 3, 12, 9, 0, tzinfo=CST), "2025-03-12T00:50"),
        ("前天 00:50", datetime(2025, 3, 14, 9, 0, tzinfo=CST), "2025-03-12T00:50"),
        ("刚刚", datetime(2025, 3, 12, 0, 50, tzinfo=CST), "2025-03-12T00:50"),
        # The time and a count in adjacent elements (the line reads "3小时前1234阅读").
        (
            "3小时前</span><span>1234阅读",
            datetime(2025, 3, 12, 3, 50, tzinfo=CST),
            "2025-03-12T00:50",
        ),
        # The fetch time in UTC: the page's "yesterday" is the site's.
        ("昨天 00:50", datetime(2025, 3, 12, 17, 0, tzinfo=UTC), "2025-03-12T00:50"),
        ("发布于 3 hours ago", datetime(2025, 3, 11, 19, 50, tzinfo=UTC), "2025-03-12T00:50"),
    ],
)
def test_relative_date_resolved_against_the_fetch_time(shown, fetched, want):
    got = _published(_page(f"<span>{shown}</span>"), fetched=fetched)
    assert got.startswith(want)


def test_relative_date_agreeing_with_the_url_day_gives_the_time():
    fetched = datetime(2025, 3, 12, 3, 50, tzinfo=CST)
    got = _published(
        _page("<span>3小时前</span>"), "https://news.example.cn/2025/03/12/a.html", fetched
    )
    assert got == "2025-03-12T00:50:00+08:00"


def test_url_day_beats_a_relative_date_read_long_after():
    # Re-read months later ("3小时前" then was not three hours before this fetch).
    fetched = datetime(2025, 9, 1, 9, 0, tzinfo=CST)
    got = _published(
        _page("<span>3小时前</span>"), "https://news.example.cn/2025/03/12/a.html", fetched
    )
    assert got.startswith("2025-03-12T00:00")


def test_relative_words_in_the_body_are_not_dates():
    article = extract(
        _page("", "").replace("各国军方".encode(), "刚刚各国军方".encode()),
        "https://mp.example.cn/s/AbCdEf",
        fetched_at=FETCHED,
    ).article
    assert article is not None
    assert article.published_at is None


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://www.example.cn/n1/2025/0312/c1002-40436.html", "2025-03-12"),
        ("https://www.example.gov.cn/xw/202503/t20250312_123456.html", "2025-03-12"),
        ("https://news.example.cn/2025-03-12/doc-abc.shtml", "2025-03-12"),
        ("https://news.example.cn/a/20250312/012345.htm", "2025-03-12"),
        ("https://example.com/2025/mar/12/story-slug", "2025-03-12"),
    ],
)
def test_date_only_in_the_url(url, day):
    assert _published(_page(), url).startswith(day)


def _page_with_edges(header: bool, comments: bool, meta: str = "", script: str = "") -> bytes:
    """A page whose only printed dates are at its edges: the site header's today over the
    headline, or comment times below the story."""
    today = "<span>2025年3月16日 星期日</span>" if header else ""
    times = "".join(
        f"<li><b>网友{i}</b><p>支持！</p><span>2025-03-1{i} 1{i}:15</span></li>" for i in (4, 5)
    )
    below = f"<div class='comments'><h3>网友评论</h3><ul>{times}</ul></div>" if comments else ""
    return (
        '<html><head><meta charset="utf-8"><title>某地召开会议讨论安全保障_新闻_某某网</title>'
        f"<script>{script}</script></head><body>"
        f"<div class='top'><a href='/'>某某网</a>{today}</div>"
        f"<h1>某地召开会议讨论安全保障</h1><div class='info'>{meta}</div>"
        f"<div class='content'>{_BODY * 3}</div>{below}</body></html>"
    ).encode()


@pytest.mark.parametrize(("header", "comments"), [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize(
    ("meta", "script", "url", "want"),
    [
        ("", 'var ct = "1741711800";', "https://mp.example.cn/s/AbCdEf", "2025-03-12T00:50"),
        ("<span>3小时前</span>", "", "https://mp.example.cn/s/AbCdEf", "2025-03-16T00:50"),
        ("", "", "https://news.example.cn/2025-03-12/doc-abc.shtml", "2025-03-12T00:00"),
    ],
)
def test_a_date_only_at_the_page_edge_gives_way(header, comments, meta, script, url, want):
    # The header's today and a comment's time are unlabelled dates the page prints; the
    # story's own date is in its script, by the headline as a relative time, or in its URL.
    page = _page_with_edges(header, comments, meta, script)
    fetched = datetime(2025, 3, 16, 3, 50, tzinfo=CST)
    assert _published(page, url, fetched).startswith(want)


def test_a_date_at_the_page_edge_on_the_story_day_stays():
    # A comment the same day as the URL's day: its time is kept (no other gives one).
    page = _page_with_edges(False, True)
    page = page.replace(b"2025-03-14 14:15", b"2025-03-12 14:15")
    got = _published(page, "https://news.example.cn/2025-03-12/doc-abc.shtml", FETCHED)
    assert got.startswith("2025-03-12")


def test_a_relative_time_on_a_meta_line_read_as_the_body_start():
    # The <p> meta line under the headline opens the story's text for the body filter;
    # its relative time is still the date by the headline (not the header's today).
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议讨论安全保障-某某网</title></head>'
        "<body><div class='top'><a href='/'>某某网</a><span>2025年3月12日 星期三</span></div>"
        "<article><header><h1>某地召开会议讨论安全保障</h1><p class='meta'>"
        "<span>某某日报</span><span>编辑：王某</span><span>3小时前</span></p></header>"
        f"<section>{_BODY * 3}</section></article></body></html>"
    ).encode()
    got = _published(page, fetched=datetime(2025, 3, 12, 3, 50, tzinfo=CST))
    assert got == "2025-03-12T00:50:00+08:00"
