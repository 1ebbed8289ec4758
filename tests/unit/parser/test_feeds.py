"""Feeds and sitemaps become the links they announce, with their dates and titles."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newswire.parser.feeds import FeedError, parse_feed, parse_listing_document, parse_sitemap

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://news.example.cn/2025/03/12/ARTI1.shtml</loc>
    <news:news>
      <news:publication><news:name>Example</news:name><news:language>zh</news:language></news:publication>
      <news:publication_date>2025-03-12T00:50:00+08:00</news:publication_date>
      <news:title>法国组织召开军方首脑会议</news:title>
    </news:news>
  </url>
  <url><loc>/2025/03/11/ARTI2.shtml</loc><lastmod>2025-03-11</lastmod></url>
</urlset>""".encode()

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example.cn/sitemap-1.xml.gz</loc></sitemap>
  <sitemap><loc>https://news.example.cn/sitemap-2.xml</loc></sitemap>
</sitemapindex>"""

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Example</title>
<item><title>军方首脑会议</title><link>https://news.example.cn/a/1.html</link>
<pubDate>Wed, 12 Mar 2025 00:50:00 +0800</pubDate></item>
<item><title>No link</title></item>
<item><title>Relative</title><link>/a/2.html</link></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title>
<entry><title>Atom entry</title><link href="https://news.example.cn/a/3.html"/>
<updated>2025-03-12T08:00:00Z</updated></entry></feed>"""


def test_news_sitemap_gives_urls_titles_and_dates() -> None:
    entries = parse_sitemap(NEWS_SITEMAP, "https://news.example.cn/sitemap.xml")
    assert [e.url for e in entries] == [
        "https://news.example.cn/2025/03/12/ARTI1.shtml",
        "https://news.example.cn/2025/03/11/ARTI2.shtml",
    ]
    assert entries[0].title == "法国组织召开军方首脑会议"
    assert entries[0].published_at == datetime(
        2025, 3, 12, 0, 50, tzinfo=timezone(timedelta(hours=8))
    )
    assert entries[1].published_at == datetime(2025, 3, 11, tzinfo=UTC)
    assert {e.kind for e in entries} == {"page"}


def test_gzipped_sitemap_index_lists_child_sitemaps() -> None:
    entries = parse_sitemap(gzip.compress(SITEMAP_INDEX), "https://news.example.cn/sitemap.xml.gz")
    assert [(e.url, e.kind) for e in entries] == [
        ("https://news.example.cn/sitemap-1.xml.gz", "sitemap"),
        ("https://news.example.cn/sitemap-2.xml", "sitemap"),
    ]


def test_rss_entries_with_links_are_kept_and_resolved() -> None:
    entries = parse_feed(RSS, "https://news.example.cn/rss.xml")
    assert [e.url for e in entries] == [
        "https://news.example.cn/a/1.html",
        "https://news.example.cn/a/2.html",
    ]
    assert entries[0].title == "军方首脑会议"
    assert entries[0].published_at == datetime(2025, 3, 11, 16, 50, tzinfo=UTC)


def test_dispatch_trusts_the_bytes_over_the_declared_kind() -> None:
    # A sitemap the seeds called a feed is still read as a sitemap, and vice versa.
    assert parse_listing_document(NEWS_SITEMAP, "https://news.example.cn/x")[0].title
    assert parse_listing_document(ATOM, "https://news.example.cn/atom")[0].url == (
        "https://news.example.cn/a/3.html"
    )


@pytest.mark.parametrize("body", [b"\x89PNG\r\n\x1a\n\x00\x00", b"", b"\x1f\x8b not gzip"])
def test_garbage_is_a_clear_error_not_a_crash(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_listing_document(body, "https://news.example.cn/feed")


def test_a_sitemap_entry_that_is_no_url_is_skipped_not_the_sitemap() -> None:
    body = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://a.example/1.html</loc></url>"
        b"<url><loc>http://[::1/broken</loc></url>"
        b"<url><loc>https://a.example/2.html</loc></url></urlset>"
    )
    entries = parse_listing_document(body, "https://a.example/sitemap.xml")
    assert [e.url for e in entries] == ["https://a.example/1.html", "https://a.example/2.html"]
