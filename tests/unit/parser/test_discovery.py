"""Links found by the parser become crawl requests only where the site's rules allow."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from newswire.parser.discovery import from_article, from_feed
from newswire.parser.feeds import FeedEntry
from newswire.records import Article, Link, Outlink, RawPage
from newswire.sites import SiteRegistry, parse_sites

SITES = """
sites:
  - name: portal
    hosts: [news.example.cn]
    start_urls: [https://news.example.cn/]
    article_patterns: ['/\\d{4}/\\d{2}/\\d{2}/ARTI\\w+\\.shtml$']
    list_patterns: ['/(world|china)/$']
  - name: other
    start_urls: [https://other.example.com/]
"""


@pytest.fixture(scope="module")
def registry() -> SiteRegistry:
    return parse_sites(SITES)


def page(url: str = "https://news.example.cn/", kind: str = "list", depth: int = 1) -> RawPage:
    return RawPage(
        url_id="x",
        requested_url=url,
        final_url=url,
        status=200,
        headers={},
        body=b"",
        kind=kind,
        depth=depth,
    )


def test_list_page_outlinks_follow_the_site_patterns(registry: SiteRegistry) -> None:
    when = datetime(2025, 6, 15, 9, 44, tzinfo=UTC)
    article = Article(
        id="a",
        url="https://news.example.cn/",
        canonical_url="https://news.example.cn/",
        page_type="list",
        outlinks=[
            Outlink(
                url="https://news.example.cn/2025/06/15/ARTIabc.shtml?utm_source=x",
                title="现场直击",
                published_at=when,
            ),
            Outlink(url="https://news.example.cn/world/", title="国际"),
            Outlink(url="https://news.example.cn/about.html", title="关于我们"),
            Outlink(url="https://other.example.com/story", title="off site"),
            Outlink(url="mailto:someone@example.cn", title="mail"),
        ],
        related=[Link(title="更多", url="https://news.example.cn/2025/06/14/ARTIdef.shtml")],
    )
    requests = from_article(article, page(depth=1), registry, max_depth=6)
    by_url = {r.url: r for r in requests}
    assert set(by_url) == {
        "https://news.example.cn/2025/06/15/ARTIabc.shtml",  # tracking parameter dropped
        "https://news.example.cn/world/",
        "https://news.example.cn/2025/06/14/ARTIdef.shtml",
    }
    story = by_url["https://news.example.cn/2025/06/15/ARTIabc.shtml"]
    assert (story.kind, story.source, story.depth, story.site) == ("page", "outlink", 2, "portal")
    assert story.title == "现场直击" and story.published_at == when
    assert by_url["https://news.example.cn/world/"].kind == "list"


def test_depth_limit_stops_following(registry: SiteRegistry) -> None:
    article = Article(
        id="a",
        url="https://news.example.cn/world/",
        canonical_url="https://news.example.cn/world/",
        outlinks=[Outlink(url="https://news.example.cn/china/")],
    )
    assert from_article(article, page(depth=6), registry, max_depth=6) == []
    assert len(from_article(article, page(depth=5), registry, max_depth=6)) == 1


def test_feed_entries_are_pages_even_without_a_matching_pattern(registry: SiteRegistry) -> None:
    entries = [
        FeedEntry(url="https://news.example.cn/special/report.html", title="专题"),
        FeedEntry(url="https://news.example.cn/2025/03/12/ARTI1.shtml", title="会议"),
        FeedEntry(url="https://other.example.com/x", title="elsewhere"),
        FeedEntry(url="https://news.example.cn/sitemap-2.xml", kind="sitemap"),
    ]
    requests = from_feed(entries, page("https://news.example.cn/rss.xml", kind="feed"), registry)
    assert [(r.url, r.kind, r.source) for r in requests] == [
        ("https://news.example.cn/special/report.html", "page", "feed"),
        ("https://news.example.cn/2025/03/12/ARTI1.shtml", "page", "feed"),
        ("https://news.example.cn/sitemap-2.xml", "sitemap", "sitemap"),
    ]
    assert requests[1].title == "会议"
