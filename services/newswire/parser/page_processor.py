"""One raw page in, everything the parser emits for it out — without touching Kafka.

The faust agent (``app.py``) owns consuming, producing and committing; this module owns the
decision of what a page becomes: an article, crawl requests for the links it announces, or a
dead letter with the reason. Extraction is CPU-bound, so it runs in a process pool and the
event loop (heartbeats, rebalances, other pages' I/O) never waits on it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import multiprocessing
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from newswire.parser import discovery, metrics
from newswire.parser.extract import ExtractionRules, extract
from newswire.parser.feeds import FeedError, parse_listing_document
from newswire.records import Article, CrawlRequest, DeadLetter, RawPage
from newswire.settings import Settings
from newswire.sites import SiteRegistry

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What one page produces; empty lists mean nothing to send."""

    kind: str
    articles: list[Article] = field(default_factory=list)
    requests: list[CrawlRequest] = field(default_factory=list)
    #: (reason, detail) when the page cannot be used.
    failure: tuple[str, str] | None = None


def extract_in_worker(
    body: bytes,
    url: str,
    headers: Mapping[str, str],
    rules: ExtractionRules | None,
    fetched_at: datetime,
) -> tuple[Article | None, str | None, float]:
    """Runs in a pool process: the extractor plus its own CPU time for the histogram."""
    started = time.perf_counter()
    result = extract(body, url, dict(headers), rules, fetched_at=fetched_at)
    return result.article, result.error, time.perf_counter() - started


def _warm_up() -> None:
    # Import the extractor's dependencies once per pool process, not on its first page.
    import newswire.parser.extract  # noqa: F401


class PageProcessor:
    def __init__(self, settings: Settings, registry: SiteRegistry) -> None:
        self.settings = settings
        self.registry = registry
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None

    # --- the extractor pool ----------------------------------------------------------

    def start(self) -> None:
        if self.settings.extract_workers > 0 and self._pool is None:
            # spawn, not fork: the parent runs threads (aiokafka, faust) that fork would copy
            # in an undefined state.
            self._pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.settings.extract_workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_warm_up,
            )

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def _extract(
        self, page: RawPage, rules: ExtractionRules | None
    ) -> tuple[Article | None, str | None, float]:
        args = (page.body, page.final_url, page.headers, rules, page.fetched_at)
        if self._pool is None:
            return extract_in_worker(*args)
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._pool, extract_in_worker, *args)
            return await asyncio.wait_for(future, self.settings.extract_timeout_s)
        except concurrent.futures.process.BrokenProcessPool:
            # A worker died (out of memory, a crash in a C extension). Start a fresh pool
            # and try this page once in it; if it kills that one too, it is the culprit.
            log.warning("extractor pool broke; restarting it", extra={"url_id": page.url_id})
            self.stop()
            self.start()
            assert self._pool is not None
            future = loop.run_in_executor(self._pool, extract_in_worker, *args)
            return await asyncio.wait_for(future, self.settings.extract_timeout_s)

    # --- one page ------------------------------------------------------------------------

    def rules_for(self, url: str) -> ExtractionRules | None:
        site = self.registry.for_url(url)
        if site is None:
            return None
        rules = site.extract
        if site.timezone and (rules is None or rules.timezone is None):
            rules = (rules or ExtractionRules()).model_copy(update={"timezone": site.timezone})
        return rules

    async def process(self, page: RawPage) -> Outcome:
        if page.status >= 400:
            return Outcome(
                "failed", failure=(f"http_{page.status}", "the fetcher kept an error page")
            )
        if page.kind in ("feed", "sitemap"):
            return self._listing_document(page)
        rules = self.rules_for(page.final_url)
        try:
            article, error, seconds = await self._extract(page, rules)
        except TimeoutError:
            return Outcome(
                "failed",
                failure=("extract_timeout", f"no result after {self.settings.extract_timeout_s}s"),
            )
        except concurrent.futures.process.BrokenProcessPool as exc:
            return Outcome("failed", failure=("extractor_crashed", str(exc)))
        except Exception as exc:  # the extractor promises not to raise; never trust it
            log.exception("extractor raised", extra={"url_id": page.url_id})
            return Outcome("failed", failure=("extract_exception", f"{type(exc).__name__}: {exc}"))
        metrics.EXTRACT_SECONDS.observe(seconds)
        if article is None:
            reason, _, detail = (error or "extract_failed").partition(":")
            return Outcome("failed", failure=(reason.strip(), detail.strip() or reason))
        if page.site and not article.site:
            article.site = page.site
        requests = discovery.from_article(
            article,
            page,
            self.registry,
            follow_offsite=self.settings.follow_offsite_links,
            max_depth=self.settings.crawl_max_depth,
        )
        outcome = Outcome(article.page_type, requests=requests)
        if article.page_type == "article":
            outcome.articles.append(article)
        return outcome

    def _listing_document(self, page: RawPage) -> Outcome:
        try:
            entries = parse_listing_document(page.body, page.final_url)
        except FeedError as exc:
            return Outcome("failed", failure=(f"bad_{page.kind}", str(exc)))
        requests = discovery.from_feed(
            entries, page, self.registry, follow_offsite=self.settings.follow_offsite_links
        )
        return Outcome(page.kind, requests=requests)


def dead_letter(
    reason: str,
    error: str,
    *,
    topic: str,
    partition: int | None,
    offset: int | None,
    key: bytes | None,
    payload: bytes,
    page: RawPage | None = None,
) -> DeadLetter:
    return DeadLetter(
        stage="parse",
        reason=reason,
        error=error,
        origin_topic=topic,
        origin_partition=partition,
        origin_offset=offset,
        origin_key=key,
        payload=payload,
        url=page.final_url if page else None,
        url_id=page.url_id if page else None,
    )
