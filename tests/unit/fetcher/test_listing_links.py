"""What the fetcher reads from a list page, feed or sitemap for its re-visit policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswire.fetcher.listing_links import fresh_for_s, read_listing
from newswire.sites import parse_sites

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 12, 8, tzinfo=UTC)
SITE = parse_sites(
    """
sites:
  - name: a
    start_urls: [http://a.example/]
    article_patterns: ['/news/\\d+\\.html$']
"""
).get("a")

HOME = b"""<html><head>
<link rel="alternate" type="application/rss+xml" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" href="http://other.example/atom">
<link rel="stylesheet" href="/s.css">
</head><body>
<a href="/news/1.html">one</a> <a href="news/2.html">two</a> <a href="/news/1.html">again</a>
<a href="/about.html">about</a> <a href="http://other.example/news/3.html">offsite</a>
</body></html>"""

RSS = b"""<?xml version="1.0"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>
<title>a</title><ttl>30</ttl>
<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>
<item><link>http://a.example/news/9.html</link>
<pubDate>Thu, 12 Mar 2026 07:30:00 GMT</pubDate></item>
<item><link>http://a.example/news/8.html</link>
<pubDate>Thu, 12 Mar 2026 07:00:00 GMT</pubDate></item>
</channel></rss>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://a.example/news/5.html</loc>
  <news:news><news:publication_date>2026-03-12T07:45:00Z</news:publication_date></news:news></url>
<url><loc>http://a.example/news/4.html</loc><lastmod>2026-03-12T06:00:00Z</lastmod></url>
</urlset>"""


def test_start_page_article_links_and_advertised_feeds() -> None:
    read = read_listing(HOME, "http://a.example/", "list", {}, SITE, NOW)
    assert list(read.snapshot.links) == [
        "http://a.example/news/1.html",
        "http://a.example/news/2.html",
    ]
    assert read.feeds == ("http://a.example/rss.xml",)  # the other site's feed is not ours


def test_feed_items_dates_ttl_and_update_period() -> None:
    read = read_listing(RSS, "http://a.example/rss.xml", "feed", {}, SITE, NOW)
    snapshot = read.snapshot
    assert list(snapshot.links) == ["http://a.example/news/9.html", "http://a.example/news/8.html"]
    assert snapshot.dates == (NOW - timedelta(minutes=30), NOW - timedelta(hours=1))
    assert snapshot.fresh_for_s == 1800  # ttl 30 minutes
    assert snapshot.update_every_s == 900  # hourly, 4 times


def test_news_sitemap_dates() -> None:
    read = read_listing(NEWS_SITEMAP, "http://a.example/sitemap.xml", "sitemap", {}, SITE, NOW)
    assert len(read.snapshot.links) == 2
    assert read.snapshot.dates == (NOW - timedelta(minutes=15), NOW - timedelta(hours=2))


def test_http_freshness_headers() -> None:
    assert fresh_for_s({"cache-control": "public, max-age=300"}, NOW) == 300
    assert fresh_for_s({"cache-control": "no-cache"}, NOW) is None
    assert fresh_for_s({"expires": "Thu, 12 Mar 2026 08:10:00 GMT"}, NOW) == 600
    assert fresh_for_s({"expires": "0"}, NOW) is None
    read = read_listing(
        HOME,
        "http://a.example/",
        "list",
        {"last-modified": "Thu, 12 Mar 2026 06:00:00 GMT", "cache-control": "max-age=60"},
        SITE,
        NOW,
    )
    assert read.snapshot.last_modified == NOW - timedelta(hours=2)
    assert read.snapshot.fresh_for_s == 60


def test_garbage_reads_as_an_empty_listing() -> None:
    for body, kind in ((b"", "list"), (b"\x00\xff", "feed"), (b"<?xml <<<", "sitemap")):
        read = read_listing(body, "http://a.example/x", kind, {}, SITE, NOW)
        assert list(read.snapshot.links) == []


@pytest.mark.parametrize(
    ("body", "kind", "links"),
    [
        # One entry that is no URL (a broken IPv6 literal) among good ones: skipped.
        (
            NEWS_SITEMAP.replace(b"http://a.example/news/4.html", b"http://[::1/x"),
            "sitemap",
            ("http://a.example/news/5.html",),
        ),
        (
            RSS.replace(b"http://a.example/news/8.html", b"http://[::1/x"),
            "feed",
            ("http://a.example/news/9.html",),
        ),
        # A <base href> that is no URL: links resolve against the page's own URL.
        (b"<html><head><base href='http://[::1/'></head>" + HOME[6:], "list", None),
    ],
    ids=["sitemap-entry", "feed-entry", "base-href"],
)
def test_a_broken_url_in_a_listing_does_not_fail_the_listing(
    body: bytes, kind: str, links: tuple[str, ...] | None
) -> None:
    read = read_listing(body, "http://a.example/", kind, {}, SITE, NOW)
    if links is not None:
        assert read.snapshot.links == links
    else:
        assert set(read.snapshot.links) == {
            "http://a.example/news/1.html",
            "http://a.example/news/2.html",
        }
