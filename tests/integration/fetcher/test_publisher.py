"""The fetcher's publisher on its own, on the real broker: what one crawl request leaves behind."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError

from newswire.fetcher.http_client import FetchResult
from newswire.fetcher.publisher import Publisher
from newswire.fetcher.url_state import Outcome, UrlState, apply_outcome
from newswire.records import CrawlRequest
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from newswire.urls import url_id
from tests.integration.fetcher.kafka_io import dead_letters, fresh_settings, pages, read_all

pytestmark = pytest.mark.integration

URL = "http://127.0.0.1:8088/article/1"


def consumed(settings: Settings, request: CrawlRequest) -> Any:
    """A crawl request as the consumer hands it over (only what a dead letter reads)."""
    return SimpleNamespace(
        topic=topic_name(Topic.CRAWL_REQUESTS, settings),
        partition=1,
        offset=41,
        key=b"127.0.0.1:8088",
        value=request.to_bytes(),
    )


def result(body: bytes) -> FetchResult:
    return FetchResult(
        requested_url=URL,
        final_url=URL,
        status=200,
        headers={"content-type": "text/html", "etag": '"v1"'},
        body=body,
        truncated=False,
        elapsed_ms=12.5,
    )


@pytest.fixture
async def publisher_on(
    settings: Settings, tmp_path: Path
) -> AsyncIterator[tuple[Settings, Publisher]]:
    """A started publisher on topics of its own, and their settings."""
    cfg = await fresh_settings(tmp_path)
    publisher = Publisher(cfg)
    await publisher.start()
    try:
        yield cfg, publisher
    finally:
        await publisher.stop()


async def test_a_page_and_its_state_or_a_too_large_page_as_a_dead_letter(
    publisher_on: tuple[Settings, Publisher],
) -> None:
    cfg, publisher = publisher_on
    request = CrawlRequest(url=URL, kind="page")
    record = consumed(cfg, request)
    uid = url_id(URL)
    outcome, sent = await publisher.page(record, request, URL, uid, result(b"<html>1</html>"))
    state = apply_outcome(None, request, uid, outcome, datetime.now(UTC))
    await publisher.settle(record, URL, uid, [sent], state, 1)
    # Random bytes do not compress: far over the topic's limit, refused before sending.
    too_big = result(os.urandom(12 * 1024 * 1024))
    big_outcome, big_sent = await publisher.page(record, request, URL, uid, too_big)
    big_state = apply_outcome(state, request, uid, big_outcome, datetime.now(UTC))
    await publisher.settle(record, URL, uid, [big_sent], big_state, 1)
    assert outcome == Outcome(
        "fetched",
        status=200,
        final_url=URL,
        etag='"v1"',
        content_hash=outcome.content_hash,
    )
    assert big_outcome.result == "too_large"
    (page,) = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 1))
    assert page.url_id == uid and page.body == b"<html>1</html>" and page.elapsed_ms == 12.5
    (letter,) = dead_letters(await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= 1))
    assert letter.reason == "too_large" and letter.url_id == uid
    assert (letter.origin_partition, letter.origin_offset) == (1, 41)
    assert letter.payload == request.to_bytes()
    states = await read_all(cfg, Topic.FETCHER_URL_STATE, lambda r: len(r) >= 2)
    assert [r.partition for r in states] == [1, 1]  # the crawl request's partition number
    assert [UrlState.from_bytes(r.value).outcome for r in states] == ["fetched", "too_large"]


async def test_no_state_is_recorded_for_a_page_the_broker_did_not_take(
    publisher_on: tuple[Settings, Publisher],
) -> None:
    # A state saying "fetched" without its page would make the request's replay skip the URL.
    cfg, publisher = publisher_on
    request = CrawlRequest(url=URL, kind="page")
    record = consumed(cfg, request)
    uid = url_id(URL)
    outcome, _ = await publisher.page(record, request, URL, uid, result(b"<html>1</html>"))
    state = apply_outcome(None, request, uid, outcome, datetime.now(UTC))
    refused: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    refused.set_exception(KafkaTimeoutError())
    with pytest.raises(KafkaTimeoutError):
        await publisher.settle(record, URL, uid, [refused], state, 1)
    other = CrawlRequest(url=URL + "-2", kind="page")
    other_uid = url_id(other.url)
    other_outcome, sent = await publisher.page(record, other, other.url, other_uid, result(b"2"))
    other_state = apply_outcome(None, other, other_uid, other_outcome, datetime.now(UTC))
    await publisher.settle(record, other.url, other_uid, [sent], other_state, 1)
    states = await read_all(cfg, Topic.FETCHER_URL_STATE, lambda r: len(r) >= 1, idle=2.0)
    assert [UrlState.from_bytes(r.value).url_id for r in states] == [other_uid]
