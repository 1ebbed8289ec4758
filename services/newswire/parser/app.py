"""The parser service: a faust agent from ``pages.raw`` to articles, crawl requests, dead letters.

Delivery is at-least-once end to end. For each page, every output is sent and *acknowledged by
the broker* before the agent moves on; faust commits a partition's offset only up to the last
page all of whose predecessors are done (and flushes the producer first). A crash therefore
replays pages whose outputs may already exist — harmless, because an article replayed from the
same fetch has the same id and the same version.

Pages whose extracted content did not change since the last version are skipped; the last
content hash per page lives in a changelog-backed faust table, written only after the article
itself was acknowledged, so a crash can cause a duplicate but never a loss.
"""

from __future__ import annotations

import logging
from typing import Any

import faust

from newswire import broker
from newswire.parser import metrics
from newswire.parser.page_processor import PageProcessor, PageResult, dead_letter
from newswire.settings import Settings
from newswire.sites import SiteRegistry, load_sites
from newswire.topics import PAGE_CONTENT_HASHES, Topic, topic_name

log = logging.getLogger(__name__)


def build_app(settings: Settings, registry: SiteRegistry | None = None) -> faust.App:
    registry = registry if registry is not None else load_sites(settings.seeds_file)
    # Each page's outputs are awaited before its actor takes the next page, so without a
    # linger every page became its own produce request (and a second for its changelog
    # entry). Waiting up to 20 ms lets the pages finishing meanwhile share one request: the
    # broker and this process then spent about a third less CPU per page, and the actors in
    # flight keep the pool busy while they wait.
    app = broker.faust_app(
        "parser", settings, producer_linger=0.02, producer_max_batch_size=1024 * 1024
    )
    pages_topic = app.topic(topic_name(Topic.PAGES_RAW, settings))
    articles_topic = app.topic(topic_name(Topic.ARTICLES, settings))
    requests_topic = app.topic(topic_name(Topic.CRAWL_REQUESTS, settings))
    dead_topic = app.topic(topic_name(Topic.DEAD_LETTERS, settings))
    # url_id of the page -> content hash of its last article. Keyed like pages.raw, so the
    # table is co-partitioned with the stream that writes it.
    last_hashes = app.Table(
        PAGE_CONTENT_HASHES, default=str, partitions=settings.partitions, key_type=str
    )
    processor = PageProcessor(settings, registry)

    # Start the extractor pool before the first page arrives, stop it on a clean shutdown
    # (after a crash, the pool's processes exit when their pipes to this one close).
    @app.task
    async def start_pool() -> None:
        await processor.start()

    @app.on_before_shutdown.connect
    def stop_pool(app: faust.App, **_: Any) -> None:
        processor.stop()

    async def send_dead_letter(event: faust.EventT, result: PageResult) -> None:
        message = event.message
        letter = dead_letter(result, message)
        metrics.DEAD_LETTERS.labels(letter.reason).inc()
        metrics.PAGES.labels("dead_letter").inc()
        log.warning(
            "page dead-lettered",
            extra={"reason": letter.reason, "error": letter.error[:300], "url_id": letter.url_id},
        )
        await (await dead_topic.send(key=message.key, value=letter.to_bytes()))

    async def emit(result: PageResult) -> None:
        unchanged = (
            result.article is not None
            and result.url_id is not None
            and last_hashes[result.url_id] == result.content_hash
        )
        if unchanged:
            metrics.DUPLICATES.inc()
            metrics.PAGES.labels("duplicate").inc()
            return
        pending = [
            await requests_topic.send(key=key, value=request) for key, request, _ in result.requests
        ]
        if result.article is not None:
            assert result.article_id is not None
            pending.append(
                await articles_topic.send(key=result.article_id.encode(), value=result.article)
            )
        for future in pending:
            await future  # acknowledged by the broker
        if result.article is not None and result.url_id is not None:
            last_hashes[result.url_id] = result.content_hash
            metrics.ARTICLES.inc()
        for _, _, source in result.requests:
            metrics.CRAWL_REQUESTS.labels(source).inc()
        metrics.PAGES.labels(result.kind).inc()
        log.info(
            "page parsed",
            extra={
                "url_id": result.url_id,
                "article_id": result.article_id,
                "kind": result.kind,
                "crawl_requests": len(result.requests),
            },
        )

    async def handle(event: faust.EventT) -> None:
        result = await processor.process(event.message.value or b"")
        if result.extract_seconds is not None:
            metrics.EXTRACT_SECONDS.observe(result.extract_seconds)
        if result.failure is not None:
            await send_dead_letter(event, result)
        else:
            await emit(result)

    # Enough pages in flight that the pool always has the next page queued while others wait
    # for the broker's acknowledgement (up to the 20 ms linger and the round trip: with 4
    # per extractor process, one process sat idle a fifth of the time); faust still commits
    # each partition only up to the first page not yet done.
    concurrency = max(1, settings.extract_workers * 8)

    @app.agent(pages_topic, concurrency=concurrency)
    async def parse_pages(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            try:
                await handle(event)
            except Exception as exc:
                # Never let one page stop the stream; keep its payload for replay.
                log.exception("unexpected error while parsing a page")
                failure = ("parser_error", f"{type(exc).__name__}: {exc}")
                await send_dead_letter(event, PageResult("failed", failure=failure))

    return app
