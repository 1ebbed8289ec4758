"""A meta line of adjacent elements (``<span>责任编辑：X</span><span>时间：…</span>``): each
labelled value ends at its element, and a labelled credit is never the unlabelled outlet
printed beside the date."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"


@pytest.mark.parametrize(
    "meta",
    [
        "<span>责任编辑：王婷婷</span><span>时间：2025/03/12 00:50</span><span>阅读：0</span>",
        "<span>时间：2025-03-12 00:50</span><span>责任编辑：王婷婷</span>",
        # The date and the time of day in block elements of their own.
        "<div>2025-03-12</div><div>00:50</div><div>责任编辑：王婷婷</div>",
        "<p>2025年03月12日</p><p>00:50:00</p><span>责任编辑：王婷婷</span>",
    ],
)
def test_editor_in_the_meta_line_above_the_body(meta):
    paras = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f'<h1>某地召开会议</h1><p class="meta">{meta}</p><div class="content">{paras}</div>'
        "</body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.editor == "王婷婷"
    assert article.source is None
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2025-03-12T00:50:00+08:00"
