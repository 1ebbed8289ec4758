"""More faults of a hostile site, on 127.0.0.1 and the real broker (issue 13, continued).

Each is a class of server behaviour that used to break a promise of the fetcher:

* a ``Location`` header that is no usable URL (a port past 65535, a broken IPv6 literal):
  an "internal error" with a traceback, or a protocol error retried as a network fault;
* a Content-Encoding we never offered (``br``) or layers of gzip: the compressed bytes
  published as the page;
* a robots.txt answering 5xx: every URL linked meanwhile dead-lettered as ``robots_denied``
  and kept away for the whole cool-down (a day), although the site denied nothing;
* a host refusing every connection: asked again and again, never paused;
* a spider trap: every new URL a site's pages link fetched, within the crawl depth;
* a sitemap with one entry that is no URL, a list page whose ``<base href>`` is none: an
  "internal error" for a page that was fetched, its URL state never written;
* a site setting 1,000 new cookies with every response: a jar without end, every request
  carrying all of them back (until the site refuses the header).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path

import pytest

from newswire.records import CrawlRequest
from newswire.settings import Settings
from newswire.sites import parse_sites
from newswire.topics import Topic
from newswire.urls import host_of, normalize_url, url_id
from tests.integration.fetcher.kafka_io import (
    dead_letters,
    fresh_settings,
    pages,
    read_all,
    running_worker,
    send,
)
from tests.integration.fetcher.local_site import LocalSite, cookies_sent

pytestmark = pytest.mark.integration


def failed_lines(caplog: pytest.LogCaptureFixture) -> dict[str, logging.LogRecord]:
    """The fetcher's "dead-lettered" warnings, by url_id."""
    return {
        r.url_id: r
        for r in caplog.records
        if r.levelno == logging.WARNING and r.getMessage() == "fetch failed, dead-lettered"
    }


async def test_unusable_location_headers_and_encodings_are_permanent_dead_letters(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = await fresh_settings(tmp_path, host_delay_s=0.0, max_retries=2)
    site = await LocalSite().start()
    broken = {
        normalize_url(site.url(path)): reason
        for path, reason in [
            ("/bad-location?to=http://127.0.0.1:99999/x", "bad_redirect"),
            ("/bad-location?to=http://[::1/x", "bad_redirect"),
            ("/bad-location?to=ftp://127.0.0.1/x", "scheme_refused"),
            ("/encoded?as=br", "unsupported_encoding"),
            ("/encoded?as=gzip,gzip", "unsupported_encoding"),
        ]
    }
    caplog.set_level(logging.WARNING, logger="newswire.fetcher")
    try:
        async with running_worker(cfg):
            await send(cfg, *(CrawlRequest(url=url) for url in broken))
            await send(cfg, CrawlRequest(url=site.url("/encoded?as=gzip")))
            got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 1))
            letters = dead_letters(
                await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= len(broken), idle=1)
            )
    finally:
        await site.stop()
    # The one page that can be read is read; none of the others is published as a page.
    assert [p.final_url for p in got] == [normalize_url(site.url("/encoded?as=gzip"))]
    assert b"Article encoded" in got[0].body
    assert sorted((d.url, d.reason) for d in letters) == sorted(broken.items())
    # The site answered each once: what it said will not change, so nothing is retried.
    queries = [r.query for r in site.requests if r.path in ("/bad-location", "/encoded")]
    assert len(queries) == len(broken) + 1, queries
    # And each is one warning naming the reason, not a traceback.
    lines = failed_lines(caplog)
    for url, reason in broken.items():
        assert lines[url_id(url)].reason == reason
    # (aiokafka's own errors on a loaded shared broker are not the fetcher's.)
    assert not [
        r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("newswire")
    ]


