"""The page's language: a charset written where the language goes (Content-Language
"utf-8", lang="gb2312") is no language, and the text decides."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"
# A header of Latin-letter links: the page's first lines are mostly not Chinese.
_HEADER = "".join(f'<a href="/c/{i}/">Channel {i} News and Video</a> ' for i in range(60))


@pytest.mark.parametrize(
    "declared",
    [
        '<meta http-equiv="Content-Language" content="utf-8">',
        '<meta http-equiv="Content-Language" content="gb2312">',
        '<meta http-equiv="Content-Language" content="iso-8859-1">',
    ],
)
def test_a_charset_is_no_language(declared):
    paras = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))
    page = (
        f'<html><head><meta charset="utf-8">{declared}<title>某地召开会议</title></head>'
        f'<body><div class="top">{_HEADER}</div><h1>某地召开会议</h1>'
        f'<div class="content">{paras}</div></body></html>'
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.lang == "zh"
