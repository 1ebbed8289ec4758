"""`newswire try` decides the page type with the site's article_patterns, as the parser does:
a short story followed by a list of other stories is an article on a site whose patterns
match its URL, and the report says that is why."""

from __future__ import annotations

from newswire.parser.try_page import view_page
from newswire.settings import Settings
from newswire.sites import parse_sites

SITES = r"""
sites:
  - name: brief-news
    hosts: [brief.example]
    lang: zh
    start_urls: [https://brief.example/]
    article_patterns: ['^https://brief\.example/\d{4}/\d+\.html$']
"""

OTHER_STORY = (
    '<li><a href="/2026/{n}.html">第{n}条其他新闻的标题写在这里</a>'
    "<p>这是第{n}条其他新闻的摘要，有几句话长，说明发生了什么事情。</p>"
    "<span>2026-12-0{d} 08:00</span></li>"
)
PAGE = f"""<html lang="zh-CN"><head><meta charset="utf-8">
<title>快讯：港口今晨恢复通航</title></head><body><h1>快讯：港口今晨恢复通航</h1>
<div class="info">发布时间：2026-12-05 07:30</div>
<div class="content"><p>受大雾影响停航的港口今晨七时恢复通航，首批船只已经进港。</p></div>
<div class="editor">责任编辑：张三</div>
<h3>其他新闻</h3><ul>{"".join(OTHER_STORY.format(n=n, d=n % 5 + 1) for n in range(1, 9))}</ul>
</body></html>""".encode()


def test_the_sites_article_patterns_make_a_short_story_an_article() -> None:
    registry = parse_sites(SITES)
    view = view_page(PAGE, "https://brief.example/2026/42.html", {}, Settings(), registry)
    assert view.page_type == "article"
    assert "article_patterns" in (view.page_type_why or "")


def test_without_the_sites_word_the_page_type_is_the_extractors_own() -> None:
    registry = parse_sites(SITES)
    view = view_page(PAGE, "https://brief.example/flash/42", {}, Settings(), registry)
    assert "article_patterns" not in (view.page_type_why or "")
