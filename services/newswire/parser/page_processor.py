"""One ``pages.raw`` message in, everything the parser emits for it out — without touching Kafka.

The faust agent (``app.py``) owns consuming, producing and committing; this module owns the
decision of what a page becomes: an article, crawl requests for the links it announces, or a
dead letter with the reason.

All of that is CPU-bound, so :func:`process_message` runs whole in a pool process
(:mod:`newswire.parser.extractor_pool`): it takes
the message bytes as they came off the broker and returns records already encoded. The
event loop only moves bytes, so heartbeats, rebalances and other pages' I/O never wait on
parsing, and the agent adds little to the extractor's own cost.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field

from newswire.parser import discovery
from newswire.parser.extract import ExtractionRules, extract
from newswire.parser.extractor_pool import ExtractorPool, WorkerCrashed, WorkerTimeout
from newswire.parser.feeds import FeedError, parse_listing_document
from newswire.parser.fill_rates import filled_fields
from newswire.records import (
    Article,
    ConsumedMessage,
    CrawlRequest,
    DeadLetter,
    FillSample,
    RawPage,
    RecordError,
)
from newswire.settings import Settings
from newswire.sites import Site, SiteRegistry, load_sites
from newswire.urls import host_of

log = logging.getLogger(__name__)


@dataclass
class PageResult:
    """What one message produces, ready to send; empty lists mean nothing to send."""

    #: article, list, other, feed, sitemap — or "failed" with ``failure`` set.
    kind: str
    url_id: str | None = None
    url: str | None = None
    article_id: str | None = None
    #: What the parser's dedup compares (:func:`dedup_key`): content hash and extractor version.
    content_hash: str | None = None
    #: The encoded Article (article pages only).
    article: bytes | None = None
    #: (site, encoded FillSample) of the article: which fields it had (article pages only).
    fill_sample: tuple[bytes, bytes] | None = None
    #: (key, encoded CrawlRequest, source) for every link to follow.
    requests: list[tuple[bytes, bytes, str]] = field(default_factory=list)
    #: (reason, detail) when the page cannot be used.
    failure: tuple[str, str] | None = None
    extract_seconds: float | None = None


@dataclass
class ParserContext:
    """What processing a page needs besides the page: settings and the site rules."""

    settings: Settings
    registry: SiteRegistry

    def says_article(self, page: RawPage) -> bool:
        """The site's ``article_patterns`` match the page's URL (before or after redirects)."""
        for url in (page.final_url, page.requested_url):
            site = self.registry.for_url(url)
            if site is not None and site.classify(url) == "article":
                return True
        return False

    def rules_for(self, url: str) -> ExtractionRules | None:
        site = self.registry.for_url(url)
        return self.rules_of(site) if site is not None else None

    @staticmethod
    def rules_of(site: Site) -> ExtractionRules | None:
        """The site's ``extract:`` rules with its time zone."""
        rules = site.extract
        if site.timezone and (rules is None or rules.timezone is None):
            rules = (rules or ExtractionRules()).model_copy(update={"timezone": site.timezone})
        return rules


def dedup_key(article: Article) -> str:
    """What the parser remembers per page to skip one whose article did not change.

    The extractor version is part of it, so after an upgrade every page gets through once
    more even when its text (and so its content hash) is the same: the new extractor may have
    changed other fields, and the article's version is higher (parser/extract/version.py).
    Keys stored before versions were part of them never match, which has the same effect.
    """
    return f"{article.content_hash}@{article.extractor_version}"


#: Extractor errors that mean "no page in these bytes" (rather than a format or a crash).
_NOTHING_READABLE = frozenset({"not_an_article", "empty_body"})


def truncated_failure(page: RawPage, why: str) -> tuple[str, str] | None:
    """The dead-letter reason for a body cut at the fetcher's cap that gave nothing usable.

    The cap is what the operator can act on (or what a hostile server provoked), so it is
    the reason, ahead of whatever the extractor made of the cut body.
    """
    if not page.truncated:
        return None
    return ("truncated_body", f"body cut at {len(page.body)} bytes by the fetcher's cap; {why}")


def _encoded(requests: list[CrawlRequest]) -> list[tuple[bytes, bytes, str]]:
    return [(host_of(r.url).encode(), r.to_bytes(), r.source) for r in requests]


def process_message(value: bytes, context: ParserContext) -> PageResult:
    """Decode, extract, discover, encode — for one ``pages.raw`` message. Never raises."""
    try:
        page = RawPage.from_bytes(value)
    except RecordError as exc:
        return PageResult("failed", failure=(exc.reason, str(exc)))
    result = PageResult("failed", url_id=page.url_id, url=page.final_url)
    try:
        _process_page(page, context, result)
    except Exception as exc:  # the extractor promises not to raise; never trust it
        log.exception("parsing a page raised", extra={"url_id": page.url_id})
        result.kind = "failed"
        result.failure = ("parser_error", f"{type(exc).__name__}: {exc}")
    return result


