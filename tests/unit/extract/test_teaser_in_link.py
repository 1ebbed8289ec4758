"""Story lists whose whole item is one link, summary inside (``<a><span>title</span>
<p>summary</p></a>``): the title is the link's first part and the summary is its own field."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_BODY = "<p>" + "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。" * 4 + "</p>"
STORIES = [
    (
        "第一则新闻的标题写在这里",
        "第一则新闻的摘要，说明发生了什么事，为何重要。",
        "2025-06-15 17:44",
    ),
    (
        "第二则新闻的标题写在这里",
        "第二则新闻的摘要，说明发生了什么事，为何重要。",
        "2025-06-14 03:32",
    ),
    (
        "第三则新闻的标题写在这里",
        "第三则新闻的摘要，说明发生了什么事，为何重要。",
        "2025-06-12 11:39",
    ),
]


@pytest.mark.parametrize(
    "item",
    [
        '<li><a href="/n/{i}.html"><span>{t}</span><p>{s}</p></a><span>{w}</span></li>',
        '<li><a href="/n/{i}.html"><h4>{t}</h4><p>{s}</p></a><time>{w}</time></li>',
        '<div class="card"><a href="/n/{i}.html"><img src="/t/{i}.jpg"><div class="t">{t}</div>'
        '<div class="d">{s}</div></a><em>{w}</em></div>',
    ],
)
def test_summary_inside_the_link_is_its_own_field(item):
    items = "".join(item.format(i=i, t=t, s=s, w=w) for i, (t, s, w) in enumerate(STORIES))
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f"<h1>某地召开会议</h1><div class='content'>{_BODY * 3}</div>"
        f"<ul class='feed'>{items}</ul></body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    got = {o.url: o for o in article.outlinks}
    for i, (title, summary, when) in enumerate(STORIES):
        link = got[f"https://news.example.cn/n/{i}.html"]
        assert link.title == title
        assert link.summary == summary
        assert link.published_at is not None
        assert link.published_at.strftime("%Y-%m-%d %H:%M") == when


def test_a_link_with_one_part_keeps_its_whole_text():
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f"<h1>某地召开会议</h1><div class='content'>{_BODY * 3}</div>"
        '<ul><li><a href="/n/9.html"><img src="/t.jpg"><b>完整的一个新闻标题</b>'
        "还有后半句标题文字</a></li></ul>"
        "</body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert [o.title for o in article.outlinks] == ["完整的一个新闻标题还有后半句标题文字"]


@pytest.mark.parametrize("more", ["[详细]", "【全文】&gt;&gt;", "详情&gt;&gt;", "(查看全文)"])
def test_the_more_link_closing_a_summary_is_no_part_of_it(more):
    items = "".join(
        f'<li><a href="/n/{i}.html">{t}</a><p>{s}<a href="/n/{i}.html">{more}</a></p>'
        f"<span>{w}</span></li>"
        for i, (t, s, w) in enumerate(STORIES)
    )
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f"<h1>某地召开会议</h1>{_BODY}<ul>{items}</ul></body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    got = [o.summary for o in article.outlinks if o.summary]
    assert got == [s for _, s, _ in STORIES]


def test_the_outlet_beside_a_cards_time_is_no_part_of_its_summary():
    items = "".join(
        f'<li><h3><a href="/n/{i}.html">{t}</a></h3><p>{s}</p>'
        f"<div class='meta'><span>某某日报</span><span>{w}</span></div></li>"
        for i, (t, s, w) in enumerate(STORIES)
    )
    # A word in bold closing the summary itself stays.
    items += (
        '<li><h3><a href="/n/9.html">第四则新闻的标题写在这里</a></h3>'
        "<p>第四则新闻的摘要，说明发生了什么<b>重点</b></p><span>2025-06-11 10:00</span></li>"
    )
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f"<h1>某地召开会议</h1>{_BODY}<ul>{items}</ul></body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    got = [o.summary for o in article.outlinks if o.summary]
    assert got == [s for _, s, _ in STORIES] + ["第四则新闻的摘要，说明发生了什么重点"]
