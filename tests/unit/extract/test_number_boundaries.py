"""A number read from the page respects element boundaries: a time and a view count in
adjacent inline elements never run together into another number."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_BODY = "<p>" + "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。" * 4 + "</p>"


def _page(meta: str) -> bytes:
    return (
        '<html><head><meta charset="utf-8"><title>某地召开会议讨论安全保障</title></head><body>'
        f"<h1>某地召开会议讨论安全保障</h1><div class='info'>{meta}</div>"
        f"<div class='content'>{_BODY * 3}</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("meta", "views"),
    [
        # A labelled count right after the time: the time's minutes are not the count.
        ("<span>2025-03-12 10:20</span><span>浏览量：<em>0</em></span>", 0),
        ("<span>时间：2025/03/12 10:20</span><span>阅读：1234</span>", 1234),
        # Count and label in their own elements after the time.
        ("<span>2025-03-12 10:20</span><span>1234</span><span>次阅读</span>", 1234),
        ("<span>2025-03-12 10:20</span> <span>5678阅读</span>", 5678),
    ],
)
def test_views_never_run_into_the_time(meta, views):
    article = extract(_page(meta), "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.views == views
    assert article.published_at is not None
    assert article.published_at.strftime("%Y-%m-%d %H:%M") == "2025-03-12 10:20"
