"""Words a meta line prints beside the date that are neither an outlet nor body text:
a template's placeholder where the outlet goes (来源: 未知), the weekday, view-count labels
written other ways (阅读数, 点击, 人看过, 浏览(5)), and a
related-stories heading that carries a "更多>>" link."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"
PARAS = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))


def _article(meta: str, after: str = ""):
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议讨论安全保障</title></head><body>'
        f'<h1>某地召开会议讨论安全保障</h1><div class="info">{meta}</div>'
        f'<div class="content">{PARAS}</div>{after}</body></html>'
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    return article


@pytest.mark.parametrize(
    ("meta", "views"),
    [
        ('<span class="date">2025-03-12 00:50:00 星期三</span>', None),
        ('<span class="date">2025-03-12 00:50 周三</span>', None),
        ('<span>2025-03-12 00:50</span><span class="v">阅读数：5</span><a href="#">分享</a>', 5),
        ("<span>2025-03-12 00:50</span><span>点击：<span id='hits'>5</span></span>", 5),
        ("<span>2025-03-12 00:50</span><span>5 人看过</span>", 5),
        # The count in brackets after its label.
        ('<span>2025/3/12 0:50</span><span class="read">浏览(5)</span>', 5),
        ("<span>2025-03-12 00:50</span><span>点击（5）</span>", 5),
        # A CMS's placeholders for an empty source and author (DedeCMS prints these).
        (
            "<small>时间:</small>2025-03-12 00:50<small>来源:</small>未知 <small>作者:</small>x",
            None,
        ),
        ("<span>2025-03-12 00:50</span> <span>不详</span>", None),
    ],
)
def test_meta_line_words(meta, views):
    article = _article(meta)
    assert article.source is None
    assert article.views == views
    assert article.text.startswith("第0段。")
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2025-03-12T00:50:00+08:00"


def test_related_heading_with_a_more_link():
    related = (
        '<div class="related"><div class="hd"><span>相关阅读</span>'
        '<a href="/more/">更多&gt;&gt;</a>'
        '</div><ul><li><a href="/r/1.html">第一则相关新闻的标题</a></li>'
        '<li><a href="/r/2.html">第二则相关新闻的标题</a></li></ul></div>'
    )
    article = _article("<span>2025-03-12 00:50</span>", related)
    assert [r.title for r in article.related] == ["第一则相关新闻的标题", "第二则相关新闻的标题"]


def test_a_label_word_inside_a_listed_headline_labels_no_date():
    """ "城市书房开放时间延长 2026-12-05 13:30" in a related list: 时间 belongs to the
    headline; the story's own time is the one by its headline (3 hours before the visit)."""
    from datetime import UTC, datetime

    items = "".join(
        f'<li><a href="/n/{i}.html">{t}</a><span>2026-12-0{i + 1} 1{i}:30</span></li>'
        for i, t in enumerate(
            ["市区新增三条公交线路", "冬季供暖工作全面启动", "城市书房开放时间延长"]
        )
    )
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议讨论安全保障</title></head><body>'
        '<h1>某地召开会议讨论安全保障</h1><div class="info"><span>3小时前</span></div>'
        f'<div class="content">{PARAS}</div><div class="related"><h3>相关新闻</h3><ul>{items}'
        "</ul></div></body></html>"
    ).encode()
    fetched = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    article = extract(page, "https://news.example.cn/a/1.html", fetched_at=fetched).article
    assert article is not None
    assert article.published_at is not None
    assert article.published_at.astimezone(UTC) == datetime(2026, 12, 5, 5, 0, tzinfo=UTC)
