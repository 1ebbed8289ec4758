"""What a fetched start page, feed or sitemap shows the re-visit policy (pure; no I/O).

The parser turns list pages into crawl requests; the fetcher needs less, and needs it at once,
to decide when to come back (:mod:`.revisit_policy`): the article links the page lists, the
dates it gives them, and the hints the server and the feed give about freshness. It also finds
the feeds a start page advertises (``<link rel="alternate" type="application/rss+xml">``), so
they can be watched too. Reading only ``<a href>``, ``<link>`` and the feed or sitemap entries
costs a few milliseconds per list page, and list pages are a small part of all fetches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import lxml.html
from lxml import etree

from newswire.fetcher.revisit_policy import ListingSnapshot
from newswire.parser.feeds import FeedError, parse_sitemap
from newswire.sites import Site
from newswire.urls import absolute_url, host_of, normalize_url

#: Feed types a start page may advertise in ``<link rel="alternate">``.
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json"})
#: ``sy:updatePeriod`` in seconds (RSS 1.0 syndication module).
_SY_PERIODS = {
    "hourly": 3600.0,
    "daily": 86400.0,
    "weekly": 7 * 86400.0,
    "monthly": 30 * 86400.0,
    "yearly": 365 * 86400.0,
}
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*\"?(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class ListingRead:
    snapshot: ListingSnapshot
    #: Feeds the page advertises (absolute, normalised URLs).
    feeds: tuple[str, ...] = field(default=())


def read_listing(
    body: bytes,
    url: str,
    kind: str,
    headers: dict[str, str],
    site: Site | None,
    now: datetime,
) -> ListingRead:
    """The links, dates and freshness hints of one fetched list page, feed or sitemap.

    ``kind`` is what the request called the document; the bytes decide between sitemap, feed
    and HTML (sites mislabel), as the parser does."""
    fresh_for = fresh_for_s(headers, now)
    last_modified = _http_date(headers.get("last-modified"))
    if kind in ("feed", "sitemap") or body.lstrip()[:5] in (b"<?xml", b"<rss ", b"<feed"):
        try:
            entries = parse_sitemap(body, url)
        except FeedError:
            return ListingRead(_read_feed(body, url, fresh_for, last_modified))
        links = tuple(e.url for e in entries if e.kind == "page")
        dates = tuple(e.published_at for e in entries if e.published_at is not None)
        return ListingRead(
            ListingSnapshot(
                links=links, dates=dates, fresh_for_s=fresh_for, last_modified=last_modified
            )
        )
    links, feeds = _read_html(body, url, site)
    return ListingRead(
        ListingSnapshot(links=links, fresh_for_s=fresh_for, last_modified=last_modified),
        feeds=feeds,
    )


def _read_feed(
    body: bytes, url: str, fresh_for: float | None, last_modified: datetime | None
) -> ListingSnapshot:
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": url})
    links: list[str] = []
    dates: list[datetime] = []
    for item in parsed.entries:
        if link := absolute_url(url, item.get("link")):
            links.append(link)
        when = item.get("published_parsed") or item.get("updated_parsed")
        if when:
            dates.append(datetime(*when[:6], tzinfo=UTC))
    channel = parsed.get("feed", {})
    ttl_s = _number(channel.get("ttl"))
    if ttl_s is not None:
        ttl_s *= 60  # RSS ttl is in minutes
        fresh_for = max(fresh_for or 0.0, ttl_s)
    update_every = None
    period = _SY_PERIODS.get(str(channel.get("sy_updateperiod", "")).strip().lower())
    if period is not None:
        frequency = _number(channel.get("sy_updatefrequency")) or 1.0
        update_every = period / max(frequency, 1.0)
    return ListingSnapshot(
        links=tuple(links),
        dates=tuple(dates),
        fresh_for_s=fresh_for,
        update_every_s=update_every,
        last_modified=last_modified,
    )


def _read_html(body: bytes, url: str, site: Site | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    try:
        root = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return (), ()
    base = url
    for href in root.xpath("//base/@href")[:1]:
        base = absolute_url(url, str(href)) or url
    links: dict[str, None] = {}
    for href in root.xpath("//a/@href"):
        absolute = _absolute(base, str(href))
        if absolute is not None and _is_article(absolute, site):
            links[absolute] = None
    feeds: dict[str, None] = {}
    for element in root.xpath("//link[@href]"):
        rel = str(element.get("rel", "")).lower().split()
        kind = str(element.get("type", "")).lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES:
            absolute = _absolute(base, str(element.get("href")))
            if absolute is not None and (site is None or site.owns_host(host_of(absolute))):
                feeds[absolute] = None
    return tuple(links), tuple(feeds)


def _is_article(url: str, site: Site | None) -> bool:
    if site is None or not site.owns_host(host_of(url)):
        return False
    page_class = site.classify(url)
    if page_class is None:
        # A site without patterns follows all its links as pages (sites.outlink_request).
        return not (site.article_patterns or site.list_patterns)
    return page_class == "article"


def _absolute(base: str, href: str) -> str | None:
    absolute = absolute_url(base, href)
    try:
        return normalize_url(absolute) if absolute else None
    except ValueError:
        return None


def fresh_for_s(headers: dict[str, str], now: datetime) -> float | None:
    """Seconds the response stays fresh: ``Cache-Control`` max-age, else ``Expires``.

    ``no-cache``/``no-store`` say nothing about how often the page changes, so they give None
    (the learned rate decides), not zero."""
    cache_control = headers.get("cache-control", "")
    if match := _MAX_AGE.search(cache_control):
        return float(match.group(1))
    expires = _http_date(headers.get("expires"))
    if expires is not None:
        return max((expires - now).total_seconds(), 0.0) or None
    return None


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _number(value: object) -> float | None:
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if number > 0 and number == number else None
