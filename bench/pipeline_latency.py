"""Fetch-to-searchable latency through the whole pipeline at a steady rate.

    .venv/bin/python bench/pipeline_latency.py [--rate 10] [--seconds 60] [--hosts 10]

A local news site (article pages with unique text, on ``--hosts`` ports of 127.0.0.1) is
crawled by the real services — ``newswire fetcher``, ``parser`` and ``indexer`` as separate
processes, through the real Kafka broker into the real OpenSearch node. The benchmark sends
``--rate`` crawl requests per second for ``--seconds`` seconds and polls the index alias every
100 ms for the documents it is waiting for. Per article it reports

* fetch -> searchable: from the fetcher's ``fetched_at`` (stored in the document) until the
  document is first returned by a search of the alias — what a reader of the index waits;
* request -> searchable: from sending the crawl request (includes the politeness queue).

The peer for comparison is the engine's own floor: the index refresh interval (1 s), the time
every write needs before any search can see it. Results go to the "Pipeline" section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import _report
from newswire import broker
from newswire.records import CrawlRequest
from newswire.search import connect
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from newswire.urls import host_of, url_id

ROOT = Path(__file__).resolve().parents[1]

PARAGRAPH = (
    "当地时间3月11日下午,由法国发起的30多个国家的军方首脑会议在法国首都巴黎召开。会议聚焦讨论"
    "一旦乌克兰与俄罗斯达成停火协议,各国愿为乌克兰的安全保障做出贡献。编号{n}的报道第{p}段。"
)


def article_html(n: int) -> bytes:
    paragraphs = "".join(f"<p>{PARAGRAPH.format(n=n, p=p)}</p>" for p in range(6))
    return (
        "<html><head><meta charset='utf-8'><title>测试新闻{n} - 演示网</title></head><body>"
        "<div class='nav'><a href='/'>首页</a></div>"
        f"<h1>测试新闻第{n}篇:军方首脑会议</h1><div class='info'>发布时间:2025-03-12 00:50:00</div>"
        f"<div class='content'>{paragraphs}<p>(总台记者 马瑾瑾)</p></div>"
        "<div class='editor'>责任编辑:王婷婷</div></body></html>"
    ).encode()


def serve(hosts: int) -> None:
    """Server mode: article pages on ``hosts`` ports; prints the ports as JSON."""
    from aiohttp import web

    async def article(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        return web.Response(body=article_html(n), content_type="text/html", charset="utf-8")

    async def robots(_: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nAllow: /\n")

    async def main() -> None:
        app = web.Application()
        app.add_routes([web.get(r"/a/{n:\d+}.html", article), web.get("/robots.txt", robots)])
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        ports = []
        for _ in range(hosts):
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            ports.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        print(json.dumps(ports), flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


def sites_yaml(ports: list[int]) -> str:
    hosts = ", ".join(f'"127.0.0.1:{p}"' for p in ports)
    return f"""
