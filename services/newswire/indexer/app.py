"""The indexer worker: a faust agent on ``articles`` writing to the search alias.

Commit semantics. The agent takes batches with ``noack_take`` (bounded by
``bulk_max_docs`` and ``bulk_max_wait_s``) and acks a batch's events only after
:class:`~newswire.indexer.pipeline.BatchIndexer` has returned, i.e. after the engine
acknowledged every document (or refused it as older) and the dead letters for the rest were
acknowledged by Kafka. faust commits acked offsets only, and flushes its producer first. A kill
at any point therefore re-delivers at most the uncommitted tail, which external versioning makes
harmless. (``take``/``take_events`` would ack in a ``finally`` even when the body is
interrupted — a shutdown during an outage would then commit unindexed offsets; ``noack_take``
leaves acking to us.)

An engine that is down or slow blocks the body (retries with backoff inside the writer), faust
stops fetching once its buffers are full, lag grows, nothing is lost, nothing crash-loops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from newswire.broker import faust_app
from newswire.indexer import metrics
from newswire.indexer.bulk_writer import BulkWriter
from newswire.indexer.documents import Origin, index_action_from_record, storied_actions
from newswire.indexer.index_design import (
    TEMPLATE_VERSION,
    ensure_index,
    ensure_story_index,
    index_template_version,
    story_alias,
)
from newswire.indexer.outcomes import backoff_delay
from newswire.indexer.pipeline import ActionBuilder, BatchIndexer
from newswire.records import DeadLetter
from newswire.search import SearchClient, SearchError, SearchUnavailable, connect
from newswire.settings import Settings, get_settings
from newswire.topics import Topic, topic_name

log = logging.getLogger(__name__)

SESSION_TIMEOUT_S = 15.0


class IndexerRuntime:
    """The agent's state: the engine connection (made lazily, with retries) and the pipeline."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.dead_letter_topic = topic_name(Topic.DEAD_LETTERS, settings)
        self.client: SearchClient | None = None
        self.indexer: BatchIndexer | None = None
        # With stories on, each article also updates its story's document beside it.
        self.build: ActionBuilder = (
            partial(storied_actions, story_target=story_alias(settings))
            if settings.stories
            else index_action_from_record
        )
        # The agent's actors share this runtime: one of them connects, the others wait.
        self._connecting = asyncio.Lock()

    async def ready(self) -> BatchIndexer:
        """Connected, template and alias in place; waits (with backoff) while the engine is down.

        A server that is not the configured product is a configuration error and raises.
        """
        async with self._connecting:
            return await self._connect()

    async def _connect(self) -> BatchIndexer:
        attempt = 0
        while self.indexer is None:
            try:
                if self.client is None:
                    self.client = await connect(self.settings)
                await self.ensure_index()
                self.indexer = BatchIndexer(
                    BulkWriter(
                        self.client,
                        self.settings,
                        require_alias=True,
                        on_alias_missing=self.ensure_index,
                    ),
                    self.settings.index_alias,
                    self.send_dead_letters,
                    build=self.build,
                )
            except (SearchUnavailable, SearchError) as exc:
                delay = backoff_delay(attempt, cap=self.settings.bulk_max_retry_s)
                attempt += 1
                metrics.ENGINE_UP.set(0)
                log.warning(
                    "search engine not ready", extra={"error": str(exc)[:300], "delay_s": delay}
                )
                await asyncio.sleep(delay)
        return self.indexer

    async def ensure_index(self) -> None:
        assert self.client is not None
        current = await ensure_index(self.client, self.settings)
        if self.settings.stories:
            await ensure_story_index(self.client, self.settings)
        version = await index_template_version(self.client, current)
        if version < TEMPLATE_VERSION:
            log.warning(
                "index template is older than this build: run `newswire index migrate`",
                extra={"index": current, "index_version": version, "code": TEMPLATE_VERSION},
            )

    async def send_dead_letters(self, letters: Sequence[DeadLetter]) -> None:
        producer = self.app.producer
        for letter in letters:
            attempt = 0
            while True:
                try:
                    await producer.send_and_wait(
                        self.dead_letter_topic,
                        letter.origin_key,
                        letter.to_bytes(),
                        None,
                        None,
                        None,
                    )
                    break
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # Kafka unavailable: hold the batch, try again
                    delay = backoff_delay(attempt, cap=self.settings.bulk_max_retry_s)
                    attempt += 1
                    log.warning(
                        "dead letter not sent; retrying",
                        extra={"error": str(exc)[:300], "delay_s": delay},
                    )
                    await asyncio.sleep(delay)

    async def handle(self, events: Sequence[Any]) -> None:
        indexer = await self.ready()
        origins = [
            Origin(m.topic, m.partition, m.offset, m.key, m.value)
            for m in (event.message for event in events)
        ]
        with metrics.BATCH_DURATION.time():
            result = await indexer.handle(origins)
        metrics.LAST_SUCCESS.set_to_current_time()
        log.info(
            "batch indexed",
            extra={
                # Every id in the batch, so `grep <id>` follows one article into the index.
                "article_ids": sorted({o.key.decode(errors="replace") for o in origins if o.key}),
                "messages": len(origins),
                "indexed": result.report.indexed,
                "conflicts": result.report.conflicts,
                "deleted": result.report.deleted,
                "dead_letters": len(result.dead_letters),
            },
        )

    async def close(self) -> None:
        if self.client is not None:
            await self.client.close()
            self.client = None
            self.indexer = None


def create_app(settings: Settings | None = None) -> Any:
    """The faust app of the indexer (consumer group ``<prefix>newswire-indexer``)."""
    settings = settings or get_settings()
    app = faust_app(
        "indexer",
        settings,
        # faust's default (60 s) keeps the partitions of a crashed indexer unassigned for a
        # minute after its replacement starts; heartbeats run on the consumer thread, so a
        # long retry inside a batch does not make a healthy worker look dead.
        broker_session_timeout=SESSION_TIMEOUT_S,
    )
    runtime = IndexerRuntime(app, settings)
    # With the story stage on, articles reach the index through it (with their story).
    source = app.topic(
        topic_name(Topic.ARTICLES_STORIED if settings.stories else Topic.ARTICLES, settings)
    )

    # Several actors share the topic's one channel, so each takes its own batches: one builds
    # its bulk request while another waits for the engine. Order between them does not
    # matter (external versions), and faust commits only offsets below the lowest unacked one.
    @app.agent(
        source, name="newswire.indexer.index_articles", concurrency=settings.bulk_concurrency
    )
    async def index_articles(stream: Any) -> None:
        try:
            async for events in stream.noack_take(
                settings.bulk_max_docs, within=settings.bulk_max_wait_s
            ):
                try:
                    await runtime.handle(events)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    # A bug, or a wrong product at the configured URL. The batch is not acked;
                    # crash the whole worker so it restarts from the committed offsets instead
                    # of an agent restarting past a batch nobody will ever ack.
                    log.critical("indexer failed: %r", exc, exc_info=True)
                    await app.crash(exc)
                    raise
                for event in events:
                    await stream.ack(event)
        finally:
            await runtime.close()

    app.indexer_runtime = runtime
    return app


def run_worker(settings: Settings | None = None) -> None:
    """Run the indexer until stopped (``newswire indexer``); metrics via newswire.worker."""
    from newswire.worker import run_faust_worker

    settings = settings or get_settings()
    run_faust_worker(create_app(settings), "indexer", settings)
