"""A short line above the body giving a name and a time ("新闻网 2025年3月12日 00:50", as a
WeChat-style article prints its account and date) is no body paragraph, though the colon
of its time reads as punctuation."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"
PARAS = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))


@pytest.mark.parametrize(
    "meta",
    [
        '<span id="js_name">新闻网</span> <em id="publish_time">2025年3月12日 00:50</em>',
        "<span>新闻网</span> <span>2025-03-12 00:50</span> <span>北京</span>",
    ],
)
def test_leading_name_and_time_line_is_not_body(meta):
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f'<div id="js_content"><h1>某地召开会议</h1><div class="meta">{meta}</div>{PARAS}</div>'
        "</body></html>"
    ).encode()
    article = extract(page, "https://mp.example.cn/s/abc").article
    assert article is not None
    assert article.text.startswith("第0段。")
    assert article.published_at is not None
    assert article.published_at.strftime("%Y-%m-%d %H:%M") == "2025-03-12 00:50"


def test_a_first_paragraph_opening_with_a_date_stays():
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        "<h1>某地召开会议</h1><div><p>3月12日 00:50，会议在巴黎召开。</p>"
        f"{PARAS}</div></body></html>"
    ).encode()
    article = extract(page, "https://mp.example.cn/s/abc").article
    assert article is not None
    assert article.text.startswith("3月12日 00:50，会议在巴黎召开。")
