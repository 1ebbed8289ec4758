"""A <title> that adds channel and site names with separators never seen before: the
headline is the part of it the page also shows as a line of its own above the story."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

T = "法国组织召开军方首脑会议 30余国讨论向乌派兵"
L = "【不忘初心 牢记使命】我院医技药剂党支部举办2019年中药、药学理论知识与专业技能大赛"
_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        (f"{T} :: 实时讯息 :: 新闻网", f"<div class='hd'><strong>{T}</strong></div>"),
        (f"实时讯息丨{T}", f"<p class='tit'>{T}</p>"),
        (f"新闻网-{T}", f"<table><tr><td class='biaoti'>{T}</td></tr></table>"),
        (f"{T} → 新闻网", f"<center><font size='5'><b>{T}</b></font></center>"),
        (f"{T}-新闻网", f"<div class='bt'>{T}</div>"),
        # A long headline with punctuation, in a plain element, reads as the body's first
        # prose; the site's name after a space.
        (f"{L} 某某市第一人民医院", f"<div><div>{L}</div></div>"),
    ],
)
def test_headline_is_the_shown_part_of_the_title(title, shown):
    paras = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))
    page = (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<div class="nav"><a href="/">首页</a> <a href="/live/">实时讯息</a></div>{shown}'
        f'<div class="content">{paras}</div></body></html>'
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.title == (L if L in title else T)


def test_title_kept_when_no_part_is_shown():
    paras = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))
    page = (
        f'<html><head><meta charset="utf-8"><title>{T}</title></head><body>'
        f'<div class="content">{paras}</div></body></html>'
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.title == T
