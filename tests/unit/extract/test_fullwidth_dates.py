"""Dates set in full-width digits (２０２５－０３－１２　００：５０), as some Chinese templates
print them: read as the ASCII date they are, with the outlet beside them."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract
from newswire.parser.extract.dates import halfwidth

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"


@pytest.mark.parametrize(
    ("meta", "source"),
    [
        ("<span>发布时间：２０２５－０３－１２　００：５０</span><span>浏览：１２</span>", None),
        ("<span>２０２５年３月１２日　００：５０</span> <span>新华网</span>", "新华网"),
    ],
)
def test_a_full_width_date_is_read(meta, source):
    paras = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f'<h1>某地召开会议</h1><div class="info">{meta}</div><div class="c">{paras}</div>'
        "</body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2025-03-12T00:50:00+08:00"
    assert article.source == source


def test_halfwidth_keeps_positions():
    text = "时间：２０２５－０３－１２　００：５０"
    assert halfwidth(text) == "时间:2025-03-12 00:50"
    assert len(halfwidth(text)) == len(text)
    assert halfwidth("2025-03-12") == "2025-03-12"
