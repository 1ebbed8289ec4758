"""Which links found by the parser go back to the fetcher as crawl requests (pure).

Discovery runs through Kafka: list pages, feeds and sitemaps announce links, the parser
turns the ones the site's rules accept into :class:`CrawlRequest` records on
``crawl.requests``, and the fetcher (which remembers what it fetched) does the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from newswire.parser.feeds import FeedEntry
from newswire.records import Article, CrawlRequest, RawPage
from newswire.sites import SiteRegistry, outlink_request
from newswire.urls import host_of, normalize_url


def _dedupe(requests: Iterable[CrawlRequest | None]) -> list[CrawlRequest]:
    seen: set[str] = set()
    unique: list[CrawlRequest] = []
    for request in requests:
        if request is not None and request.url not in seen:
            seen.add(request.url)
            unique.append(request)
    return unique


def from_article(
    article: Article,
    page: RawPage,
    registry: SiteRegistry,
    *,
    follow_offsite: bool = False,
    max_depth: int | None = None,
) -> list[CrawlRequest]:
    """Requests for a page's outlinks and related links that the site's rules accept."""
    source = registry.for_url(page.final_url)
    if source is None and not follow_offsite:
        # Links are followed only within the page's own configured site.
        return []

    def same_site(url: str) -> bool:
        # A cheap host check first: list pages carry hundreds of links, most off-site.
        if follow_offsite:
            return True
        try:
            return registry.for_host(host_of(url)) is source
        except ValueError:
            return False

    def candidates() -> Iterator[CrawlRequest | None]:
        for link in article.outlinks:
            if not same_site(link.url):
                continue
            request = outlink_request(
                registry,
                link.url,
                referrer=page.final_url,
                depth=page.depth + 1,
                follow_offsite=follow_offsite,
                max_depth=max_depth,
            )
            if request is not None:
                # Carry what the list page shows, so a feed of requests is readable on its own.
                request.title = link.title
                request.published_at = link.published_at
            yield request
        for related in article.related:
            if not same_site(related.url):
                continue
            yield outlink_request(
                registry,
                related.url,
                referrer=page.final_url,
                depth=page.depth + 1,
                follow_offsite=follow_offsite,
                max_depth=max_depth,
            )

    return _dedupe(candidates())


def from_feed(
    entries: Iterable[FeedEntry],
    page: RawPage,
    registry: SiteRegistry,
    *,
    follow_offsite: bool = False,
) -> list[CrawlRequest]:
    """Requests for the entries of a feed or sitemap.

    Entries are articles by the document's own word, so a same-site entry that matches no
    pattern is still fetched as a page; children of a sitemap index are fetched as sitemaps.
    Depth does not grow through feeds: they are the site's own index of what is new.
    """
    source_site = registry.for_url(page.final_url)

    def candidates() -> Iterator[CrawlRequest | None]:
        for entry in entries:
            if entry.kind == "sitemap":
                target = registry.for_url(entry.url)
                if target is None or (not follow_offsite and target is not source_site):
                    continue
                yield CrawlRequest(
                    url=entry.url,
                    site=target.name,
                    kind="sitemap",
                    source="sitemap",
                    referrer=page.final_url,
                    depth=page.depth,
                )
                continue
            request = outlink_request(
                registry,
                entry.url,
                referrer=page.final_url,
                depth=page.depth,
                follow_offsite=follow_offsite,
            )
            if request is None:
                target = registry.for_url(entry.url)
                if target is None or (not follow_offsite and target is not source_site):
                    continue
                try:
                    url = normalize_url(entry.url)
                except ValueError:
                    continue
                request = CrawlRequest(
                    url=url,
                    site=target.name,
                    kind="page",
                    referrer=page.final_url,
                    depth=page.depth,
                )
            request.source = "sitemap" if page.kind == "sitemap" else "feed"
            request.title = entry.title
            request.published_at = entry.published_at
            yield request

    return _dedupe(candidates())
