"""A short "时间：<date>" line under the body is the story's date, not body text, even when
a related-stories list with other dates follows it."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"


@pytest.mark.parametrize("label", ["时间：", "日期:", "时间 : "])
def test_labelled_date_under_the_body(label):
    paras = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))
    related = "".join(
        f'<a href="/r/{i}.html"><div class="t">第{i}则相关新闻的标题</div><div>{d}</div></a>'
        for i, d in enumerate(["2020-09-27", "2019-12-18", "2019-09-24"])
    )
    page = (
        '<html><head><meta charset="utf-8"><title>某某网-辟谣文章</title></head><body>'
        f'<div class="article"><div class="a-title">某地召开会议讨论安全保障</div>'
        f'<div class="content">{paras}</div><div class="aside">{label}2019-09-24 17:08</div>'
        f'</div><div class="tj"><div class="tj-title">相关推荐</div>{related}</div></body></html>'
    ).encode()
    article = extract(page, "https://piyao.example.cn/detail?id=1").article
    assert article is not None
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2019-09-24T17:08:00+08:00"
    assert "2019-09-24" not in article.text
