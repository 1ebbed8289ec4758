"""RSS/Atom feeds and XML sitemaps into the links they announce (pure; no I/O).

The fetcher fetches feeds and sitemaps like any page; the parser turns them into
:class:`FeedEntry` items, which discovery turns into crawl requests. Feeds go through
feedparser (it copes with every RSS/Atom dialect and broken XML); sitemaps, including
sitemap indexes, gzip-compressed sitemaps and Google News sitemaps, go through lxml's
incremental parser so a 50,000-URL sitemap costs little memory.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from newswire.urls import absolute_url

#: Sitemaps are capped at 50 MB uncompressed by the protocol; more is hostile.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
#: Same cap as the protocol's URL limit per sitemap file.
MAX_ENTRIES = 50_000


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str | None = None
    published_at: datetime | None = None
    #: "page" for an article link, "sitemap" for a child of a sitemap index.
    kind: str = "page"


class FeedError(ValueError):
    """The document is not a feed or sitemap we can read."""


def _gunzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedError(f"corrupt gzip: {exc}") from exc
    if len(data) > MAX_SITEMAP_BYTES:
        raise FeedError("decompressed sitemap exceeds 50 MB")
    return data


def _parse_w3c_date(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    # A date without a zone in a sitemap is UTC by the W3C datetime profile.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _looks_like_sitemap(data: bytes) -> bool:
    head = data[:4096].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def parse_sitemap(body: bytes, base_url: str) -> list[FeedEntry]:
    """URLs of a sitemap (kind "page") or of a sitemap index (kind "sitemap")."""
    data = _gunzip(body)
    if not _looks_like_sitemap(data):
        raise FeedError("not a sitemap: no <urlset> or <sitemapindex> element")
    entries: list[FeedEntry] = []
    context = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
    )
    try:
        for _, element in context:
            tag = etree.QName(element).localname if isinstance(element.tag, str) else ""
            if tag not in ("url", "sitemap"):
                continue
            loc = title = date = None
            for child in element.iter():
                if not isinstance(child.tag, str):
                    continue
                name = etree.QName(child).localname
                text = (child.text or "").strip()
                if name == "loc" and loc is None:
                    loc = text
                elif name == "title" and title is None:  # news:title
                    title = text or None
                elif name in ("publication_date", "lastmod") and date is None:
                    date = text
            url = absolute_url(base_url, loc)
            if url:
                entries.append(
                    FeedEntry(
                        url=url,
                        title=title,
                        published_at=_parse_w3c_date(date),
                        kind="sitemap" if tag == "sitemap" else "page",
                    )
                )
            element.clear()
            if len(entries) >= MAX_ENTRIES:
                break
    except etree.XMLSyntaxError as exc:
        if not entries:
            raise FeedError(f"not a readable sitemap: {exc}") from exc
    return entries


def parse_feed(body: bytes, base_url: str) -> list[FeedEntry]:
    """Entries of an RSS or Atom feed, newest information first as the feed lists them."""
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": base_url})
    if not parsed.entries and not parsed.get("version"):
        raise FeedError(f"not a readable feed: {parsed.get('bozo_exception')}")
    entries: list[FeedEntry] = []
    for item in parsed.entries[:MAX_ENTRIES]:
        link = absolute_url(base_url, item.get("link"))
        if not link:
            continue
        when = item.get("published_parsed") or item.get("updated_parsed")
        published = datetime(*when[:6], tzinfo=UTC) if when else None
        title = (item.get("title") or "").strip() or None
        entries.append(FeedEntry(url=link, title=title, published_at=published))
    return entries


def parse_listing_document(body: bytes, url: str) -> list[FeedEntry]:
    """Read a feed or a sitemap, whichever the bytes are.

    Whatever the seeds or robots.txt called the document, sites mislabel (a "sitemap"
    that is an RSS feed), so the bytes decide.
    """
    data = _gunzip(body)
    if _looks_like_sitemap(data):
        return parse_sitemap(data, url)
    return parse_feed(data, url)