sites:
  - name: latency-bench
    hosts: [{hosts}]
    lang: zh
    article_patterns: ['/a/\\d+\\.html$']
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def run(args: argparse.Namespace, ports: list[int], workdir: Path) -> dict[str, object]:
    seeds = workdir / "sites.yaml"
    seeds.write_text(sites_yaml(ports))
    tag = uuid.uuid4().hex[:8]
    settings = Settings(
        topic_prefix=f"bench-{tag}.",
        index_alias=f"bench-{tag}-articles",
        partitions=2,
        seeds_file=seeds,
        allow_private_networks=["127.0.0.1"],
        host_delay_s=0.0,
        data_dir=workdir / "data",
        bulk_max_wait_s=0.2,
        log_level="WARNING",
    )
    await broker.create_topics(settings)
    env = {**os.environ, **settings.as_environment()}
    services = [
        subprocess.Popen(
            [sys.executable, "-m", "newswire", name],
            env=env,
            stdout=(workdir / f"{name}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for name in ("indexer", "parser", "fetcher")
    ]
    client = await connect(settings)
    producer = broker.make_producer(settings)
    await producer.start()
    sent: dict[str, float] = {}
    seen: dict[str, float] = {}
    fetch_latency: list[float] = []
    try:
        # Warm-up: one article through every stage, so start-up is not measured.
        await send(producer, settings, ports, 0, sent)
        await wait_for(client, settings, sent, seen, [], deadline=time.time() + 180)
        sent.clear()
        seen.clear()
        total = int(args.rate * args.seconds)
        poller = asyncio.create_task(
            wait_for(client, settings, sent, seen, fetch_latency, deadline=None, total=total)
        )
        started = time.time()
        for i in range(1, total + 1):
            await send(producer, settings, ports, i, sent)
            await asyncio.sleep(max(0.0, started + i / args.rate - time.time()))
        await asyncio.wait_for(poller, timeout=300)
    finally:
        await producer.stop()
        await client.close()
        for service in services:
            service.terminate()
        for service in services:
            service.wait(timeout=60)
        await broker.delete_topics(settings)
        cleaner = await connect(settings)
        await cleaner.request("DELETE", f"/{settings.index_alias}*")
        await cleaner.close()
    request_latency = [seen[k] - sent[k] for k in seen]
    return {
        "articles": len(seen),
        "fetch_p50": percentile(fetch_latency, 0.5),
        "fetch_p99": percentile(fetch_latency, 0.99),
        "fetch_mean": statistics.fmean(fetch_latency),
        "request_p50": percentile(request_latency, 0.5),
        "request_p99": percentile(request_latency, 0.99),
    }


async def send(producer, settings: Settings, ports: list[int], n: int, sent: dict) -> None:
    url = f"http://127.0.0.1:{ports[n % len(ports)]}/a/{n}.html"
    request = CrawlRequest(url=url, site="latency-bench", kind="page", source="cli")
    await producer.send_and_wait(
        topic_name(Topic.CRAWL_REQUESTS, settings),
        request.to_bytes(),
        key=host_of(url).encode(),
    )
    sent[url_id(url)] = time.time()


async def wait_for(
    client,
    settings: Settings,
    sent: dict[str, float],
    seen: dict[str, float],
    fetch_latency: list[float],
    deadline: float | None,
    total: int = 1,
) -> None:
    """Poll the alias for the ids sent and not yet seen; record when each first appears."""
    while len(seen) < total and (deadline is None or time.time() < deadline):
        pending = [k for k in sent if k not in seen]
        if pending and await client.exists(f"/{settings.index_alias}"):
            result = await client.search(
                settings.index_alias,
                {
                    "query": {"ids": {"values": pending[:1000]}},
                    "_source": ["fetched_at"],
                    "size": 1000,
                },
            )
            now = time.time()
            for hit in result["hits"]["hits"]:
                if hit["_id"] in seen:
                    continue
                seen[hit["_id"]] = now
                fetched = datetime.fromisoformat(hit["_source"]["fetched_at"]).timestamp()
                fetch_latency.append(now - fetched)
        await asyncio.sleep(0.1)
    if len(seen) < total:
        raise RuntimeError(f"only {len(seen)} of {total} articles became searchable")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=10.0, help="crawl requests per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return

    subprocess.run([str(ROOT / "deploy" / "local" / "services.sh"), "up"], check=True)
    site = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(args.hosts)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert site.stdout is not None
        ports = json.loads(site.stdout.readline())
        with tempfile.TemporaryDirectory(prefix="latency-bench-") as tmp:
            result = asyncio.run(run(args, ports, Path(tmp)))
            beside = _report.beside()
    finally:
        site.terminate()
    print(json.dumps(result, indent=2))
    rows = "\n".join(
        [
            f"| fetch -> searchable (s) | {result['fetch_p50']:.2f} | {result['fetch_p99']:.2f} "
            f"| {result['fetch_mean']:.2f} |",
            f"| crawl request -> searchable (s) | {result['request_p50']:.2f} "
            f"| {result['request_p99']:.2f} | – |",
        ]
    )
    _report.write_entry(
        "Pipeline",
        "latency",
        f"""### Fetch-to-searchable latency — {_report.stamp()}

`.venv/bin/python bench/pipeline_latency.py --rate {args.rate:g} --seconds {args.seconds:g}
--hosts {args.hosts}`: {result["articles"]} articles at a steady {args.rate:g} crawl requests/s
through `newswire fetcher`, `parser` and `indexer` (separate processes), the local Kafka broker
and OpenSearch node, on {args.hosts} loopback hosts with no politeness delay.
Machine: {_report.machine()}. Running beside it: {beside}.

| measure | p50 | p99 | mean |
| --- | ---: | ---: | ---: |
{rows}

Peer: the engine's floor is its refresh interval (1 s): no write is searchable sooner than
the next refresh, so ~0.5 s of every figure above is the engine's, not newswire's. The
indexer's `NEWSWIRE_BULK_MAX_WAIT_S` was 0.2 s for this run (default 1 s, which trades
latency for bigger bulks); search polling adds up to 0.1 s.
""",
        intro="The whole pipeline, fetcher to search index, on the real local services.",
    )


if __name__ == "__main__":
    main()