async def test_a_robots_txt_that_fails_turns_urls_away_only_until_it_is_asked_again(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The cool-down is a day; robots.txt errors are trusted for robots_error_ttl_s (5 s here).
    cfg = await fresh_settings(tmp_path, host_delay_s=0.0)
    site = await LocalSite(robots_status=503).start()
    article = site.url("/article/1")
    caplog.set_level(logging.WARNING, logger="newswire.fetcher")
    try:
        async with running_worker(cfg, robots_error_ttl_s=2.0):
            await send(cfg, CrawlRequest(url=article, source="outlink"))
            first = dead_letters(await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= 1))
            assert [(d.url, d.reason) for d in first] == [(article, "robots_unavailable")]
            assert "robots.txt could not be read (status_503)" in first[0].error
            line = failed_lines(caplog)[url_id(article)]
            assert line.next_retry_at is not None
            # The site is back; a list page links the article again once robots.txt may be
            # asked again (before, the dead letter kept it away for the whole cool-down).
            site.robots_status = 200
            await asyncio.sleep(2.5)  # the time robots.txt errors are trusted
            await send(cfg, CrawlRequest(url=article, source="outlink"))
            got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 1))
    finally:
        await site.stop()
    assert [p.final_url for p in got] == [article]
    assert len(site.hits("/robots.txt")) == 2
    assert len(site.hits("/article/1")) == 1


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed): connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_host_refusing_every_connection_pauses_as_a_whole(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = await fresh_settings(
        tmp_path,
        host_delay_s=0.0,
        max_retries=1,
        obey_robots=False,
        host_timeout_backoff_s=0.5,
    )
    base = f"http://127.0.0.1:{closed_port()}"
    caplog.set_level(logging.WARNING, logger="newswire.fetcher")
    async with running_worker(cfg):
        await send(cfg, *(CrawlRequest(url=f"{base}/story/{i}") for i in range(4)))
        letters = dead_letters(await read_all(cfg, Topic.DEAD_LETTERS, lambda r: len(r) >= 4))
    assert sorted(d.reason for d in letters) == ["connect_error"] * 4
    paused = [
        r
        for r in caplog.records
        if r.getMessage() == "host keeps timing out, paused" and r.host == host_of(base)
    ]
    # From the third refusal in a row the host pauses, longer with each further one.
    assert paused and all(r.reason == "connect_error" for r in paused)
    assert [r.timeouts_in_a_row for r in paused] == list(range(3, 3 + len(paused)))


async def test_new_outlinked_urls_of_a_site_are_fetched_up_to_its_hourly_budget(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A spider trap: every page links new URLs (a calendar's next days, a new subdomain per
    # link), as the parser sends them; here over the two hosts of one site. Feed entries of
    # the site are its own index and not counted.
    cfg = await fresh_settings(tmp_path, host_delay_s=0.0, new_urls_per_site_per_hour=3)
    www, m = await LocalSite().start(), await LocalSite().start()
    sites = parse_sites(
        f"sites:\n  - name: trap\n    hosts: [{host_of(www.base)!r}, {host_of(m.base)!r}]\n"
    )
    trap = [s.url(f"/article/day-{n}") for n in range(4) for s in (www, m)]
    feed = [www.url(f"/article/feed-{n}") for n in range(2)]
    caplog.set_level(logging.WARNING, logger="newswire.fetcher")
    try:
        async with running_worker(cfg, sites):
            await send(cfg, *(CrawlRequest(url=url, source="outlink") for url in trap))
            await send(cfg, *(CrawlRequest(url=url, source="feed") for url in feed))
            wanted = set(trap) | set(feed)
            got = pages(
                await read_all(
                    cfg,
                    Topic.PAGES_RAW,
                    lambda r: len({p.final_url for p in pages(r)} & wanted) >= 3 + 2,
                    idle=1.0,
                )
            )
    finally:
        await www.stop()
        await m.stop()
    fetched = {p.final_url for p in got}
    assert len(fetched & set(trap)) == 3
    assert set(feed) <= fetched
    # (Besides robots.txt and the sitemap it names, with its entries.)
    asked = [r.path for s in (www, m) for r in s.requests if r.path.startswith("/article/")]
    assert len([p for p in asked if "day-" in p or "feed-" in p]) == 3 + 2, asked
    skipped = [
        r
        for r in caplog.records
        if r.getMessage() == "new URL over its site's hourly budget, skipped"
    ]
    assert skipped and all(r.reason == "over_new_url_budget" and r.next_retry_at for r in skipped)
    assert {r.url_id for r in skipped} <= {url_id(url) for url in trap}


async def test_a_listing_with_a_broken_url_in_it_is_fetched_and_remembered(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cfg = await fresh_settings(tmp_path, host_delay_s=0.0)
    site = await LocalSite().start()
    sitemap = CrawlRequest(url=site.url("/sitemap-bad-entry.xml"), kind="sitemap")
    listing = CrawlRequest(url=site.url("/list-bad-base"), kind="list")
    caplog.set_level(logging.WARNING)
    try:
        async with running_worker(cfg):
            await send(cfg, sitemap, listing)
            got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 2))
            # Asked again at once: remembered as fetched and not due, so not fetched again.
            await send(cfg, sitemap, listing)
            letters = await read_all(cfg, Topic.DEAD_LETTERS, timeout=3.0)
    finally:
        await site.stop()
    assert {p.final_url for p in got} == {sitemap.url, listing.url}
    assert letters == []
    assert len(site.hits("/sitemap-bad-entry.xml")) == len(site.hits("/list-bad-base")) == 1
    assert not [
        r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("newswire")
    ]


async def test_a_list_whose_reading_fails_is_still_remembered(
    settings: Settings,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Whatever a list's bytes do to the code reading its links next (here it raises), the
    # published page's URL state is written: no internal_error, no refetch on every link.
    def unreadable(*args: object) -> None:
        raise RuntimeError("a list nobody has seen yet")

    monkeypatch.setattr("newswire.fetcher.pipeline.read_listing", unreadable)
    cfg = await fresh_settings(tmp_path, host_delay_s=0.0)
    site = await LocalSite().start()
    listing = CrawlRequest(url=site.url("/list"), kind="list")
    caplog.set_level(logging.WARNING)
    try:
        async with running_worker(cfg):
            await send(cfg, listing)
            got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 1))
            await send(cfg, listing)  # not due: remembered
            letters = await read_all(cfg, Topic.DEAD_LETTERS, timeout=3.0)
    finally:
        await site.stop()
    assert [p.final_url for p in got] == [listing.url]
    assert letters == [] and len(site.hits("/list")) == 1
    errors = [
        r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("newswire")
    ]
    assert [r.getMessage() for r in errors] == [
        "reading a fetched list failed; its links are not learned this visit"
    ]


async def test_a_site_flooding_cookies_gets_back_its_session_and_at_most_50(
    settings: Settings, tmp_path: Path
) -> None:
    cfg = await fresh_settings(tmp_path, host_delay_s=0.0)
    site = await LocalSite().start()
    urls = [site.url(f"/cookie-storm?n={n}") for n in range(6)]
    try:
        async with running_worker(cfg):
            await send(cfg, *(CrawlRequest(url=url) for url in urls))
            got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= len(urls)))
    finally:
        await site.stop()
    assert {p.final_url for p in got} == set(urls)
    sent = [cookies_sent(r) for r in site.hits("/cookie-storm")]
    assert len(sent) == len(urls) and sent[0] == []
    assert all("session" in names and len(names) <= 50 for names in sent[1:]), sent


async def test_a_robots_txt_in_an_encoding_we_cannot_read_does_not_keep_the_site_away(
    settings: Settings, tmp_path: Path
) -> None:
    # The site answered 200, in bytes we cannot decode: no rules we can see, not a site
    # that cannot be reached (which would turn every URL away, again and again).
    cfg = await fresh_settings(tmp_path, host_delay_s=0.0)
    site = await LocalSite(robots_encoding="br").start()
    try:
        async with running_worker(cfg):
            await send(cfg, CrawlRequest(url=site.url("/article/1")))
            got = pages(await read_all(cfg, Topic.PAGES_RAW, lambda r: len(r) >= 1))
            letters = await read_all(cfg, Topic.DEAD_LETTERS, timeout=1.0)
    finally:
        await site.stop()
    assert [p.final_url for p in got] == [site.url("/article/1")]
    assert letters == []
