"""The fetcher's output: pages, dead letters, URL states and new crawl requests, to Kafka.

Every ``send`` returns the broker's acknowledgement as a future instead of waiting for it, so
a crawl request's records (its page or dead letter, and its URL state) travel together; the
caller awaits them all (:meth:`Publisher.settle`) before the request's offset may be committed.
A page the broker refuses as too large becomes a ``too_large`` dead letter and state instead.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError, RecordTooLargeError

from newswire.broker import client_options, producer_options
from newswire.fetcher import metrics
from newswire.fetcher.http_client import FetchResult
from newswire.fetcher.state_store import UrlStateStore
from newswire.fetcher.url_state import Outcome, UrlState
from newswire.records import CrawlRequest, DeadLetter, RawPage
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from newswire.urls import host_of, redact

log = logging.getLogger(__name__)

#: How the client (before sending) or the broker refuses a record too large for the topic.
TOO_LARGE = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError)


class Publisher:
    """One producer for everything the fetcher writes, and the URL state store on top of it."""

    def __init__(self, settings: Settings):
        self.crawl_topic = topic_name(Topic.CRAWL_REQUESTS, settings)
        self.pages_topic = topic_name(Topic.PAGES_RAW, settings)
        self.dead_letter_topic = topic_name(Topic.DEAD_LETTERS, settings)
        self.state_topic = topic_name(Topic.FETCHER_URL_STATE, settings)
        self.producer = AIOKafkaProducer(
            **{
                **producer_options(settings),
                # Pages are tens of KB: with aiokafka's 16 KB default every page fills a batch
                # on its own and all concurrent senders spin on the partition's one full batch.
                "max_batch_size": 1024 * 1024,
            }
        )
        self.state = UrlStateStore(self.producer, self.state_topic, client_options(settings))

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def partitions_of_crawl_topic(self) -> int:
        return len(await self.producer.partitions_for(self.crawl_topic))

    async def page(
        self,
        record: ConsumerRecord[Any, Any],
        request: CrawlRequest,
        url: str,
        uid: str,
        result: FetchResult,
    ) -> tuple[Outcome, asyncio.Future[Any]]:
        """Send the fetched page to ``pages.raw`` (or, if too large, a dead letter)."""
        page = RawPage(
            url_id=uid,
            requested_url=url,
            final_url=result.final_url,
            status=result.status,
            headers=result.headers,
            content_type=result.content_type,
            body=result.body,
            truncated=result.truncated,
            site=request.site,
            kind=request.kind,
            depth=request.depth,
            elapsed_ms=round(result.elapsed_ms, 1),
        )
        content_hash = hashlib.sha256(result.body).hexdigest()[:32]
        try:
            sent = await self.producer.send(self.pages_topic, page.to_bytes(), key=uid.encode())
        except TOO_LARGE as exc:
            metrics.ERRORS.labels(reason="too_large").inc()
            dead = await self.dead_letter(
                record,
                "too_large",
                f"{len(result.body)} body bytes: {exc}",
                url=url,
                uid=uid,
                wait=False,
            )
            return Outcome("too_large", status=result.status), dead
        metrics.PAGES.labels(kind=request.kind).inc()
        metrics.BYTES.labels(where="published").inc(len(result.body))
        log.info(
            "page fetched",
            extra={
                "url_id": uid,
                "url": redact(result.final_url),
                "kind": request.kind,
                "status": result.status,
                "bytes": len(result.body),
                "elapsed_ms": round(result.elapsed_ms, 1),
            },
        )
        if result.truncated:
            metrics.TRUNCATED.inc()
        outcome = Outcome(
            "fetched",
            status=result.status,
            final_url=result.final_url,
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
            content_hash=content_hash,
        )
        return outcome, sent

    async def dead_letter(
        self,
        record: ConsumerRecord[Any, Any],
        reason: str,
        error: str,
        *,
        url: str | None = None,
        uid: str | None = None,
        wait: bool = True,
    ) -> asyncio.Future[Any]:
        """Send a ``fetch`` dead letter about ``record``; ``wait`` for the broker's ack."""
        letter = DeadLetter.about(
            record, "fetch", reason, error, url=redact(url) if url else None, url_id=uid
        )
        sent = await self.producer.send(self.dead_letter_topic, letter.to_bytes(), key=record.key)
        if wait:
            await sent
        return sent

    async def url_state(self, partition: int, state: UrlState) -> asyncio.Future[Any]:
        return await self.state.put(partition, state)

    async def settle(
        self,
        record: ConsumerRecord[Any, Any],
        url: str,
        uid: str,
        pending: list[asyncio.Future[Any]],
        state: UrlState,
        partition: int,
    ) -> None:
        """Wait for the broker to acknowledge a request's page or dead letter, then record the
        URL's new ``state``; raise if the broker did not take them.

        The state goes out only once the page is durable: a state saying "fetched" for a page
        that never reached ``pages.raw`` would make the request's replay skip the URL, losing
        the page (a fetcher SIGKILLed between the two writes did). A page the broker refused
        as too large for the topic is replaced by a ``too_large`` dead letter and state."""
        results = await asyncio.gather(*pending, return_exceptions=True)
        for result in results:
            if isinstance(result, TOO_LARGE):
                metrics.ERRORS.labels(reason="too_large").inc()
                state = state.model_copy(update={"outcome": "too_large"})
                await (
                    await self.dead_letter(
                        record, "too_large", str(result), url=url, uid=uid, wait=False
                    )
                )
            elif isinstance(result, BaseException):
                raise result
        await (await self.state.put(partition, state))

    async def crawl_requests(self, requests: Iterable[CrawlRequest]) -> None:
        """Send crawl requests to the frontier, keyed by host, and wait for the acks."""
        sent = [
            await self.producer.send(
                self.crawl_topic, request.to_bytes(), key=host_of(request.url).encode()
            )
            for request in requests
        ]
        await asyncio.gather(*sent)
