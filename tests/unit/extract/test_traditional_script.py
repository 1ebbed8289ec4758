"""Labels in traditional characters (Hong Kong and Taiwan sites) read as their simplified
forms: 責任編輯, 來源, 記者, 發佈時間, 瀏覽, 首頁, 相關閱讀; values keep the page's characters."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract
from newswire.parser.extract.zh_script import both_scripts, compile_zh, simplified

pytestmark = pytest.mark.unit

_SENTENCE = "會議在巴黎召開，各國軍方代表出席並討論了安全保障問題。"
TITLE = "法國召開軍方首腦會議 三十餘國討論派兵"


def _page() -> bytes:
    paras = "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(4))
    related = "".join(
        f'<li><a href="/n/{i}.html">第{i}則相關新聞的標題寫在這裡</a></li>' for i in range(2)
    )
    return (
        f'<html><head><meta charset="utf-8"><title>{TITLE}_即時新聞_某某新聞網</title></head>'
        '<body><div class="top"><a href="/">某某新聞網</a></div>'
        '<div class="path">您現在的位置：<a href="/">首頁</a> &gt; '
        '<a href="/live/">即時新聞</a></div>'
        f'<h1>{TITLE}</h1><div class="info"><span>發佈時間：2025-03-12 00:50</span>'
        "<span>來源：中央通訊社</span><span>瀏覽：12</span></div>"
        f'<div class="content">{paras}<p>（記者 陳大文）</p></div>'
        f'<div class="rel"><h3>相關閱讀</h3><ul>{related}</ul></div>'
        "<p>責任編輯：王婷婷</p></body></html>"
    ).encode()


def test_traditional_labels_give_every_field():
    article = extract(_page(), "https://news.example.hk/a/1.html").article
    assert article is not None
    assert article.section == ["即時新聞"]
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2025-03-12T00:50:00+08:00"
    assert article.source == "中央通訊社"
    assert article.views == 12
    assert article.authors == ["陳大文"]
    assert article.editor == "王婷婷"
    assert [r.title for r in article.related] == [
        "第0則相關新聞的標題寫在這裡",
        "第1則相關新聞的標題寫在這裡",
    ]
    assert "記者" not in article.text


def test_a_pattern_reads_both_scripts_and_keeps_classes_valid():
    assert both_scripts("责编") == "责编|責編"
    # (Flat: each word an alternative of its own, in each script.)
    assert both_scripts(r"(?:责编|编辑)\s*:") == r"责编\s*:|責編\s*:|编辑\s*:|編輯\s*:"
    assert both_scripts(r"x(?:责编|编辑)") == r"x(?:责编|責編|编辑|編輯)"
    assert both_scripts("摄影?") == "摄影?|攝影?"
    assert both_scripts("x摄影?") == "x[摄攝]影?"  # (the quantifier keeps to its character)
    assert both_scripts(r"[来自]\s") == r"[来來自]\s"
    assert compile_zh(r"来源[:：]").search("來源：新華網") is not None
    assert simplified("責任編輯 陳大文") == "责任编辑 陈大文"
