"""Story lists that print each item's time before its headline
(``<li><span>2025-06-12 03:04</span><a>headline</a><p>summary</p></li>``): the summaries
are teasers, not more of the story's body."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"
_BODY = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))
STORIES = [
    (f"第{n}则新闻的标题写在这里", f"第{n}则新闻的摘要，说明发生了什么事，为何重要，又会怎样。", w)
    for n, w in (
        ("一", "2025-06-15 17:44"),
        ("二", "[2025-06-14 03:32]"),
        ("三", "2025年06月12日 11:39"),
    )
]


@pytest.mark.parametrize(
    "item",
    [
        '<li><span class="time">{w}</span><a href="/n/{i}.html">{t}</a><p>{s}</p></li>',
        '<li>{w} <a href="/n/{i}.html">{t}</a><div class="s">{s}</div></li>',
    ],
)
def test_a_time_before_the_headline_still_makes_a_teaser(item):
    items = "".join(item.format(i=i, t=t, s=s, w=w) for i, (t, s, w) in enumerate(STORIES))
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f"<h1>某地召开会议</h1><div class='content'>{_BODY}</div>"
        f"<ul class='list'>{items}</ul></body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.text.count("段。") == 4
    assert "摘要" not in article.text
    got = {o.title: o.summary for o in article.outlinks}
    assert [got.get(t) for t, _, _ in STORIES] == [s for _, s, _ in STORIES]


def test_a_long_lead_that_is_no_date_is_no_teaser_prefix():
    """Only a date or a short badge may come before the headline: a sentence of prose
    before a link is a paragraph with a link in it."""
    item = (
        '<li>这是一段很长的正文内容，其中提到了一个链接，见<a href="/n/{i}.html">{t}</a>。'
        "<p>{s}</p></li>"
    )
    items = "".join(item.format(i=i, t=t, s=s) for i, (t, s, _) in enumerate(STORIES))
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f"<h1>某地召开会议</h1><div class='content'>{_BODY}<ul>{items}</ul></div></body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert "这是一段很长的正文内容" in article.text


def test_a_list_of_events_led_by_their_days_is_the_pages_content():
    """A day with no time of day before each headline is when an event takes place: such a
    list is what the page is about, not other stories."""
    events = "".join(
        f'<li>March {d}, 2026 <a href="/e/{d}.html">Conference number {d} on cloud security</a>'
        f"<p>Three days of talks on securing data, with {d} workshops for every level.</p></li>"
        for d in (3, 9, 17, 23)
    )
    page = (
        '<html><head><meta charset="utf-8"><title>Upcoming events</title></head><body>'
        f"<h1>Upcoming events</h1><ul class='events'>{events}</ul></body></html>"
    ).encode()
    article = extract(page, "https://events.example.com/list.html").article
    assert article is not None
    assert article.text.count("Three days of talks") == 4