def _process_page(page: RawPage, context: ParserContext, result: PageResult) -> None:
    settings = context.settings
    if page.status >= 400:
        result.failure = (f"http_{page.status}", "the fetcher kept an error page")
        return
    if page.kind in ("feed", "sitemap"):
        try:
            entries = parse_listing_document(page.body, page.final_url)
        except FeedError as exc:
            result.failure = (f"bad_{page.kind}", str(exc))
            return
        requests = discovery.from_feed(
            entries, page, context.registry, follow_offsite=settings.follow_offsite_links
        )
        result.kind = page.kind
        result.requests = _encoded(requests)
        return

    started = time.perf_counter()
    extracted = extract(
        page.body,
        page.final_url,
        page.headers,
        context.rules_for(page.final_url),
        fetched_at=page.fetched_at,
        url_is_article=context.says_article(page),
    )
    result.extract_seconds = time.perf_counter() - started
    article = extracted.article
    if article is None:
        reason, _, detail = (extracted.error or "extract_failed").partition(":")
        reason, detail = reason.strip(), detail.strip() or reason.strip()
        if reason in _NOTHING_READABLE:
            result.failure = truncated_failure(page, f"{reason}: {detail}") or (reason, detail)
        else:
            result.failure = (reason, detail)
        return
    if article.page_type == "other":
        # Not an article and no story list: normal for an about page, but a body cut at the
        # fetcher's cap with nothing recognisable in it is an endless or bombed response.
        failure = truncated_failure(page, "no article or story list in what was read")
        if failure is not None:
            result.failure = failure
            return
    if page.site:
        article.site = page.site
    result.kind = article.page_type
    result.requests = _encoded(
        discovery.from_article(
            article,
            page,
            context.registry,
            follow_offsite=settings.follow_offsite_links,
            max_depth=settings.crawl_max_depth,
        )
    )
    if article.page_type == "article":
        result.article_id = article.id
        result.content_hash = dedup_key(article)
        result.article = article.to_bytes()
        site = article.site or host_of(article.url) or "unknown"
        sample = FillSample(
            site=site,
            article_id=article.id,
            version=article.version,
            filled=filled_fields(article),
            fetched_at=article.fetched_at,
        )
        result.fill_sample = (site.encode(), sample.to_bytes())


# --- the pool ------------------------------------------------------------------------------

#: The context of a pool process, built once by :func:`_init_worker`.
_worker_context: ParserContext | None = None


def _init_worker(settings_json: str) -> None:
    global _worker_context
    settings = Settings.model_validate_json(settings_json)
    _worker_context = ParserContext(settings, load_sites(settings.seeds_file))
    _exit_with_parent(os.getppid())


def _exit_with_parent(parent: int, every_s: float = 1.0) -> None:
    """End this pool process soon after the parser process dies, however it died.

    A pool process sees end of file on its job pipe when the parser dies, but only once it
    has finished the page it works on; this ends it within a second even mid-page. (Under
    ``ProcessPoolExecutor`` pool processes held their own pipe's write end and never saw end
    of file: every hard kill of the parser left them behind for good.)
    """

    def watch() -> None:
        while True:
            time.sleep(every_s)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _process_in_worker(value: bytes) -> PageResult:
    assert _worker_context is not None, "pool process was not initialised"
    return process_message(value, _worker_context)


class PageProcessor:
    """Runs :func:`process_message` in a pool of extractor processes (or inline, with 0)."""

    def __init__(self, settings: Settings, registry: SiteRegistry) -> None:
        self.settings = settings
        self.context = ParserContext(settings, registry)
        self.pool: ExtractorPool[PageResult] | None = None
        if settings.extract_workers > 0:
            self.pool = ExtractorPool(
                settings.extract_workers,
                _process_in_worker,
                timeout_s=settings.extract_timeout_s,
                initializer=_init_worker,
                initargs=(settings.model_dump_json(),),
            )

    async def start(self) -> None:
        if self.pool is not None:
            await self.pool.start()

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.stop()

    async def process(self, value: bytes) -> PageResult:
        if self.pool is None:
            return process_message(value, self.context)
        try:
            return await self.pool.run(value)
        except WorkerTimeout as exc:
            return PageResult("failed", failure=("extract_timeout", str(exc)))
        except WorkerCrashed as exc:
            return PageResult("failed", failure=("extractor_crashed", str(exc)))


def dead_letter(result: PageResult, message: ConsumedMessage) -> DeadLetter:
    reason, error = result.failure or ("parser_error", "unknown failure")
    return DeadLetter.about(message, "parse", reason, error, url=result.url, url_id=result.url_id)
