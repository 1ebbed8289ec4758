"""Freshness end to end: fetcher, parser and indexer as processes, a live loopback news site.

A story published while the pipeline runs is found through the feed the start page
advertises, becomes searchable, and its discovery delay and publish-to-searchable are
exported by the indexer and shown by ``newswire status --sites``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from newswire.admin.status import StatusCollector
from newswire.search import connect
from newswire.settings import Settings
from tests.integration.freshness.news_site import NewsSite
from tests.support import ServiceProcess, free_port

pytestmark = pytest.mark.integration


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    site = await NewsSite().start()
    yield site
    await site.stop()


async def scrape(port: int) -> str:
    async with httpx.AsyncClient() as client:
        return (await client.get(f"http://127.0.0.1:{port}/metrics")).text


def sample(text: str, name: str, site: str) -> float:
    prefix = f'{name}{{site="{site}"}} '
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(prefix))


async def test_published_story_is_found_indexed_and_measured(
    settings: Settings, tmp_path: Path, site: NewsSite
) -> None:
    for i in range(3):
        site.publish(f"early-{i}", datetime.now(UTC) - timedelta(minutes=30 - i))
    seeds = tmp_path / "sites.yaml"
    seeds.write_text(
        "sites:\n"
        "  - name: news\n"
        f"    hosts: ['127.0.0.1:{site.port}']\n"
        f"    start_urls: ['{site.url('/')}']\n"
        "    article_patterns: ['/a/[^/]+\\.html$']\n"
        "    revisit: 2s\n"
        "    revisit_min: 1s\n"
        "    robots_sitemaps: false\n"
    )
    settings = settings.model_copy(
        update={"seeds_file": seeds, "host_delay_s": 0.0, "extract_workers": 1}
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    ports = {name: free_port() for name in ("indexer", "parser", "fetcher")}
    services = [
        ServiceProcess(
            settings.model_copy(update={"metrics_port": port}), name, log_path=logs / f"{name}.log"
        ).start()
        for name, port in ports.items()
    ]
    client = await connect(settings)
    try:
        deadline = time.monotonic() + 240
        while not site.hits("/rss.xml"):  # the feed advertised by the start page is found
            assert time.monotonic() < deadline, "\n".join(s.log_tail(20) for s in services)
            await asyncio.sleep(0.5)
        published = site.publish("breaking")
        hit = None
        while hit is None:
            for service in services:
                assert service.process is not None and service.process.poll() is None, (
                    f"{service.command} exited:\n{service.log_tail()}"
                )
            assert time.monotonic() < deadline, "\n".join(s.log_tail(20) for s in services)
            if await client.exists(f"/{settings.index_alias}"):
                result = await client.search(
                    settings.index_alias, {"query": {"term": {"url": site.url("/a/breaking.html")}}}
                )
                hits = result["hits"]["hits"]
                hit = hits[0]["_source"] if hits else None
            if hit is None:
                await asyncio.sleep(0.5)
        indexer_metrics = ""
        while sample(indexer_metrics, "newswire_indexer_discovery_delay_seconds_count", "news") < 1:
            assert time.monotonic() < deadline, "no freshness metrics"
            indexer_metrics = await scrape(ports["indexer"])
            await asyncio.sleep(0.5)
        async with StatusCollector(settings) as collector:
            status = await collector.collect()
    finally:
        await client.close()
        for service in services:
            service.stop()

    assert hit["published_at"].startswith(published.published_at.isoformat()[:19])
    count = sample(indexer_metrics, "newswire_indexer_publish_to_searchable_seconds_count", "news")
    assert count >= 1
    # Every story here was published within the last half hour: none over an hour old.
    total = sample(indexer_metrics, "newswire_indexer_discovery_delay_seconds_sum", "news")
    assert 0 <= total / count < 3600
    (news,) = [f for f in status.freshness if f.site == "news"]
    assert news.articles >= 1
    assert 0 <= news.discovery_p50_s <= news.discovery_p95_s < 3600
    assert news.searchable_p95_s >= news.discovery_p95_s
