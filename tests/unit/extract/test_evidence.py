"""Each field says which evidence it came from (for `newswire try`), and the page type why."""

from __future__ import annotations

from newswire.parser.extract import ExtractionRules, extract
from newswire.sites import Site

BODY = "".join(
    f"<p>第{k}段：三十多个国家的军方首脑在巴黎召开会议，讨论停火之后的安全保障安排，"
    f"与会代表就部队组建和后勤保障等问题交换了第{k}轮意见。</p>"
    for k in range(4)
)


def page(head: str = "", meta: str = "") -> bytes:
    return f"""<html lang="zh-CN"><head><meta charset="utf-8"><title>会议召开_新闻网</title>{head}
</head><body><h1>会议召开</h1><div class="meta">{meta}</div><div>{BODY}</div>
<p>责任编辑：王小明</p></body></html>""".encode()


URL = "https://news.example.cn/2025/03/12/1.html"


def test_labelled_text_and_heuristics() -> None:
    result = extract(page(meta="<span>2025-03-12 08:00</span> <span>来源：新华社</span>"), URL)
    evidence = result.evidence
    assert evidence["editor"] == "labelled text: an editor label"
    assert evidence["source"] == "labelled text: a source label"
    assert evidence["published_at"].startswith("labelled text: ")
    assert evidence["text"] == "heuristic: the densest block of prose"
    assert evidence["title"].startswith("heuristic: ")
    assert evidence["page_type"].endswith("0 teasers")
    assert evidence["page_type"].startswith(f"{result.article.length} characters of body")


def test_structured_data_and_site_rules_win_and_are_named() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "会议召开",'
        ' "datePublished": "2025-03-12T00:50:00+08:00"}</script>'
    )
    rules = ExtractionRules(source="span.origin", editor="p.nothing-here")
    result = extract(page(head, '<span class="origin">来源：新华社</span>'), URL, rules=rules)
    assert result.article is not None and result.article.source == "新华社"
    evidence = result.evidence
    assert evidence["title"] == "structured data: JSON-LD headline"
    assert evidence["published_at"] == "structured data: JSON-LD/meta published"
    assert evidence["source"] == "site rule: source selector"
    # A rule that finds nothing falls back, and the evidence says where the value came from.
    assert evidence["editor"] == "labelled text: an editor label"


def test_a_missing_field_has_no_evidence_and_a_date_from_the_url_says_so() -> None:
    result = extract(page(), URL)
    assert "source" not in result.evidence and result.article.source is None
    assert result.evidence["published_at"] == "heuristic: the date in the URL"


def test_site_rule_accepting_a_url() -> None:
    site = Site(
        name="s",
        start_urls=["https://s.example/"],
        article_patterns=[r"/news/\d+\.html$"],
        list_patterns=[r"/section/\w+/$"],
    )
    assert site.matching_rule("https://s.example/news/1.html") == (
        "article",
        r"article_patterns: /news/\d+\.html$",
    )
    assert site.matching_rule("https://s.example/") == ("list", "start_urls")
    assert site.matching_rule("https://s.example/section/world/") == (
        "list",
        r"list_patterns: /section/\w+/$",
    )
    assert site.matching_rule("https://s.example/about.html") is None
    assert site.classify("https://s.example/news/1.html") == "article"
