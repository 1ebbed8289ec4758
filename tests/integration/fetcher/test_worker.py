"""The fetcher worker end to end: real HTTP servers on 127.0.0.1 and the real Kafka broker."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from newswire.records import CrawlRequest
from newswire.settings import Settings
from newswire.topics import Topic
from newswire.urls import url_id
from tests.integration.fetcher.kafka_io import (
    committed_offsets,
    dead_letters,
    decode_all,
    fresh_settings,
    pages,
    read_all,
    running_worker,
    send,
    site_registry,
)
from tests.integration.fetcher.local_site import GBK_PAGE, LocalSite, article_html, assert_spaced

pytestmark = pytest.mark.integration


@pytest.fixture
async def site() -> AsyncIterator[LocalSite]:
    site = await LocalSite().start()
    yield site
    await site.stop()


def request(site: LocalSite, path: str, kind: str = "page", **kw: object) -> CrawlRequest:
    return CrawlRequest(url=site.url(path), kind=kind, **kw)  # type: ignore[arg-type]


async def test_pages_reach_pages_raw_with_exact_bytes(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    cfg = await fresh_settings(tmp_path)
    tracked = site.url("/article/5?utm_source=wechat&utm_medium=share&b=2&a=1")
    requests = [
        request(site, "/article/1"),
        request(site, "/gbk"),
        request(site, "/gzip"),
        request(site, "/feed.xml", "feed"),
        request(site, "/sitemap.xml", "sitemap"),
        request(site, "/redirect/3"),
        CrawlRequest(url=tracked),
    ]
    async with running_worker(cfg):
        await send(cfg, *requests)
        records = await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= len(requests))
        # Every offset is committed once its page is acknowledged.
        for _ in range(50):
            if await committed_offsets(cfg) == len(requests):
                break
            await asyncio.sleep(0.1)
        assert await committed_offsets(cfg) == len(requests)
    by_path = {p.requested_url.removeprefix(site.base): p for p in pages(records)}
    assert len(by_path) == len(requests)
    assert by_path["/article/1"].body == article_html(1)
    assert by_path["/gbk"].body == GBK_PAGE
    assert "gbk" in (by_path["/gbk"].content_type or "").lower()
    assert by_path["/gzip"].body == article_html("gzip")
    assert by_path["/feed.xml"].kind == "feed" and b"<rss" in by_path["/feed.xml"].body
    assert by_path["/sitemap.xml"].kind == "sitemap"
    assert by_path["/redirect/3"].final_url == site.url("/article/redirected")
    assert by_path["/redirect/3"].body == article_html("redirected")
    # Tracking parameters are gone and the query is sorted, on the wire and in the record.
    clean = by_path["/article/5?a=1&b=2"]
    assert clean.url_id == url_id(tracked)
    assert [h.query for h in site.hits("/article/5")] == ["a=1&b=2"]
    # Keyed by url id; robots.txt asked for once.
    assert {r.key.decode() for r in records} == {p.url_id for p in pages(records)}
    assert len(site.hits("/robots.txt")) == 1


async def test_every_failure_leaves_a_dead_letter(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    cfg = await fresh_settings(tmp_path, fetch_timeout_s=0.5, max_retries=1)
    trap_hits = 0

    def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal trap_hits
        trap_hits += 1
        writer.close()

    trap = await asyncio.start_server(on_connect, "127.0.0.2", 0)
    trap_port = trap.sockets[0].getsockname()[1]
    cases = {
        "robots_denied": request(site, "/private/secret"),
        "http_404": request(site, "/nope"),
        "http_500": request(site, "/always500"),
        "redirect_loop": request(site, "/loop/a"),
        "too_many_redirects": request(site, "/redirect/6"),
        "address_refused": request(
            site, f"/redirect-to?url=http://127.0.0.2:{trap_port}/article/1"
        ),
        "timeout": request(site, "/slow?d=3"),
    }
    direct = CrawlRequest(url=f"http://127.0.0.2:{trap_port}/article/2")
    try:
        async with running_worker(cfg):
            await send(cfg, *cases.values(), direct)
            await send(cfg, b"\xff not json", key=b"poison")
            await send(cfg, request(site, "/article/after-poison"))
            letters = dead_letters(
                await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= len(cases) + 2)
            )
            after = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 1))
    finally:
        trap.close()
        await trap.wait_closed()
    reasons = {d.url.removeprefix(site.base) if d.url else None: d.reason for d in letters}
    for reason, req in cases.items():
        assert reasons[req.url.removeprefix(site.base)] == reason, reasons
    assert reasons[direct.url] == "address_refused"
    poison = [d for d in letters if d.origin_key == b"poison"]
    assert len(poison) == 1 and poison[0].payload == b"\xff not json"
    assert all(d.stage == "fetch" and d.origin_offset is not None for d in letters)
    # Records after the poison one are still processed.
    assert [p.requested_url for p in after] == [site.url("/article/after-poison")]
    # What must never be requested was not; transient failures were retried.
    assert site.hits("/private/secret") == []
    assert len(site.hits("/always500")) == 2  # 1 + max_retries
    assert len(site.hits("/slow")) == 2
    assert trap_hits == 0


async def test_spacing_between_requests_respects_delay_and_crawl_delay(
    settings: Settings, tmp_path: Path
) -> None:
    cfg = await fresh_settings(tmp_path, host_delay_s=0.25)
    plain = await LocalSite().start()
    slow = await LocalSite(crawl_delay=0.6).start()
    try:
        async with running_worker(cfg):
            await send(cfg, *(request(plain, f"/article/{i}") for i in range(5)))
            await send(cfg, *(request(slow, f"/article/{i}") for i in range(3)))
            await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 8)
    finally:
        await plain.stop()
        await slow.stop()
    assert plain.paths()[0] == "/robots.txt" and len(plain.requests) == 6
    assert slow.paths()[0] == "/robots.txt" and len(slow.requests) == 4
    # robots.txt itself is fetched at the configured spacing (its Crawl-delay is not known
    # yet); the pages after it at the larger Crawl-delay.
    for times, delay in (
        ([r.at for r in plain.requests], 0.25),
        ([r.at for r in slow.requests[:2]], 0.25),
        ([r.at for r in slow.requests[1:]], 0.6),
    ):
        assert_spaced(times, delay)
    # The two hosts were crawled side by side, not one after the other.
    assert slow.requests[0].at < plain.requests[-1].at


async def test_a_redirect_to_another_host_obeys_that_hosts_robots_and_pacing(
    settings: Settings, tmp_path: Path
) -> None:
    cfg = await fresh_settings(tmp_path, host_delay_s=0.1)
    first = await LocalSite().start()
    target = await LocalSite(crawl_delay=0.6).start()  # its robots.txt disallows /private/
    try:
        async with running_worker(cfg):
            await send(
                cfg,
                request(first, f"/redirect-to?url={target.url('/private/secret')}"),
                request(first, f"/redirect-to?url={target.url('/article/1')}"),
                request(target, "/article/2"),
                request(target, "/article/3"),
            )
            letters = dead_letters(await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= 1))
            got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 3))
    finally:
        await first.stop()
        await target.stop()
    [denied] = letters
    assert denied.reason == "robots_denied"
    assert "redirect" in denied.error
    assert target.hits("/private/secret") == []
    assert {p.final_url for p in got} == {target.url(f"/article/{i}") for i in (1, 2, 3)}
    # The target's robots.txt was read once, and every request after it, whether it came
    # by redirect or directly, kept the target's Crawl-delay.
    assert target.paths()[0] == "/robots.txt" and len(target.hits("/robots.txt")) == 1
    times = [r.at for r in target.requests[1:]]
    assert len(times) == 3
    assert_spaced(times, 0.6)


async def test_429_retry_after_and_500_retries(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    cfg = await fresh_settings(tmp_path, max_retries=3)
    site.retry_after = "1"
    async with running_worker(cfg):
        await send(cfg, request(site, "/ratelimited"), request(site, "/flaky"))
        got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 2))
    assert {p.body for p in got} == {article_html("ratelimited"), article_html("flaky")}
    limited = site.hits("/ratelimited")
    assert len(limited) == 2
    assert limited[1].at - limited[0].at >= 0.99
    # The whole host waited, not just the URL: nothing was sent to it during the pause.
    pause = (limited[0].at, limited[0].at + 0.99)
    assert [r.path for r in site.requests if pause[0] < r.at < pause[1]] == []
    assert len(site.hits("/flaky")) == 3  # two 500s, then success


async def test_list_refetch_is_conditional_and_304_produces_nothing(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    cfg = await fresh_settings(tmp_path)
    sites = site_registry("local", site.base, revisit=0)
    list_request = request(site, "/list", "list")
    async with running_worker(cfg, sites):
        await send(cfg, list_request)
        await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 1)
        await send(cfg, list_request)
        for _ in range(100):
            if len(site.hits("/list")) >= 2:
                break
            await asyncio.sleep(0.05)
        site.list_etag = '"list-v2"'
        await send(cfg, list_request)
        got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 2, idle=1.0))
    # (robots.txt's Sitemap: line brings the sitemap in too; only the list page matters here)
    got = [p for p in got if p.kind == "list"]
    hits = site.hits("/list")
    assert len(hits) == 3
    assert "If-None-Match" not in hits[0].headers
    assert hits[1].headers["If-None-Match"] == '"list-v1"'
    assert hits[1].headers["If-Modified-Since"] == site.list_last_modified
    assert hits[2].headers["If-None-Match"] == '"list-v1"'  # still the last 200's ETag
    # First fetch and the changed version: two pages; the 304 produced nothing.
    assert len(got) == 2
    assert all(p.site == "local" and p.kind == "list" for p in got)


async def test_each_url_fetched_once_across_restart(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    cfg = await fresh_settings(tmp_path)
    first = [request(site, f"/article/{i}") for i in range(8)]
    async with running_worker(cfg):
        await send(cfg, *first)
        await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 8)
    # A new worker (new process state): it restores URL state from Kafka.
    again = [*first, request(site, "/article/100"), request(site, "/article/101")]
    async with running_worker(cfg):
        await send(cfg, *again)
        got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 10, idle=1.5))
    assert len(got) == 10
    for i in [*range(8), 100, 101]:
        assert len(site.hits(f"/article/{i}")) == 1, i
    # Forced requests are fetched again.
    async with running_worker(cfg):
        await send(cfg, request(site, "/article/0", force=True))
        got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 11))
    assert len(site.hits("/article/0")) == 2


async def test_endless_body_stops_at_cap_and_oversized_page_is_dead_lettered(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    cfg = await fresh_settings(tmp_path, max_body_bytes=1024 * 1024)
    async with running_worker(cfg):
        await send(cfg, request(site, "/endless"))
        (page,) = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 1))
    assert page.truncated and len(page.body) == 1024 * 1024
    sent = site.endless_bytes_sent
    await asyncio.sleep(0.3)
    assert site.endless_bytes_sent == sent  # the server is no longer sending

    # 13 MB of random bytes is within a raised body cap but too large for the topic once
    # base64-encoded (compressing the body gains nothing on random bytes).
    big = await fresh_settings(tmp_path, max_body_bytes=20 * 1024 * 1024)
    async with running_worker(big):
        await send(big, request(site, f"/big?bytes={13 * 1024 * 1024}"))
        (letter,) = dead_letters(await read_all(big, Topic.DEAD_LETTERS, lambda r: len(r) >= 1))
    assert letter.reason == "too_large"
    assert letter.url == site.url(f"/big?bytes={13 * 1024 * 1024}")


async def test_robots_sitemaps_and_seed_revisits_become_crawl_requests(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    cfg = await fresh_settings(tmp_path)
    # A fixed interval: adaptive re-visits would space them by the list's learned rate.
    sites = site_registry(
        "local", site.base, start_urls=[site.url("/list")], revisit=1, adaptive_revisit=False
    )
    async with running_worker(cfg, sites, schedule_interval_s=0.2):
        requests = decode_all(
            await read_all(
                cfg,
                Topic.CRAWL_REQUESTS,
                lambda r: (
                    sum(CrawlRequest.from_bytes(x.value).kind == "list" for x in r) >= 2
                    and any(CrawlRequest.from_bytes(x.value).kind == "sitemap" for x in r)
                ),
                timeout=20,
            ),
            CrawlRequest,
        )
        got = pages(
            await read_all(
                cfg, Topic.PAGES_RAW, lambda r: any(p.kind == "sitemap" for p in pages(r))
            )
        )
        for _ in range(60):
            if len(site.hits("/list")) >= 2:
                break
            await asyncio.sleep(0.1)
    sitemap_requests = [r for r in requests if r.kind == "sitemap"]
    assert sitemap_requests[0].url == site.url("/sitemap.xml")
    assert sitemap_requests[0].site == "local"
    assert any(r.source == "schedule" and r.url == site.url("/list") for r in requests)
    assert any(p.kind == "sitemap" and p.requested_url == site.url("/sitemap.xml") for p in got)
    # The scheduled re-visit of the list page was conditional.
    assert site.hits("/list")[1].headers.get("If-None-Match") == '"list-v1"'


async def test_sigkill_mid_crawl_loses_nothing(
    settings: Settings, tmp_path: Path, site: LocalSite
) -> None:
    """At-least-once across a crash: a worker process killed with SIGKILL mid-crawl, then a
    new one started; every requested URL reaches pages.raw."""
    import os
    import signal
    import sys

    from tests.support import settings_env

    cfg = await fresh_settings(tmp_path, host_delay_s=0.3)
    seeds = tmp_path / "sites.yaml"
    seeds.write_text(f'sites:\n  - name: local\n    hosts: ["{site.base[7:]}"]\n')
    env = {**settings_env(cfg), "NEWSWIRE_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "newswire", "fetcher", "--seeds", str(seeds), "--no-schedule"]
    urls = [site.url(f"/article/{i}") for i in range(12)]
    await send(cfg, *(CrawlRequest(url=u) for u in urls))

    first = await asyncio.create_subprocess_exec(*command, env=env)
    try:
        await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 4, timeout=60)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        await first.wait()
    fetched_before = len(site.requests)
    assert fetched_before < 1 + len(urls)  # killed mid-crawl

    second = await asyncio.create_subprocess_exec(*command, env=env)
    try:
        records = await read_all(
            cfg,
            Topic.PAGES_RAW,
            lambda r: {p.url_id for p in pages(r)} >= {url_id(u) for u in urls},
            timeout=60,
        )
    finally:
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 30) == 0
    got = pages(records)
    assert {p.url_id for p in got} == {url_id(u) for u in urls}
    # Only what was in flight at the kill is fetched twice.
    for u in urls:
        assert len(site.hits(u.removeprefix(site.base))) <= 2
    assert len(got) <= len(urls) + 2
