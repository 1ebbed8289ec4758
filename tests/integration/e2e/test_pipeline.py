"""End to end: the demo site through fetcher -> parser -> indexer, found in the real index.

All three services run as separate processes (`newswire fetcher|parser|indexer`), exactly as
`deploy/local/run.sh` starts them, against the real Kafka broker and OpenSearch node.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest

from newswire.search import SearchError, connect
from newswire.settings import Settings
from tests.support import ServiceProcess, demo_site_running, free_port

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def demo_site(tmp_path: Path) -> tuple[int, Path]:
    """The demo site on a free loopback port, and a copy of seeds/demo.yaml pointing at it."""
    with demo_site_running(tmp_path) as running:
        yield running


async def test_seed_article_is_searchable_with_every_field(
    settings: Settings, demo_site: tuple[int, Path], tmp_path: Path
) -> None:
    _, seeds = demo_site
    settings = settings.model_copy(
        update={"seeds_file": seeds, "allow_private_networks": ["127.0.0.1"], "host_delay_s": 0.0}
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
    hit = None
    try:
        deadline = time.monotonic() + 240
        while hit is None and time.monotonic() < deadline:
            for service in services:
                assert service.process is not None and service.process.poll() is None, (
                    f"{service.command} exited:\n{service.log_tail()}"
                )
            if await client.exists(f"/{settings.index_alias}"):
                # The query docs/querying.md recommends; 马克龙 is only in the photo caption.
                query = {
                    "multi_match": {
                        "query": "马克龙",
                        "fields": ["title^2", "content"],
                        "operator": "and",
                    }
                }
                try:
                    result = await client.search(settings.index_alias, {"query": query, "size": 5})
                except SearchError as exc:
                    # A new index answers 503 ("all shards failed") until its primary shard
                    # has started, which a loaded machine can make take seconds.
                    if exc.status != 503:
                        raise
                    result = {"hits": {"hits": []}}
                hits = result["hits"]["hits"]
                hit = next(
                    (h["_source"] for h in hits if "30余国" in (h["_source"].get("title") or "")),
                    None,
                )
            if hit is None:
                await asyncio.sleep(1)
        assert hit is not None, "\n\n".join(
            f"--- {s.command[0]} ---\n{s.log_tail(25)}" for s in services
        )
        scraped = {name: await scrape(port) for name, port in ports.items()}
    finally:
        await client.close()
        for service in services:
            service.stop()

    assert hit["title"] == "法国组织召开军方首脑会议 30余国讨论向乌派兵"
    assert hit["published_at"] == "2025-03-12T00:50:00+08:00"
    assert hit["authors"] == ["马瑾瑾"]
    assert hit["editor"] == "王婷婷"
    assert "实时讯息" in hit["section"]

    # Each service's metrics endpoint counted the work it just did.
    assert sample(scraped["fetcher"], "newswire_fetcher_pages_total") >= 1
    assert sample(scraped["parser"], "newswire_parser_articles_total") >= 1
    assert sample(scraped["indexer"], "newswire_indexer_docs_indexed_total") >= 1
    for text in scraped.values():
        assert "newswire_build_info" in text

    # One page can be followed through the three services' logs: the indexer names the
    # article id, the parser's line ties it to the page's URL id, the fetcher names that.
    assert hit["id"] in (logs / "indexer.log").read_text()
    parsed = [
        json.loads(line)
        for line in (logs / "parser.log").read_text().splitlines()
        if hit["id"] in line and line.startswith("{")
    ]
    assert parsed and parsed[0]["event"] == "page parsed"
    assert parsed[0]["url_id"] in (logs / "fetcher.log").read_text()


async def scrape(port: int) -> str:
    async with httpx.AsyncClient() as client:
        health = await client.get(f"http://127.0.0.1:{port}/health")
        assert health.status_code == 200, health.text
        return (await client.get(f"http://127.0.0.1:{port}/metrics")).text


def sample(metrics_text: str, name: str) -> float:
    """Sum of every series of ``name`` in a Prometheus text exposition."""
    total = 0.0
    for line in metrics_text.splitlines():
        if line.startswith(name) and line[len(name)] in " {":
            total += float(line.rsplit(" ", 1)[1])
    return total
