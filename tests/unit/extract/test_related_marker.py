"""Related-story blocks whose heading is bracketed (``【更多阅读】``, ``[相关新闻]``), as old
table layouts write it, followed by ``·``-bulleted links."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"


@pytest.mark.parametrize("marker", ["【更多阅读】", "[相关新闻]", "〖相关阅读〗："])
def test_bracketed_related_marker(marker):
    paras = "".join(f"<br>&nbsp;&nbsp;第{i}段。{_SENTENCE * 3}<br>" for i in range(4))
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body><table><tr>'
        f"<td><b>某地召开会议</b></td></tr><tr><td>{paras}</td></tr>"
        f'<tr><td>{marker}<br>·<a href="/a/2.html">第二则相关新闻的标题</a><br>'
        '·<a href="/a/3.html">第三则相关新闻的标题</a><br></td></tr></table></body></html>'
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert [(r.title, r.url) for r in article.related] == [
        ("第二则相关新闻的标题", "https://news.example.cn/a/2.html"),
        ("第三则相关新闻的标题", "https://news.example.cn/a/3.html"),
    ]
