"""The fetcher against a misbehaving site on 127.0.0.1, on the real broker (issue 13).

Politeness on every redirect hop, a page that never answers, duplicate links to broken URLs,
and the warnings an operator sees for each kind of failure.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from newswire.records import CrawlRequest
from newswire.settings import Settings
from newswire.topics import Topic
from newswire.urls import host_of, url_id
from tests.integration.fetcher.kafka_io import (
    dead_letters,
    fresh_settings,
    pages,
    read_all,
    running_worker,
    send,
)
from tests.integration.fetcher.local_site import LocalSite, assert_spaced

pytestmark = pytest.mark.integration


@pytest.fixture
async def site() -> AsyncIterator[LocalSite]:
    site = await LocalSite(crawl_delay=0.5).start()
    yield site
    await site.stop()


def linked_from(site: LocalSite, path: str, list_path: str) -> CrawlRequest:
    """The crawl request the parser sends for a link on a list page."""
    return CrawlRequest(url=site.url(path), source="outlink", referrer=site.url(list_path))


async def wait_for(condition: object, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def test_every_redirect_hop_waits_for_the_hosts_crawl_delay(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    # No configured delay: only the robots.txt Crawl-delay (0.5 s) spaces the requests.
    cfg = await fresh_settings(tmp_path, host_delay_s=0.0)
    async with running_worker(cfg):
        await send(
            cfg, CrawlRequest(url=site.url("/redirect/3")), CrawlRequest(url=site.url("/article/1"))
        )
        got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 2))
    assert {p.final_url for p in got} == {site.url("/article/redirected"), site.url("/article/1")}
    # robots.txt, then 3 same-host redirect hops, their target and the other article.
    after_robots = site.requests[1:]
    assert sorted(r.path for r in after_robots) == sorted(
        ["/redirect/3", "/redirect/2", "/redirect/1", "/article/redirected", "/article/1"]
    )
    # Without pacing per hop, the redirects of the chain arrive within milliseconds of each
    # other. (The margins for a loaded machine are explained in assert_spaced.)
    assert_spaced([r.at for r in after_robots], 0.5)


async def test_a_never_answering_url_is_tried_twice_and_then_cools_down_across_a_restart(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    cfg = await fresh_settings(tmp_path, fetch_timeout_s=0.5, max_retries=3, host_delay_s=0.0)
    never = site.url("/never")
    async with running_worker(cfg):
        await send(
            cfg, linked_from(site, "/never", "/list"), CrawlRequest(url=site.url("/article/1"))
        )
        letters = dead_letters(await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= 1))
        await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 1)
        # A second list page links it while it cools down: not fetched again.
        await send(
            cfg, linked_from(site, "/never", "/list2"), CrawlRequest(url=site.url("/article/2"))
        )
        await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 2)
    # ... nor by a new worker (the cool-down is in the durable URL state).
    async with running_worker(cfg):
        await send(
            cfg, linked_from(site, "/never", "/list3"), CrawlRequest(url=site.url("/article/3"))
        )
        await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 3)
        letters = dead_letters(
            await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= 1, idle=1.0)
        )
    # One attempt and one retry (not 1 + max_retries), one dead letter.
    assert len(site.hits("/never")) == 2
    assert [(d.url, d.reason) for d in letters] == [(never, "timeout")]
    assert "2 timeouts" in letters[0].error
    assert all(len(site.hits(f"/article/{i}")) == 1 for i in (1, 2, 3))


async def test_one_dead_letter_per_url_and_reason_and_a_warning_for_each_kind(
    settings: Settings, tmp_path: Path, site: LocalSite, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = await fresh_settings(tmp_path, fetch_timeout_s=0.5, max_retries=1, host_delay_s=0.0)
    quiet = await LocalSite().start()  # a host with nothing but broken pages
    trap = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.2", 0)
    trap_port = trap.sockets[0].getsockname()[1]
    broken = {
        "robots_denied": "/private/secret",
        "address_refused": f"/redirect-to?url=http://127.0.0.2:{trap_port}/article/1",
        "redirect_loop": "/loop/a",
        "http_500": "/always500",
        "timeout": "/never",
    }
    caplog.set_level(logging.WARNING, logger="newswire.fetcher")
    try:
        async with running_worker(cfg, failure_log_burst=10, failure_log_window_s=1.0) as worker:
            # Two list pages link every broken URL.
            await send(cfg, *(linked_from(site, path, "/list") for path in broken.values()))
            await send(cfg, *(linked_from(quiet, f"/gone/{i}", "/list") for i in range(25)))
            await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= len(broken) + 25)
            await send(cfg, *(linked_from(site, path, "/list2") for path in broken.values()))
            await send(cfg, CrawlRequest(url=site.url("/article/last")))
            await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 1)
            letters = dead_letters(await read_all(cfg, Topic.DEAD_LETTERS, idle=1.0))
            await asyncio.sleep(1.0)  # the pacing window is over
            worker.pipeline.failures.report_suppressed()
    finally:
        await quiet.stop()
        trap.close()
        await trap.wait_closed()
    mine = [d for d in letters if d.url and d.url.startswith(site.base)]
    assert sorted((d.url, d.reason) for d in mine) == sorted(
        (site.url(path), reason) for reason, path in broken.items()
    )
    # Each failure kind was logged as a warning with the fields an operator needs.
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    failed_lines = [r for r in warnings if r.getMessage() == "fetch failed, dead-lettered"]
    failed = {r.reason: r for r in failed_lines if r.host == host_of(site.base)}
    for reason, path in broken.items():
        record = failed[reason]
        assert record.url_id == url_id(site.url(path))
        assert record.host == host_of(site.base)
        assert isinstance(record.attempt, int)
    assert failed["address_refused"].next_retry_at is None  # permanent
    assert failed["timeout"].next_retry_at is not None and failed["timeout"].attempt == 2
    assert failed["robots_denied"].attempt == 0  # never sent
    retried = {r.reason for r in warnings if r.getMessage() == "fetch failed, will retry"}
    assert retried >= {"http_500", "timeout"}
    assert all(r.next_retry_at for r in warnings if r.getMessage() == "fetch failed, will retry")
    # The host with 25 broken pages logged the first 10 of each window one by one and summed
    # up the rest; every failure is accounted for.
    quiet_host = host_of(quiet.base)
    one_by_one = [r for r in failed_lines if r.host == quiet_host]
    summaries = [r for r in warnings if hasattr(r, "suppressed") and r.host == quiet_host]
    assert summaries and len(one_by_one) < 25
    assert len(one_by_one) + sum(sum(r.suppressed.values()) for r in summaries) == 25


async def test_a_host_that_keeps_timing_out_pauses_as_a_whole(
    settings: Settings, tmp_path: Path
) -> None:
    cfg = await fresh_settings(
        tmp_path, fetch_timeout_s=0.5, host_delay_s=0.0, host_timeout_backoff_s=1.0
    )
    site = await LocalSite().start()
    try:
        async with running_worker(cfg):
            await send(cfg, *(CrawlRequest(url=site.url(f"/never?n={i}")) for i in range(3)))
            await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= 3, timeout=60)
    finally:
        await site.stop()
    nevers = [r.at for r in site.requests if r.path == "/never"]
    assert len(nevers) == 6  # three URLs, one retry each
    # Each request times out 0.5 s after it arrives. From the third timeout in a row on, the
    # host pauses 1 s, then 2 s, then 4 s before its next request.
    gaps = [b - a for a, b in itertools.pairwise(nevers)]
    for gap, pause in zip(gaps[2:], (1.0, 2.0, 4.0), strict=True):
        assert gap >= 0.5 + pause - 0.3, gaps  # margin: an arrival lagging on a loaded box


async def test_a_replayed_dead_letter_is_fetched_during_its_cool_down(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    from newswire.admin.deadletters import REPLAY_HEADER
    from newswire.broker import make_producer
    from newswire.topics import topic_name

    cfg = await fresh_settings(tmp_path, host_delay_s=0.0)
    request = CrawlRequest(url=site.url("/private/secret"))  # robots_denied, no request sent
    async with running_worker(cfg):
        await send(cfg, request)
        await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= 1)
        await send(cfg, request)  # linked again: cooling down
        producer = make_producer(cfg)
        await producer.start()
        try:
            await producer.send_and_wait(
                topic_name(Topic.CRAWL_REQUESTS, cfg),
                request.to_bytes(),
                key=host_of(site.base).encode(),
                headers=[(REPLAY_HEADER, b"deadletters:0:0")],
            )
        finally:
            await producer.stop()
        letters = dead_letters(
            await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= 2, idle=1.0)
        )
    # The replay was planned and checked again (robots.txt still says no); the plain
    # duplicate was not.
    assert [d.reason for d in letters] == ["robots_denied", "robots_denied"]
