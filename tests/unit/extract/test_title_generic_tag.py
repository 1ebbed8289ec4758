"""A <title> naming only the site and channel ("某某网-辟谣文章"): the headline is the line
above the story in an element classed as its title, though it is no heading tag."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"
PARAS = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))


def _title(tag: str, shown: str) -> str | None:
    page = (
        f'<html><head><meta charset="utf-8"><title>{tag}</title></head><body>'
        f'<div class="nav"><a href="/">首页</a></div><div class="article">{shown}'
        f'<div class="info">来源：某某网</div><div class="content">{PARAS}</div></div>'
        "</body></html>"
    ).encode()
    article = extract(page, "https://piyao.example.cn/detail?id=1").article
    assert article is not None
    return article.title


@pytest.mark.parametrize("cls", ["rumor-title", "art_title", "newsTitle"])
def test_title_classed_line_under_a_generic_title(cls):
    assert _title("科普网-辟谣文章", f'<div class="{cls}">徒手抓子弹真的存在吗？</div>') == (
        "徒手抓子弹真的存在吗？"
    )


def test_specific_title_tag_still_wins_over_another_titled_line():
    got = _title(
        "徒手抓子弹真的存在吗？_科普网",
        '<div class="section-title">辟谣专区</div>',
    )
    assert got == "徒手抓子弹真的存在吗？"
