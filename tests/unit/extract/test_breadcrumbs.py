# ruff: noqa: E501  (one breadcrumb per line reads best)
"""The section from a breadcrumb written in other ways: longer "you are here" labels and
``>>`` separators, and trails whose separators are drawn by CSS between list items."""

from __future__ import annotations

import pytest

from newswire.parser.extract import extract

pytestmark = pytest.mark.unit

_BODY = "<p>" + "会议在巴黎召开，各国军方代表出席并讨论了安全保障问题。" * 4 + "</p>"


def _section(crumb: str) -> list[str]:
    page = (
        '<html><head><meta charset="utf-8"><title>某地召开会议讨论安全保障</title></head><body>'
        f'<div class="top"><a href="/">网站首页</a> | <a href="/about/">关于我们</a></div>{crumb}'
        f"<h1>某地召开会议讨论安全保障</h1><div class='content'>{_BODY * 3}</div></body></html>"
    )
    article = extract(page.encode(), "https://news.example.cn/a/1.html").article
    assert article is not None
    return article.section


@pytest.mark.parametrize(
    "crumb",
    [
        '<div class="path">您当前的位置：<a href="/">首页</a>&nbsp;&gt;&gt;&nbsp;<a href="/live/">实时讯息</a></div>',
        '<div>您现在的位置: <a href="/">首页</a> &gt;&gt; <a href="/live/">实时讯息</a> &gt;&gt; 正文</div>',
        '<div>你现在的位置：<a href="/">首页</a> → <a href="/live/">实时讯息</a></div>',
        '<div>当前位置：<a href="/">首页</a> - <a href="/live/">实时讯息</a> - 正文</div>',
        # Separators drawn by CSS: the trail's items are its labels.
        '<ol class="breadcrumb"><li><a href="/">首页</a></li><li><a href="/live/">实时讯息</a></li></ol>',
        '<div class="crumbs"><a href="/">首页</a><a href="/live/">实时讯息</a></div>',
        # HTML5 puts the trail in a <nav>, marked by its aria-label or its class.
        '<nav aria-label="breadcrumb"><ol><li><a href="/">首页</a></li><li aria-hidden="true">›</li><li><a href="/live/">实时讯息</a></li></ol></nav>',
        '<nav class="crumbs"><a href="/">首页</a><span>/</span><a href="/live/">实时讯息</a></nav>',
        '<nav aria-label="面包屑"><a href="/">首页</a> &gt; <a href="/live/">实时讯息</a></nav>',
    ],
)
def test_section_from_breadcrumb(crumb):
    assert _section(crumb) == ["实时讯息"]


def test_css_position_utilities_name_no_trail():
    """``position-relative`` (Bootstrap's utility class) is not a "position" (当前位置) box:
    ten such menu headers must not crowd the real trail out of the candidates."""
    menus = "".join(f'<p class="dropdown-toggle position-relative">菜单{i}</p>' for i in range(12))
    trail = '<ol class="breadcrumb"><li><a href="/">首页</a></li><li><a href="/live/">实时讯息</a></li></ol>'
    assert _section(menus + trail) == ["实时讯息"]


@pytest.mark.parametrize(
    "crumb",
    [
        '<div class="header-nav"><a href="https://news.example.cn/">某某网</a> &gt; <a href="/live/">实时讯息</a> &gt; 正文</div>',
        # A forum's portal article (Discuz): 门户 and 查看内容 are no sections.
        '<div id="pt" class="bm cl"><div class="z"><a href="./" class="nvhm" title="首页">某某网</a> <em>&rsaquo;</em> <a href="portal.php">门户</a> <em>&rsaquo;</em> <a href="/live/">实时讯息</a> <em>&rsaquo;</em> 查看内容</div></div>',
    ],
)
def test_a_trail_led_by_the_sites_name_linking_home(crumb):
    assert _section(crumb) == ["实时讯息"]


def test_arrows_after_a_link_elsewhere_are_no_trail():
    crumb = '<div><a href="/live/">实时讯息</a> &gt; <a href="/world/">国际</a> &gt; 更多</div>'
    assert _section(crumb) == []
