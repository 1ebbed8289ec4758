"""Subheadings made bold by an inline style (WeChat-style editors write
``<p><span style="font-weight:bold">…</span></p>``) are headings like ``<strong>`` ones."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract
from newswire.parser.extract.stylesheet import bold_classes

pytestmark = pytest.mark.unit

_SENTENCE = "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。"


def _paras(first: int) -> str:
    return "".join(f"<p>第{i}段。{_SENTENCE * 3}</p>" for i in range(first, first + 2))


@pytest.mark.parametrize(
    "heading",
    [
        '<p><span style="font-weight: bold; color: #c00000">美国未获邀参会</span></p>',
        '<section><p><span style="font-size:16px"><span style="font-weight:700">美国未获邀参会'
        "</span></span></p></section>",
        '<p style="font-weight:bold">美国未获邀参会</p>',
    ],
)
def test_inline_style_bold_line_is_a_heading(heading):
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f"<h1>某地召开会议</h1><div id='js_content'>{_paras(1)}{heading}{_paras(3)}</div>"
        "</body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.headings == ["美国未获邀参会"]
    assert "美国未获邀参会" in article.text


def test_partly_bold_line_is_no_heading():
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议</title></head><body>'
        f"<h1>某地召开会议</h1><div>{_paras(1)}"
        '<p><span style="font-weight:bold">注意</span>：会议明天继续</p>'
        f"{_paras(3)}</div></body></html>"
    ).encode()
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.headings == []


def _classed_page(style: str, heading: str) -> bytes:
    return (
        f'<html><head><meta charset="utf-8"><title>某地召开会议</title><style>{style}</style>'
        f"</head><body><h1>某地召开会议</h1><div class='article'>{_paras(1)}{heading}"
        f"{_paras(3)}</div></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("style", "heading"),
    [
        (".bt{font-weight:bold;text-align:center}", '<p class="bt">美国未获邀参会</p>'),
        (
            "body{margin:0}\n.article p.xbt { color:#c00; font-weight: 700 }",
            '<p class="xbt">美国未获邀参会</p>',
        ),
        (
            "@media screen{.content .sub-t,.t2{font-weight:bolder}}",
            '<div class="t2 c">美国未获邀参会</div>',
        ),
        (".bt{font-weight:bold}", '<p><span class="bt">美国未获邀参会</span></p>'),
    ],
)
def test_line_bold_by_a_stylesheet_class_is_a_heading(style, heading):
    article = extract(_classed_page(style, heading), "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.headings == ["美国未获邀参会"]
    assert "美国未获邀参会" in article.text


@pytest.mark.parametrize(
    "style",
    [
        ".bt:hover{font-weight:bold}",  # bold only under the pointer
        ".bt a{font-weight:bold}",  # the class's links, not its text
        ".bt{font-weight:normal}",
        ".other{font-weight:bold}",
    ],
)
def test_a_class_not_made_bold_is_no_heading(style):
    page = _classed_page(style, '<p class="bt">美国未获邀参会</p>')
    article = extract(page, "https://news.example.cn/a/1.html").article
    assert article is not None
    assert article.headings == []


def test_stylesheet_bold_classes_are_read_from_the_rules_that_set_bold():
    css = (
        ".a{color:red}.b , p.c{font-weight:600} .d:hover{font-weight:bold} .e .f{font-weight:bold}"
    )
    assert bold_classes([css]) == {"b", "c", "f"}
